/**
 * CPU seconds per million scraped samples, end to end in this process (HTTP client, gunzip,
 * parse, relabel, append into MemoryStorage), over 100 targets × 1,000 series scraped every
 * second for a bounded run. The targets run in a child process, so their CPU is not counted.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Appendable, type Appender, MemoryStorage } from '@pyrometer/model';
import { compileRelabelConfigs } from '@pyrometer/relabel';
import { ScrapePool, scrapeConfigWithDefaults, targetGroupOf } from '@pyrometer/scrape';
import { printFigures } from '../../../scripts/bench-kit.ts';

const TARGETS = 100;
const SERIES = 1000;
const WARMUP_S = 3;
const MEASURE_S = Number(process.env.SCRAPE_BENCH_SECONDS ?? 10);

const child = spawn(
  process.execPath,
  [
    new URL('./fake-targets.ts', import.meta.url).pathname,
    `--targets=${TARGETS}`,
    `--series=${SERIES}`,
    `--max-seconds=${WARMUP_S + MEASURE_S + 30}`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [portLine] = (await once(child.stdout!, 'data')) as [Buffer];
const port = Number(portLine.toString().trim());

// Counts what the scraper appends (samples, synthetic series and stale markers).
const memory = new MemoryStorage();
let appended = 0;
const storage: Appendable = {
  appender(): Appender {
    const app = memory.appender();
    return {
      append: (...args) => {
        appended++;
        return app.append(...args);
      },
      commit: () => app.commit(),
      rollback: () => app.rollback(),
    };
  },
};
const countSamples = () => appended;
const config = scrapeConfigWithDefaults('bench', {
  scrapeIntervalMs: 1000,
  scrapeTimeoutMs: 900,
  // Every fake target shares one port: keep the per-target path in `instance`.
  relabelConfigs: compileRelabelConfigs([
    { source_labels: ['__address__'], target_label: 'instance' },
    {
      source_labels: ['__address__'],
      regex: '(.*)/(\\d+)',
      target_label: '__metrics_path__',
      replacement: '/metrics/$2',
    },
    { source_labels: ['__address__'], regex: '(.*)/(\\d+)', target_label: '__address__', replacement: '$1' },
  ]),
  metricRelabelConfigs: compileRelabelConfigs([
    { source_labels: ['__name__'], regex: 'go_.*', action: 'drop' },
  ]),
});
const pool = new ScrapePool(config, { appendable: storage });
const addresses = Array.from({ length: TARGETS }, (_, i) => `127.0.0.1:${port}/${i}`);
await pool.sync([targetGroupOf('bench', addresses)]);

const scraped = () => pool.activeTargets().reduce((n, t) => n + (t.health === 'up' ? 1 : 0), 0);
await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
const upAtStart = scraped();
const samplesBefore = countSamples();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
const cpu = process.cpuUsage(cpuBefore);
const wall = (performance.now() - wallBefore) / 1000;
const samples = countSamples() - samplesBefore;
await pool.stop(false);
child.kill();

const cpuSeconds = (cpu.user + cpu.system) / 1e6;
printFigures(`Scrape path: ${TARGETS} targets × ${SERIES} series every 1 s, ${MEASURE_S} s measured`, [
  { case: 'CPU seconds per 1M scraped samples', unit: 'CPU-s', value: (cpuSeconds / samples) * 1e6 },
  { case: 'samples appended per second', unit: 'samples/s', value: samples / wall },
  { case: 'cores used by the scraper', unit: 'cores', value: cpuSeconds / wall },
  { case: 'targets up at the start of the window', unit: 'targets', value: upAtStart },
]);
