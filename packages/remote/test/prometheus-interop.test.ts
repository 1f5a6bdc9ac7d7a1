import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, MemoryStorage, StaleNaN } from '@pyrometer/model';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteWriteHandler } from '../src/write-handler.ts';
import { compressWriteRequest } from '../src/write-request-encoder.ts';
import { dumpBits, listen, postWrite } from './support.ts';

// Both directions against the real Prometheus (Debian's 2.42): our encoder writes to its
// receiver and we read the data back through its query API; its remote_write sender (which
// forwards what it scrapes and what it received) writes to our receiver.
const PROMETHEUS = '/usr/bin/prometheus';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function eventually<T>(get: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const exposition = (withTemperature: boolean) =>
  [
    '# HELP fixture_requests_total Requests served.',
    '# TYPE fixture_requests_total counter',
    'fixture_requests_total{code="200"} 42',
    withTemperature ? 'fixture_temperature_celsius{room="a b"} 21.5' : '',
    '',
  ].join('\n');

describe.skipIf(!existsSync(PROMETHEUS))('interop with Prometheus 2.42', () => {
  let prometheus: ChildProcess;
  let prometheusLog = '';
  let api: string;
  let dir: string;
  let withTemperature = true;
  const received = new MemoryStorage();
  const statuses: number[] = [];
  const handler = createRemoteWriteHandler({ appendable: received });
  let target: Awaited<ReturnType<typeof listen>>;
  let receiver: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    target = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(withTemperature));
    });
    receiver = await listen(async (req, res: ServerResponse) => {
      await handler(req, res);
      statuses.push(res.statusCode);
    });
    dir = mkdtempSync(join(tmpdir(), 'pyrometer-remote-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 500ms',
        'scrape_configs:',
        '  - job_name: fixture',
        '    static_configs:',
        `      - targets: ['${target.url.slice(7)}']`,
        'remote_write:',
        `  - url: ${receiver.url}/api/v1/write`,
        '    queue_config: { batch_send_deadline: 200ms, min_backoff: 100ms, max_backoff: 1s }',
        '    metadata_config: { send: true, send_interval: 1s }',
        '',
      ].join('\n'),
    );
    api = `http://127.0.0.1:${await freePort()}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=${api.slice(7)}`,
        '--web.enable-remote-write-receiver',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      prometheusLog += chunk.toString();
    });
    await eventually(async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined));
  }, 40_000);

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    await target?.close();
    await receiver?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // Prometheus's sender forwards only samples newer than its own start, so the data starts
  // after that, one second apart, off the whole second.
  const values = [1.5, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300];
  let base = 0;
  const written = () => [
    {
      labels: Labels.from({ __name__: 'pyrometer_interop', case: 'values', note: 'ünïcödé "quoted"' }),
      samples: [
        ...values.map((v, i) => ({ t: base + i * 1000, v })),
        { t: base + values.length * 1000, v: StaleNaN },
      ],
    },
    ...Array.from({ length: 50 }, (_, i) => ({
      labels: Labels.from({ __name__: 'pyrometer_interop_many', series: String(i) }),
      samples: [{ t: base, v: i }],
    })),
  ];

  it('our encoder writes to its receiver, and its query API returns the data, stale marker included', async () => {
    base = Math.ceil(Date.now() / 1000) * 1000 + 234;
    expect(await postWrite(api, compressWriteRequest(written()))).toEqual({ status: 204, text: '' });
    const query = new URLSearchParams({
      query: 'pyrometer_interop',
      start: String(base / 1000),
      end: String((base + 9 * 1000) / 1000),
      step: '1',
    });
    const body = (await (await fetch(`${api}/api/v1/query_range?${query}`)).json()) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    expect(body.data.result).toEqual([
      {
        metric: { __name__: 'pyrometer_interop', case: 'values', note: 'ünïcödé "quoted"' },
        // The stale marker at step 6 ends the series: without it the lookback would fill steps 6 to 9.
        values: ['1.5', '-2', 'NaN', '+Inf', '-Inf', '1e+300'].map((v, i) => [(base + i * 1000) / 1000, v]),
      },
    ]);
    const count = await fetch(
      `${api}/api/v1/query?${new URLSearchParams({ query: 'count(pyrometer_interop_many)', time: String(base / 1000) })}`,
    );
    expect(
      ((await count.json()) as { data: { result: { value: [number, string] }[] } }).data.result[0]!.value[1],
    ).toBe('50');
  });

  it('answers bad requests with the same statuses as ours', async () => {
    const older = compressWriteRequest([
      {
        labels: Labels.from({ __name__: 'pyrometer_interop_many', series: '0' }),
        samples: [{ t: base - 1000, v: 1 }],
      },
    ]);
    const nameless = compressWriteRequest([{ labels: [['job', 'nameless']], samples: [{ t: base, v: 1 }] }]);
    for (const [body, status] of [
      [nameless, 204],
      [older, 400],
      [new TextEncoder().encode('not snappy'), 400],
      [compressSync(Buffer.from([0x0a, 0x40, 0x01])), 400],
    ] as const) {
      expect((await postWrite(api, body)).status).toBe(status);
    }
    const ours = await listen(createRemoteWriteHandler({ appendable: new MemoryStorage() }));
    try {
      expect(
        (
          await postWrite(
            ours.url,
            compressWriteRequest([
              {
                labels: Labels.from({ __name__: 'x' }),
                samples: [
                  { t: 2, v: 1 },
                  { t: 1, v: 1 },
                ],
              },
            ]),
          )
        ).status,
      ).toBe(400);
      expect((await postWrite(ours.url, new TextEncoder().encode('not snappy'))).status).toBe(400);
      expect((await postWrite(ours.url, nameless)).status).toBe(204);
    } finally {
      await ours.close();
    }
  });

  it('its remote_write sender writes scraped series, forwarded samples and stale markers to our receiver', async () => {
    const instance = target.url.slice(7);
    const requests = `fixture_requests_total{code="200", instance="${instance}", job="fixture"}`;
    const temperature = `fixture_temperature_celsius{instance="${instance}", job="fixture", room="a b"}`;
    const up = `up{instance="${instance}", job="fixture"}`;
    const stored = await eventually(async () => {
      const all = await dumpBits(received);
      return all[requests] &&
        all[temperature] &&
        all[up] &&
        all['pyrometer_interop{case="values", note="ünïcödé \\"quoted\\""}']
        ? all
        : undefined;
    });
    expect(stored[requests]![0]![1]).toBe('4045000000000000'); // 42
    expect(stored[up]![0]![1]).toBe('3ff0000000000000'); // 1

    // What our encoder wrote to Prometheus came back through its sender bit for bit.
    const forwarded = stored['pyrometer_interop{case="values", note="ünïcödé \\"quoted\\""}']!;
    expect(forwarded.map(([t]) => t)).toEqual(written()[0]!.samples.map((s) => s.t));
    expect(forwarded.map(([, bits]) => bits)).toEqual([
      '3ff8000000000000',
      'c000000000000000',
      '7ff8000000000000',
      '7ff0000000000000',
      'fff0000000000000',
      '7e37e43c8800759c',
      '7ff0000000000002',
    ]);

    // The series leaves the target: Prometheus writes a stale marker and sends it to us.
    withTemperature = false;
    const last = await eventually(async () => {
      const samples = (await dumpBits(received))[temperature]!;
      return samples.at(-1)![1] === '7ff0000000000002' ? samples : undefined;
    });
    expect(last.slice(0, -1).every(([, bits]) => bits === '4035800000000000')).toBe(true); // 21.5
    // Every request it sent (samples and metadata-only ones) was accepted.
    expect(statuses.length).toBeGreaterThan(0);
    expect(
      statuses.every((s) => s === 204),
      `${statuses.join(',')}\n${prometheusLog}`,
    ).toBe(true);
  }, 60_000);
});
