import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, validateHttpClientConfig } from '@pyrometer/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpDiscoverer } from '../src/http.ts';
import { eventually, runDiscoverer } from './run-until.ts';

// A real HTTP server whose answer each test sets.
let reply: { status: number; type: string; body: string } = {
  status: 200,
  type: 'application/json',
  body: '[]',
};
let lastHeaders: Record<string, string | string[] | undefined> = {};
let server: Server;
let url: string;
const client = new HttpClient(validateHttpClientConfig({ authorization: { credentials: 'sd-token' } }));

beforeAll(async () => {
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    res.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  server.close();
});

const twoGroups = JSON.stringify([
  { targets: ['a:1', 'b:2'], labels: { env: 'prod' } },
  { targets: ['c:3'], labels: {} },
]);

describe('HttpDiscoverer against a real server', () => {
  it('reads target groups, adds __meta_url, numbers sources, sends the auth and refresh headers', async () => {
    reply = { status: 200, type: 'application/json; charset=utf-8', body: twoGroups };
    const run = runDiscoverer(new HttpDiscoverer({ url, client, refreshIntervalMs: 30_000 }));
    await eventually(() => run.updates() > 0);
    await run.stop();
    expect([...run.groups.keys()]).toEqual([`${url}:0`, `${url}:1`]);
    expect(run.groups.get(`${url}:0`)!.labels.toRecord()).toEqual({ __meta_url: url, env: 'prod' });
    expect(run.addresses()).toEqual(['a:1', 'b:2', 'c:3']);
    expect(lastHeaders.authorization).toBe('Bearer sd-token');
    expect(lastHeaders['x-prometheus-refresh-interval-seconds']).toBe('30');
  });

  it('removes groups that a later answer no longer has', async () => {
    reply = { status: 200, type: 'application/json', body: twoGroups };
    const run = runDiscoverer(new HttpDiscoverer({ url, client, refreshIntervalMs: 50 }));
    await eventually(() => run.addresses().length === 3);
    reply = { status: 200, type: 'application/json', body: JSON.stringify([{ targets: ['z:9'] }]) };
    await eventually(() => run.addresses().join() === 'z:9');
    await run.stop();
  });

  it.each([
    [{ status: 500, type: 'application/json', body: '[]' }, 'server returned HTTP status 500'],
    [{ status: 200, type: 'text/plain', body: '[]' }, 'unsupported content type "text/plain"'],
    [{ status: 200, type: 'application/json', body: '[{"targets": ' }, 'invalid JSON'],
    [{ status: 200, type: 'application/json', body: '[null]' }, 'nil target group item found'],
    [
      { status: 200, type: 'application/json', body: '[{"targets": ["http://x/y"]}]' },
      'is not a valid hostname',
    ],
    [
      { status: 200, type: 'application/json', body: '[{"targets": [], "labels": {"\\ud800": "c"}}]' },
      'is not a valid label name',
    ],
  ])('keeps the last good targets and reports %j', async (bad, message) => {
    reply = { status: 200, type: 'application/json', body: twoGroups };
    const errors: string[] = [];
    const run = runDiscoverer(
      new HttpDiscoverer({ url, client, refreshIntervalMs: 50, onError: (e) => errors.push(e.message) }),
    );
    await eventually(() => run.addresses().length === 3);
    reply = bad;
    await eventually(() => errors.length > 0);
    await run.stop();
    expect(errors[0]).toContain(message);
    expect(run.addresses()).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('rejects URLs Prometheus rejects', () => {
    expect(() => new HttpDiscoverer({ url: 'ftp://x/sd', client })).toThrow(
      "URL scheme must be 'http' or 'https'",
    );
  });
});
