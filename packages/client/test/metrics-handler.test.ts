import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { parseMetricFamilies, SCRAPE_ACCEPT_HEADER } from '@pyrometer/exposition';
import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Gauge, type MetricsHandlerOptions, metricsHandler, Registry } from '../src/index.ts';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(registry: Registry, options?: MetricsHandlerOptions): Promise<string> {
  server = createServer(metricsHandler(registry, options));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

function registryWithACounter(): Registry {
  const registry = new Registry();
  new Counter({ name: 'served_total', help: 'Served.', registers: [registry] }).inc(3);
  return registry;
}

describe('metricsHandler', () => {
  it.each([
    [
      'no Accept header',
      undefined,
      'text/plain; version=0.0.4; charset=utf-8; escaping=underscores',
      'served_total 3\n',
    ],
    [
      'text/plain',
      'text/plain',
      'text/plain; version=0.0.4; charset=utf-8; escaping=underscores',
      'served_total 3\n',
    ],
    [
      "Prometheus's scrape Accept header",
      SCRAPE_ACCEPT_HEADER,
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
      '# EOF\n',
    ],
    [
      'OpenMetrics',
      'application/openmetrics-text; version=1.0.0',
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
      '# EOF\n',
    ],
    [
      'OpenMetrics at a lower weight than text',
      'application/openmetrics-text;q=0.2,text/plain;q=0.9',
      'text/plain; version=0.0.4; charset=utf-8; escaping=underscores',
      'served_total 3\n',
    ],
  ])('answers %s in the format asked for', async (_, accept, contentType, expectedTail) => {
    const url = await serve(registryWithACounter());
    const response = await fetch(url, { headers: accept === undefined ? {} : { Accept: accept } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const body = await response.text();
    expect(body.endsWith(expectedTail)).toBe(true);
    const format = contentType.startsWith('application/openmetrics-text') ? 'openmetrics' : 'text';
    expect(parseMetricFamilies(body, format)[0]?.samples[0]?.value).toBe(3);
  });

  it('compresses with gzip when the scraper accepts it', async () => {
    const url = await serve(registryWithACounter());
    // fetch decompresses transparently; node:http below shows the bytes on the wire are gzip.
    const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toContain('served_total 3\n');
    const raw = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    expect(gunzipSync(raw).toString()).toContain('served_total 3\n');
  });

  it.each([
    ['gzip;q=0', undefined],
    ['identity', undefined],
    ['br, *;q=0.1', 'gzip'],
  ])('with Accept-Encoding %j encodes as %j', async (acceptEncoding, expected) => {
    const url = await serve(registryWithACounter());
    const response = await fetch(url, { headers: { 'Accept-Encoding': acceptEncoding } });
    expect(response.headers.get('content-encoding') ?? undefined).toBe(expected);
  });

  it('does not compress when told not to', async () => {
    const url = await serve(registryWithACounter(), { compression: false });
    const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBeNull();
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const url = await serve(registryWithACounter());
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 with the reason when a collect callback fails', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'broken',
      help: 'h',
      registers: [registry],
      collect() {
        throw new Error('sensor unplugged');
      },
    });
    const response = await fetch(await serve(registry));
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('Gauge "broken": collect callback failed: sensor unplugged');
  });
});
