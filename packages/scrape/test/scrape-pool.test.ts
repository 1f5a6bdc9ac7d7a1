import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Labels, MemoryStorage } from '@pyrometer/model';
import { compileRelabelConfigs } from '@pyrometer/relabel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeConfigWithDefaults } from '../src/config.ts';
import { ScrapeManager } from '../src/scrape-manager.ts';
import { ScrapePool } from '../src/scrape-pool.ts';
import { targetGroupOf } from '../src/target.ts';
import { dump, startExporter } from './scrape-support.ts';

let exporter: Awaited<ReturnType<typeof startExporter>>;
beforeAll(async () => {
  exporter = await startExporter();
  exporter.set({ body: 'x 1\n' });
});
afterAll(() => exporter.close());

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ScrapePool', () => {
  it('scrapes discovered targets on their interval, keeps dropped ones, and stales removed ones', async () => {
    const storage = new MemoryStorage();
    const config = scrapeConfigWithDefaults('pool', {
      scrapeIntervalMs: 200,
      scrapeTimeoutMs: 100,
      relabelConfigs: compileRelabelConfigs([
        { source_labels: ['__address__'], regex: 'dropped:.*', action: 'drop' },
      ]),
    });
    const pool = new ScrapePool(config, { appendable: storage });
    await pool.sync([targetGroupOf('g', [exporter.address, 'dropped:1'], { team: 't' })]);
    expect(pool.activeTargets().map((t) => t.labels().toRecord())).toEqual([
      { instance: exporter.address, job: 'pool', team: 't' },
    ]);
    expect(pool.droppedTargets().map((l) => l.get('__address__'))).toEqual(['dropped:1']);
    const key = `x{instance="${exporter.address}", job="pool", team="t"}`;
    await eventually(async () => ((await dump(storage))[key]?.length ?? 0) >= 2);
    const samples = (await dump(storage))[key]!;
    // Scrapes follow the schedule (a late timer stamps its own time: see the loop's tests).
    expect(samples[1]![0]).toBeGreaterThan(samples[0]![0]);
    expect(pool.activeTargets()[0]!.health).toBe('up');
    await pool.sync([]);
    const after = (await dump(storage))[key]!;
    expect(after.at(-1)![1]).toBe('stale');
    await pool.stop(false);
  });

  it('refuses to scrape any target of a job over target_limit', async () => {
    const pool = new ScrapePool(scrapeConfigWithDefaults('lim', { targetLimit: 1 }), {
      appendable: new MemoryStorage(),
    });
    await pool.sync([targetGroupOf('g', ['a:1', 'b:2'])]);
    expect(pool.activeTargets()).toEqual([]);
    expect(pool.targets().map((t) => t.lastError)).toEqual([
      'target_limit exceeded (number of targets: 2, limit: 1)',
      'target_limit exceeded (number of targets: 2, limit: 1)',
    ]);
    await pool.stop(false);
  });
});

describe('ScrapeManager', () => {
  it('creates, reloads and removes pools from the configuration', async () => {
    const storage = new MemoryStorage();
    const m = new ScrapeManager({ appendable: storage });
    const a = scrapeConfigWithDefaults('a', { scrapeIntervalMs: 100, scrapeTimeoutMs: 50 });
    await m.applyConfig([a, scrapeConfigWithDefaults('b')]);
    await m.sync(
      new Map([
        ['a', [targetGroupOf('0', [exporter.address])]],
        ['unknown', [targetGroupOf('0', ['x:1'])]],
      ]),
    );
    expect([...m.pools().keys()].sort()).toEqual(['a', 'b']);
    expect(m.pools().get('a')!.activeTargets()).toHaveLength(1);
    await m.applyConfig([{ ...a, metricsPath: '/other' }]);
    expect([...m.pools().keys()]).toEqual(['a']);
    expect(m.pools().get('a')!.config.metricsPath).toBe('/other');
    await expect(m.applyConfig([a, a])).rejects.toThrow('duplicate job_name');
    await m.stop();
  });
});

// A real exporter: Debian's prometheus-node-exporter on a loopback port.
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!existsSync(NODE_EXPORTER))('scraping a real node_exporter', () => {
  let child: ChildProcess;
  let address: string;
  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
    child = spawn(NODE_EXPORTER, [`--web.listen-address=${address}`], { stdio: 'ignore' });
  });
  afterAll(() => {
    child.kill();
  });

  it('stores its series with up=1', async () => {
    const storage = new MemoryStorage();
    const pool = new ScrapePool(
      scrapeConfigWithDefaults('node', { scrapeIntervalMs: 500, scrapeTimeoutMs: 400 }),
      {
        appendable: storage,
      },
    );
    await pool.sync([
      { source: '0', targets: [Labels.from({ __address__: address })], labels: Labels.EMPTY },
    ]);
    await eventually(async () => pool.activeTargets()[0]!.health === 'up', 10_000);
    const d = await dump(storage);
    const names = new Set(Object.keys(d).map((k) => k.slice(0, k.indexOf('{'))));
    expect(names).toContain('node_cpu_seconds_total');
    expect(names).toContain('go_goroutines');
    expect(d[`up{instance="${address}", job="node"}`]!.at(-1)![1]).toBe(1);
    expect(pool.activeTargets()[0]!.lastScrapeSamples).toBeGreaterThan(300);
    await pool.stop(false);
  });
});
