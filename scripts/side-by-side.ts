/**
 * Pyrometer side by side with the real Prometheus, through the shared harness
 * (`../shared/bench`): the ingest run and the query run for each server, one after the
 * other on this machine, then the two tables of packages/server/README.md with the ratios
 * and targets. Needs Debian's `prometheus` and `promtool` (scripts/setup.sh installs them).
 *
 *   pnpm side-by-side [--out DIR] [--only ingest|query] [--duration S] [--warmup S]
 *
 * It builds the workspace first, so `pyrometer` runs the build, as an installed server would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const harness = resolve(root, '../shared/bench');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/pyrometer-side-by-side' },
    only: { type: 'string' },
    duration: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '40' },
  },
});
const out = resolve(values.out);
const cache = join(out, 'cache');
mkdirSync(cache, { recursive: true });
if (!existsSync(join(harness, 'run-ingest.mjs'))) throw new Error(`no harness at ${harness}`);

const pyrometer = `${join(root, 'node_modules/.bin/pyrometer')} --config.file={config} --storage.tsdb.path={data} --web.listen-address=127.0.0.1:{port} --log.level=warn`;

function run(command: string, args: string[], cwd = harness): void {
  console.log(`$ ${command} ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} exited with ${r.status}`);
}

run('pnpm', ['build'], root);
const ingest = values.only !== 'query';
const query = values.only !== 'ingest';
const ingestArgs = ['--duration', values.duration, '--warmup', values.warmup, '--no-block-measure'];
if (ingest) {
  run('node', [
    'run-ingest.mjs',
    '--preset',
    'prometheus',
    '--label',
    'prometheus',
    ...ingestArgs,
    '--work-dir',
    join(out, 'work'),
    '--out',
    join(out, 'ingest-prom.json'),
  ]);
  run('node', [
    'run-ingest.mjs',
    '--label',
    'pyrometer',
    '--sut-cmd',
    pyrometer,
    '--samples-metric',
    'prometheus_tsdb_head_samples_appended_total',
    '--series-metric',
    'prometheus_tsdb_head_series',
    ...ingestArgs,
    '--work-dir',
    join(out, 'work'),
    '--out',
    join(out, 'ingest-pyro.json'),
  ]);
}
if (query) {
  const queryArgs = ['--cache-dir', cache, '--work-dir', join(out, 'work-query')];
  run('node', [
    'run-query.mjs',
    '--preset',
    'prometheus',
    '--label',
    'prometheus',
    ...queryArgs,
    '--out',
    join(out, 'query-prom.json'),
  ]);
  run('node', [
    'run-query.mjs',
    '--label',
    'pyrometer',
    ...queryArgs,
    '--out',
    join(out, 'query-pyro.json'),
    '--sut-cmd',
    `${pyrometer} --storage.tsdb.retention.time=10y`,
    '--load-cmd',
    'promtool tsdb create-blocks-from openmetrics {openmetrics} {data}',
  ]);
  // Exits non-zero when an answer differs; the tables are printed either way.
  spawnSync(
    'node',
    ['compare-results.mjs', join(out, 'query-prom.results.json'), join(out, 'query-pyro.results.json')],
    {
      cwd: harness,
      stdio: 'inherit',
    },
  );
}

const read = (name: string) => JSON.parse(readFileSync(join(out, name), 'utf8'));
const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (ingest) {
  const p = read('ingest-prom.json');
  const y = read('ingest-pyro.json');
  const row = (name: string, get: (r: typeof p) => number, digits: number, target = '') =>
    `| ${name} | ${fmt(get(p), digits)} | ${fmt(get(y), digits)} | ${ratio(get(y), get(p))} | ${target} |`;
  console.log('\n| figure | Prometheus | Pyrometer | ratio | target |\n| --- | ---: | ---: | ---: | --- |');
  console.log(
    row('CPU-s per 1M scraped samples (steady)', (r) => r.figures.cpuSecPerMillionSamplesSteady, 3, '≤ 1.5'),
  );
  console.log(row('RSS bytes per active series (end)', (r) => r.figures.rssBytesPerActiveSeries, 0, '≤ 1.0'));
  console.log(row('idle RSS (MiB)', (r) => r.figures.rssIdleBytes / 2 ** 20, 1));
  console.log(row('sustained samples/s', (r) => r.figures.sustainedSamplesPerSec, 0));
  console.log(row('disk bytes per sample after the run', (r) => r.figures.diskBytesPerSampleAfterStop, 2));
  console.log(
    row('other processes (cores, steady window)', (r) => r.otherProcesses.steadyWindow.unrelatedCores, 2),
  );
}
if (query) {
  const p = read('query-prom.json');
  const y = read('query-pyro.json');
  const ours = new Map<string, number>(
    y.queries.map((q: { id: string; medianMs: number }) => [q.id, q.medianMs]),
  );
  const ratios: number[] = [];
  console.log(
    '\n| query | Prometheus median ms | Pyrometer median ms | ratio |\n| --- | ---: | ---: | ---: |',
  );
  for (const q of p.queries as { id: string; medianMs: number }[]) {
    const mine = ours.get(q.id);
    if (mine === undefined) continue;
    ratios.push(mine / q.medianMs);
    console.log(`| ${q.id} | ${fmt(q.medianMs, 1)} | ${fmt(mine, 1)} | ${ratio(mine, q.medianMs)} |`);
  }
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  console.log(`\nMedian of the per-query ratios: ${median.toFixed(2)} (target ≤ 1.0)`);
}
