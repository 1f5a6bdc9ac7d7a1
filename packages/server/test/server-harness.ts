import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, MemoryStorage, NO_SERIES_REF } from '@pyrometer/model';
import { Logger, memoryServerStorage, PyrometerServer, parseCommandLine } from '../src/index.ts';

/** 2023-11-14T22:13:20Z: the time the test data starts. */
export const T0 = 1_700_000_000_000;

export interface Harness {
  server: PyrometerServer;
  url: string;
  dir: string;
  configPath: string;
  memory: MemoryStorage;
  logs: string[];
  get(path: string): Promise<Response>;
  post(path: string, form: Record<string, string | string[]>): Promise<Response>;
  json(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: Record<string, unknown> & { data?: unknown } }>;
  close(): Promise<void>;
}

const EMPTY_CONFIG = 'global:\n  scrape_interval: 15s\nscrape_configs: []\n';

/**
 * An in-process server on a free loopback port, with a temp data directory, the given
 * configuration and flags, and a `MemoryStorage` the test can fill.
 */
export async function startHarness(
  options: { config?: string; args?: string[]; memory?: MemoryStorage } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'pyrometer-test-'));
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(configPath, options.config ?? EMPTY_CONFIG);
  const parsed = parseCommandLine([
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    '--web.listen-address=127.0.0.1:0',
    ...(options.args ?? []),
  ]);
  if (parsed.action !== 'run') throw new Error('bad test flags');
  const logs: string[] = [];
  const memory = options.memory ?? new MemoryStorage();
  const server = await PyrometerServer.start({
    flags: parsed.flags,
    flagValues: parsed.values,
    logger: new Logger({ level: 'debug', write: (line) => logs.push(line) }),
    storage: memoryServerStorage(memory),
    discoveryUpdateIntervalMs: 50,
  });
  const url = `http://127.0.0.1:${server.port}`;
  const get = (path: string): Promise<Response> => fetch(url + path);
  const post = (path: string, form: Record<string, string | string[]>): Promise<Response> => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return fetch(url + path, { method: 'POST', body });
  };
  return {
    server,
    url,
    dir,
    configPath,
    memory,
    logs,
    get,
    post,
    async json(path, init) {
      const res = await fetch(url + path, init);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Appends `(t, v)` points to a series given as `{__name__: ..., ...}`. */
export async function addSeries(
  memory: MemoryStorage,
  labels: Record<string, string>,
  points: [number, number][],
): Promise<void> {
  const app = memory.appender();
  const ls = Labels.from(labels);
  let ref = NO_SERIES_REF;
  for (const [t, v] of points) ref = app.append(ref, ls, 0, t, v);
  await app.commit();
}

/** The demo data set: two counters and a gauge, a sample every 15 s for 10 minutes from T0. */
export async function loadDemoData(memory: MemoryStorage): Promise<void> {
  const steps = Array.from({ length: 41 }, (_, i) => i);
  for (const [instance, rate] of [
    ['a:9100', 1],
    ['b:9100', 2],
  ] as const) {
    await addSeries(
      memory,
      { __name__: 'http_requests_total', job: 'api', instance, code: '200' },
      steps.map((i) => [T0 + i * 15_000, i * 15 * rate]),
    );
    await addSeries(
      memory,
      { __name__: 'up', job: 'api', instance },
      steps.map((i) => [T0 + i * 15_000, 1]),
    );
  }
  await addSeries(
    memory,
    { __name__: 'temperature_celsius', job: 'sensors', instance: 'c:1', room: 'lab' },
    steps.map((i) => [T0 + i * 15_000, 20 + i / 10]),
  );
}

/** A real exporter on a free loopback port, always serving `body` as `contentType`. */
export async function startExporter(
  contentType: string,
  body: string,
): Promise<{ server: Server; address: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Calls `fn` every 100 ms until it gives a value; throws after `timeoutMs`. */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
