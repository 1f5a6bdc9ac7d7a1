import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from '@pyrometer/model';
import { compileRelabelConfigs } from '@pyrometer/relabel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeConfigWithDefaults } from '../src/config.ts';
import { ScrapePool } from '../src/scrape-pool.ts';
import { targetGroupOf } from '../src/target.ts';
import { dump, startExporter } from './scrape-support.ts';

// The same fixture target scraped by the real Prometheus (Debian's 2.42) and by Pyrometer,
// with the same relabeling: the stored series must be the same, and so must staleness and the
// metric metadata kept for the target.
const PROMETHEUS = '/usr/bin/prometheus';

const exposition = (withGone: boolean) =>
  [
    '# HELP http_requests_total Requests, by code and method.',
    '# TYPE http_requests_total counter',
    'http_requests_total{code="200",method="get"} 10',
    'http_requests_total{code="500",method="get",job="exposed"} 1',
    '# HELP temperature A backslash \\\\ and a\\nnewline, escaped.',
    '# TYPE temperature gauge',
    'temperature{room="a b",quote="say \\"hi\\""} 21.5',
    '# HELP debug_only Dropped by metric relabeling, but its metadata is kept.',
    'debug_only 1',
    '# TYPE legacy untyped',
    'legacy 3',
    withGone ? 'going_away{x="1"} 5' : '',
    '',
  ].join('\n');

const relabelYaml = `
    relabel_configs:
      - target_label: team
        replacement: core
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: debug_.*
        action: drop`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function eventually<T>(get: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!existsSync(PROMETHEUS))(
  'the same target scraped by Prometheus 2.42 and by Pyrometer',
  () => {
    let exporter: Awaited<ReturnType<typeof startExporter>>;
    let prometheus: ChildProcess;
    let api: string;

    beforeAll(async () => {
      exporter = await startExporter();
      exporter.set({ body: exposition(true) });
      const dir = mkdtempSync(join(tmpdir(), 'pyrometer-prom-'));
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\n  scrape_timeout: 500ms\nscrape_configs:\n  - job_name: cmp\n    static_configs:\n      - targets: ['${exporter.address}']${relabelYaml}\n`,
      );
      api = `http://127.0.0.1:${await freePort()}`;
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=${api.slice(7)}`,
          '--log.level=warn',
        ],
        { stdio: 'ignore' },
      );
    }, 30_000);

    afterAll(async () => {
      prometheus?.kill('SIGKILL');
      await exporter?.close();
    });

    async function prometheusSeries(): Promise<string[] | undefined> {
      const res = await fetch(`${api}/api/v1/series?match[]=${encodeURIComponent('{job="cmp"}')}`);
      const body = (await res.json()) as { data: Record<string, string>[] };
      if (!body.data.some((s) => s.__name__ === 'going_away')) return undefined;
      return body.data.map((s) => labelString(s)).sort();
    }

    type Metadata = { metric: string; type: string; help: string; unit: string };
    const byMetric = (a: Metadata, b: Metadata) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0);

    async function prometheusMetadata(): Promise<Metadata[] | undefined> {
      const res = await fetch(
        `${api}/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="cmp"}')}`,
      );
      const body = (await res.json()) as { data?: Metadata[] };
      if (body.data === undefined || body.data.length === 0) return undefined;
      return body.data.map(({ metric, type, help, unit }) => ({ metric, type, help, unit })).sort(byMetric);
    }

    async function prometheusInstant(query: string): Promise<string[]> {
      const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result.map((r) => `${labelString(r.metric)} ${r.value[1]}`).sort();
    }

    it('stores the same series, with the same labels after relabeling, the same staleness and metadata', async () => {
      const theirs = await eventually(prometheusSeries);

      const storage = new MemoryStorage();
      const config = scrapeConfigWithDefaults('cmp', {
        scrapeIntervalMs: 1000,
        scrapeTimeoutMs: 500,
        relabelConfigs: compileRelabelConfigs([{ target_label: 'team', replacement: 'core' }]),
        metricRelabelConfigs: compileRelabelConfigs([
          { source_labels: ['__name__'], regex: 'debug_.*', action: 'drop' },
        ]),
      });
      const pool = new ScrapePool(config, { appendable: storage });
      await pool.sync([targetGroupOf('0', [exporter.address])]);
      const ours = await eventually(async () => {
        const keys = Object.keys(await dump(storage));
        return keys.some((k) => k.startsWith('going_away')) && keys.some((k) => k.startsWith('up'))
          ? keys
          : undefined;
      });
      expect(ours.map((k) => normalise(k)).sort()).toEqual(theirs);

      // Both keep the same metadata for the target: families, types (untyped is unknown), help, unit.
      const theirMetadata = await eventually(prometheusMetadata);
      const ourMetadata = pool
        .activeTargets()[0]!
        .metadata()
        .map(({ metric, type, help, unit }) => ({ metric, type, help, unit }))
        .sort(byMetric);
      expect(ourMetadata).toEqual(theirMetadata);
      expect(ourMetadata).toContainEqual({
        metric: 'temperature',
        type: 'gauge',
        help: 'A backslash \\ and a\nnewline, escaped.',
        unit: '',
      });

      // The series disappears from the exposition: both mark it stale, so an instant query finds nothing.
      exporter.set({ body: exposition(false) });
      await eventually(async () => ((await prometheusInstant('going_away')).length === 0 ? true : undefined));
      await eventually(async () =>
        (await dump(storage))[
          `going_away{instance="${exporter.address}", job="cmp", team="core", x="1"}`
        ]?.at(-1)?.[1] === 'stale'
          ? true
          : undefined,
      );
      expect(await prometheusInstant('up')).toEqual([
        `{__name__="up", instance="${exporter.address}", job="cmp", team="core"} 1`,
      ]);
      await pool.stop(false);
    }, 60_000);
  },
);

function labelString(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;
}

// Our keys print as name{a="b", ...}; Prometheus's API gives __name__ as a label.
function normalise(key: string): string {
  const brace = key.indexOf('{');
  const name = key.slice(0, brace);
  const body = key.slice(brace + 1, -1);
  const parts = body === '' ? [] : body.split(/, (?=[a-zA-Z_"][^=]*=")/);
  return `{${[`__name__=${JSON.stringify(name)}`, ...parts].sort().join(', ')}}`;
}
