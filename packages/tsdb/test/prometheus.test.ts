import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Labels, Matcher } from '@pyrometer/model';
import { afterEach, describe, expect, it } from 'vitest';
import { openTSDB } from '../src/index.ts';
import { selectAll, tempDir } from './helpers.ts';
import { hasPrometheus, PROMETHEUS } from './promtool.ts';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Running {
  proc: ChildProcess;
  url: string;
  stop(signal: NodeJS.Signals): Promise<void>;
}

async function startPrometheus(dataDir: string, scrapeSelf: boolean): Promise<Running> {
  const port = await freePort();
  const cfg = join(dataDir, '..', `prometheus-${port}.yml`);
  const scrape = scrapeSelf
    ? `scrape_configs:\n  - job_name: self\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`
    : '';
  writeFileSync(cfg, `global:\n  scrape_interval: 1s\n${scrape}`);
  const proc = spawn(
    PROMETHEUS,
    [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const running: Running = {
    proc,
    url,
    async stop(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
  cleanups.push(() => proc.kill('SIGKILL'));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return running;
    } catch {}
    if (Date.now() > deadline) throw new Error(`prometheus did not become ready: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function queryMatrix(
  url: string,
  query: string,
  time: number,
): Promise<Map<string, [number, string][]>> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}&time=${time / 1000}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (body.status !== 'success') throw new Error(JSON.stringify(body));
  const out = new Map<string, [number, string][]>();
  for (const r of body.data.result) {
    const key = JSON.stringify(Object.entries(r.metric).sort());
    out.set(
      key,
      r.values.map(([t, v]) => [Math.round(t * 1000), v]),
    );
  }
  return out;
}

function runWriterUntilKilled(dir: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@pyrometer/source', new URL('./crash-writer.ts', import.meta.url).pathname, dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acked = 0;
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked = Number(line.slice(4));
    });
    const timer = setInterval(() => {
      if (acked > 0) {
        clearInterval(timer);
        setTimeout(() => child.kill('SIGKILL'), ms);
      }
    }, 5);
    child.on('exit', (_c, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error('writer exited')),
    );
  });
}

describe.skipIf(!hasPrometheus)('real Prometheus 2.42', () => {
  it('opens a data directory Pyrometer left after kill -9 and serves every acknowledged sample', {
    timeout: 60_000,
  }, async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const data = join(dir, 'data');
    const acked = await runWriterUntilKilled(data, 200);
    expect(acked).toBeGreaterThan(0);
    const prom = await startPrometheus(data, false);
    const result = await queryMatrix(prom.url, 'crash[1d]', acked);
    await prom.stop('SIGTERM');
    expect(result.size).toBe(20);
    for (const samples of result.values()) {
      expect(samples.length).toBe(acked);
      expect(samples.every(([t, v], i) => t === i + 1 && Number(v) === t)).toBe(true);
    }
  });

  it('opens our blocks, checkpoint and WAL together and serves every sample', {
    timeout: 60_000,
  }, async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const data = join(dir, 'data');
    const H2 = 2 * 3600 * 1000;
    const T0 = Math.floor((Date.now() - 6 * H2) / H2) * H2;
    const db = openTSDB(data, { logger: () => {}, autoCompact: false });
    const series = ['a', 'b', 'c'].map((job) => Labels.from({ __name__: 'interop', job }));
    let app = db.appender();
    let n = 0;
    for (let t = T0; t < T0 + 5 * H2; t += 30_000) {
      for (const l of series) app.append(0 as never, l, 0, t, t / 1000);
      if (++n % 100 === 0) {
        await app.commit();
        app = db.appender();
      }
    }
    await app.commit();
    const written = await db.compact();
    expect(written.length).toBeGreaterThan(0);
    // Left open, as after kill -9: the newest samples are only in the WAL.
    const prom = await startPrometheus(data, false);
    const end = T0 + 5 * H2 - 30_000;
    const result = await queryMatrix(prom.url, 'interop[1d]', end);
    await prom.stop('SIGTERM');
    db.close();
    expect(result.size).toBe(3);
    for (const samples of result.values()) {
      expect(samples.length).toBe(n);
      expect(samples.every(([t, v], i) => t === T0 + i * 30_000 && Number(v) === t / 1000)).toBe(true);
    }
  });

  it('Pyrometer opens a data directory a real Prometheus left, with every sample its API served', {
    timeout: 60_000,
  }, async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const data = join(dir, 'data');
    const prom = await startPrometheus(data, true);
    // Let it scrape itself a few times.
    let result = new Map<string, [number, string][]>();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      result = await queryMatrix(prom.url, 'up[1h]', Date.now());
      if ((result.values().next().value?.length ?? 0) >= 4) break;
    }
    const seriesCount = await queryMatrix(prom.url, '{__name__=~".+"}[1h]', Date.now());
    await prom.stop('SIGKILL');
    expect(result.size).toBe(1);
    const db = openTSDB(data, { logger: () => {} });
    try {
      const [up] = await selectAll(
        db.querier(0, Number.MAX_SAFE_INTEGER),
        new Matcher('=', '__name__', 'up'),
      );
      const want = [...result.values()][0]!;
      const got = new Map(up!.samples.map(([t, v]) => [t, v]));
      for (const [t, v] of want) expect(got.get(t)).toBe(Number(v));
      const all = await selectAll(db.querier(0, Number.MAX_SAFE_INTEGER));
      expect(all.length).toBeGreaterThanOrEqual(seriesCount.size);
    } finally {
      db.close();
    }
  });
});
