import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, MemoryStorage } from '@pyrometer/model';
import { HttpClient, validateHttpClientConfig } from '@pyrometer/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { scrapeConfigWithDefaults } from '../src/config.ts';
import { ScrapeLoop } from '../src/scrape-loop.ts';
import { targetsFromGroup } from '../src/target.ts';
import { dump } from './scrape-support.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function scrapeOnce(address: string, httpClient = validateHttpClientConfig({}), baseDir?: string) {
  const config = scrapeConfigWithDefaults('faults', {
    scrapeIntervalMs: 1000,
    scrapeTimeoutMs: 300,
    httpClient,
  });
  const target = targetsFromGroup(
    { source: '0', targets: [Labels.from({ __address__: address })], labels: Labels.EMPTY },
    config,
  ).targets[0]!;
  const client = new HttpClient(httpClient, baseDir === undefined ? {} : { baseDir });
  const storage = new MemoryStorage();
  const loop = new ScrapeLoop({ target, config, client, appendable: storage, now: () => 1000 });
  const report = await loop.scrapeAndReport(1000);
  await client.close();
  return { report, storage };
}

describe('scrape faults', () => {
  it('a target that resets the connection is down with the error', async () => {
    const address = await serve((req) => req.socket.destroy());
    const { report, storage } = await scrapeOnce(address);
    expect(report.up).toBe(false);
    expect(report.error).toMatch(/socket|closed|reset/i);
    expect((await dump(storage))[`up{instance="${address}", job="faults"}`]).toEqual([[1000, 0]]);
  });

  it('a target that never answers times out', async () => {
    const address = await serve(() => {});
    const { report } = await scrapeOnce(address);
    expect(report.error).toContain('context deadline exceeded');
  });

  it('a target that sends a body and then stalls times out with nothing stored', async () => {
    const address = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial 1\n');
    });
    const { report, storage } = await scrapeOnce(address);
    expect(report.up).toBe(false);
    expect(Object.keys(await dump(storage)).some((k) => k.startsWith('partial'))).toBe(false);
  });

  it('sends basic auth and a bearer token read from a file', async () => {
    let seen: IncomingHttpHeaders = {};
    const address = await serve((req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok 1\n');
    });
    await scrapeOnce(address, validateHttpClientConfig({ basic_auth: { username: 'u', password: 'p' } }));
    expect(seen.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-bearer-'));
    writeFileSync(join(dir, 'token'), 's3cret\n');
    const { report } = await scrapeOnce(
      address,
      validateHttpClientConfig({ bearer_token_file: 'token' }),
      dir,
    );
    expect(report.up).toBe(true);
    expect(seen.authorization).toBe('Bearer s3cret');
  });

  it('garbage bytes fail the scrape with the line and column', async () => {
    const address = await serve((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(Buffer.from([0x66, 0x6f, 0x6f, 0x7b, 0xff, 0xfe, 0x0a]));
    });
    const { report } = await scrapeOnce(address);
    expect(report.up).toBe(false);
    expect(report.error).toMatch(/line 1, column \d+/);
  });
});
