import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsDiscoverer } from '../src/dns.ts';
import { eventually, runDiscoverer } from './run-until.ts';

// A real DNS server: dnsmasq (Debian package dnsmasq-base) on a loopback port, serving
// only the records below and answering NXDOMAIN for anything else under example.test.
const DNSMASQ = '/usr/sbin/dnsmasq';
let dnsmasq: ChildProcess | undefined;
let nameserver: string;

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(r));
  return port;
}

beforeAll(async () => {
  if (!existsSync(DNSMASQ)) return;
  const port = await freeUdpPort();
  nameserver = `127.0.0.1:${port}`;
  dnsmasq = spawn(
    DNSMASQ,
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--pid-file=',
      '--local=/example.test/',
      '--srv-host=_node._tcp.example.test,web1.example.test,9100,0,0',
      '--srv-host=_node._tcp.example.test,web2.example.test,9101,0,0',
      '--host-record=web1.example.test,127.0.0.11',
      '--host-record=multi.example.test,127.0.0.21',
      '--host-record=multi.example.test,127.0.0.22',
      '--host-record=v6.example.test,fd00::11',
      '--mx-host=example.test,mail.example.test,10',
      // Authoritative for example.test, so it answers NS queries with these two servers.
      '--auth-server=ns1.example.test,lo',
      '--auth-zone=example.test',
      '--auth-sec-servers=ns2.example.test',
    ],
    { stdio: 'ignore' },
  );
  // Ready once it answers a query.
  const probe = new DnsDiscoverer({
    names: ['web1.example.test'],
    type: 'A',
    port: 1,
    nameserver,
    refreshIntervalMs: 100,
  });
  const run = runDiscoverer(probe);
  await eventually(() => run.addresses().length > 0, 10_000).finally(run.stop);
});

afterAll(() => {
  dnsmasq?.kill();
});

describe.skipIf(!existsSync(DNSMASQ))('DnsDiscoverer against dnsmasq', () => {
  async function discover(options: ConstructorParameters<typeof DnsDiscoverer>[0]) {
    const run = runDiscoverer(new DnsDiscoverer({ ...options, nameserver }));
    await eventually(() => run.updates() > 0);
    await run.stop();
    return run;
  }

  it('turns SRV records into targets with their meta labels', async () => {
    const run = await discover({ names: ['_node._tcp.example.test'] });
    expect(run.addresses()).toEqual(['web1.example.test:9100', 'web2.example.test:9101']);
    const group = run.groups.get('_node._tcp.example.test')!;
    const web1 = group.targets.find((t) => t.get('__address__') === 'web1.example.test:9100')!;
    expect(web1.toRecord()).toEqual({
      __address__: 'web1.example.test:9100',
      __meta_dns_name: '_node._tcp.example.test',
      __meta_dns_srv_record_target: 'web1.example.test.',
      __meta_dns_srv_record_port: '9100',
    });
  });

  it('ignores port for SRV records, as Prometheus does', async () => {
    const run = await discover({ names: ['_node._tcp.example.test'], port: 1234 });
    expect(run.addresses()).toEqual(['web1.example.test:9100', 'web2.example.test:9101']);
  });

  it('turns A and AAAA records into ip:port targets', async () => {
    expect((await discover({ names: ['multi.example.test'], type: 'A', port: 9100 })).addresses()).toEqual([
      '127.0.0.21:9100',
      '127.0.0.22:9100',
    ]);
    expect((await discover({ names: ['v6.example.test'], type: 'AAAA', port: 80 })).addresses()).toEqual([
      '[fd00::11]:80',
    ]);
  });

  it('turns MX records into targets', async () => {
    const run = await discover({ names: ['example.test'], type: 'MX', port: 25 });
    expect(run.addresses()).toEqual(['mail.example.test:25']);
    expect(run.groups.get('example.test')!.targets[0]!.get('__meta_dns_mx_record_target')).toBe(
      'mail.example.test.',
    );
  });

  it('turns NS records into targets', async () => {
    const run = await discover({ names: ['example.test'], type: 'NS', port: 53 });
    expect(run.addresses()).toEqual(['ns1.example.test:53', 'ns2.example.test:53']);
    const targets = run.groups
      .get('example.test')!
      .targets.map((t) => t.get('__meta_dns_ns_record_target'))
      .sort();
    expect(targets).toEqual(['ns1.example.test.', 'ns2.example.test.']);
  });

  it('gives an empty group for a name that does not exist', async () => {
    const updates: number[] = [];
    const abort = new AbortController();
    const d = new DnsDiscoverer({ names: ['missing.example.test'], type: 'A', port: 1, nameserver });
    const done = d.run(abort.signal, (groups) => {
      updates.push(groups.length);
      expect(groups).toEqual([{ source: 'missing.example.test', targets: [], labels: expect.anything() }]);
      abort.abort();
    });
    await done;
    expect(updates).toEqual([1]);
  });

  it('reports a nameserver that does not answer and keeps going', async () => {
    const errors: string[] = [];
    const dead = `127.0.0.1:${await freeUdpPort()}`;
    const d = new DnsDiscoverer({
      names: ['web1.example.test'],
      type: 'A',
      port: 1,
      nameserver: dead,
      onError: (e) => errors.push(e.message),
    });
    const run = runDiscoverer(d);
    await eventually(() => errors.length > 0, 30_000);
    await run.stop();
    expect(errors[0]).toMatch(/error refreshing DNS targets for web1.example.test/);
    expect(run.addresses()).toEqual([]);
  }, 40_000);
});

describe('DnsDiscoverer configuration', () => {
  it.each([
    [{ names: [] }, 'at least one SRV record name'],
    [{ names: ['a'], type: 'A' as const }, 'a port is required'],
  ])('rejects %j', (options, message) => {
    expect(() => new DnsDiscoverer(options)).toThrow(message);
  });
});
