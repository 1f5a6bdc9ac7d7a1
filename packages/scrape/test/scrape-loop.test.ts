import { Labels, MemoryStorage } from '@pyrometer/model';
import { compileRelabelConfigs } from '@pyrometer/relabel';
import { HttpClient, validateHttpClientConfig } from '@pyrometer/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScrapeConfig, scrapeConfigWithDefaults } from '../src/config.ts';
import { ScrapeLoop } from '../src/scrape-loop.ts';
import { targetsFromGroup } from '../src/target.ts';
import { dump, startExporter } from './scrape-support.ts';

let exporter: Awaited<ReturnType<typeof startExporter>>;
const client = new HttpClient(validateHttpClientConfig({}));

beforeAll(async () => {
  exporter = await startExporter();
});
afterAll(async () => {
  await client.close();
  await exporter.close();
});

function loopFor(config: ScrapeConfig, clock: { now: number }, storage = new MemoryStorage()) {
  const group = {
    source: '0',
    targets: [Labels.from({ __address__: exporter.address })],
    labels: Labels.EMPTY,
  };
  const target = targetsFromGroup(group, config).targets[0]!;
  const loop = new ScrapeLoop({ target, config, client, appendable: storage, now: () => clock.now });
  return { loop, storage, target };
}

const job = (overrides: Partial<ScrapeConfig> = {}) => scrapeConfigWithDefaults('test', overrides);
const inst = () => `instance="${exporter.address}", job="test"`;

describe('ScrapeLoop', () => {
  it('appends the samples with the target labels and the five synthetic series', async () => {
    exporter.set({ body: '# TYPE a counter\na_total{x="1"} 3\nb 4.5\n' });
    const clock = { now: 60_000 };
    const { loop, storage, target } = loopFor(job(), clock);
    const report = await loop.scrapeAndReport(60_000);
    expect(report).toMatchObject({
      up: true,
      samplesScraped: 2,
      samplesPostMetricRelabeling: 2,
      seriesAdded: 2,
    });
    expect(await dump(storage)).toEqual({
      [`a_total{${inst()}, x="1"}`]: [[60_000, 3]],
      [`b{${inst()}}`]: [[60_000, 4.5]],
      [`scrape_duration_seconds{${inst()}}`]: [[60_000, 0]],
      [`scrape_samples_post_metric_relabeling{${inst()}}`]: [[60_000, 2]],
      [`scrape_samples_scraped{${inst()}}`]: [[60_000, 2]],
      [`scrape_series_added{${inst()}}`]: [[60_000, 2]],
      [`up{${inst()}}`]: [[60_000, 1]],
    });
    expect(target.health).toBe('up');
    expect(exporter.lastHeaders().accept).toContain('application/openmetrics-text;version=1.0.0;q=0.9');
    expect(exporter.lastHeaders()['x-prometheus-scrape-timeout-seconds']).toBe('10');
    expect(exporter.lastHeaders()['accept-encoding']).toBe('gzip');
  });

  it('stamps samples with the scheduled time when the scrape starts within 2 ms of it', async () => {
    exporter.set({ body: 'a 1\n' });
    const clock = { now: 15_001 };
    const { loop, storage } = loopFor(job(), clock);
    await loop.scrapeAndReport(15_000);
    clock.now = 30_007;
    await loop.scrapeAndReport(30_000);
    expect((await dump(storage))[`a{${inst()}}`]).toEqual([
      [15_000, 1],
      [30_007, 1],
    ]);
  });

  it('writes stale markers for series that disappear, and counts only new series as added', async () => {
    const clock = { now: 0 };
    const { loop, storage } = loopFor(job(), clock);
    exporter.set({ body: 'a 1\nb 1\n' });
    await loop.scrapeAndReport(0);
    exporter.set({ body: 'a 2\nc 2\n' });
    clock.now = 15_000;
    const report = await loop.scrapeAndReport(15_000);
    expect(report.seriesAdded).toBe(1);
    const d = await dump(storage);
    expect(d[`a{${inst()}}`]).toEqual([
      [0, 1],
      [15_000, 2],
    ]);
    expect(d[`b{${inst()}}`]).toEqual([
      [0, 1],
      [15_000, 'stale'],
    ]);
    expect(d[`c{${inst()}}`]).toEqual([[15_000, 2]]);
  });

  it('fails the scrape on a bad status and marks everything of the last scrape stale', async () => {
    const clock = { now: 0 };
    const { loop, storage, target } = loopFor(job(), clock);
    exporter.set({ body: 'a 1\n' });
    await loop.scrapeAndReport(0);
    exporter.set({ status: 500, body: 'oops' });
    clock.now = 15_000;
    const report = await loop.scrapeAndReport(15_000);
    expect(report).toMatchObject({
      up: false,
      error: 'server returned HTTP status 500 Internal Server Error',
      samplesScraped: 0,
    });
    const d = await dump(storage);
    expect(d[`a{${inst()}}`]).toEqual([
      [0, 1],
      [15_000, 'stale'],
    ]);
    expect(d[`up{${inst()}}`]).toEqual([
      [0, 1],
      [15_000, 0],
    ]);
    expect(target.health).toBe('down');
    expect(target.lastError).toContain('500');
  });

  it('keeps nothing of a scrape that fails to parse', async () => {
    const clock = { now: 0 };
    const { loop, storage } = loopFor(job(), clock);
    exporter.set({ body: 'good 1\nbad{ 2\n' });
    const report = await loop.scrapeAndReport(0);
    expect(report.up).toBe(false);
    expect(report.error).toMatch(/line 2/);
    expect(Object.keys(await dump(storage)).some((k) => k.startsWith('good'))).toBe(false);
  });

  it('after a good scrape, a broken one marks the good series stale and stores nothing new', async () => {
    const clock = { now: 0 };
    const { loop, storage } = loopFor(job(), clock);
    exporter.set({ body: 'a 1\n' });
    await loop.scrapeAndReport(0);
    exporter.set({ body: 'a 2\nnew 1\nbroken{\n' });
    clock.now = 15_000;
    expect((await loop.scrapeAndReport(15_000)).up).toBe(false);
    const d = await dump(storage);
    expect(d[`a{${inst()}}`]).toEqual([
      [0, 1],
      [15_000, 'stale'],
    ]);
    expect(d[`new{${inst()}}`]).toBeUndefined();
    exporter.set({ body: 'a 3\n' });
    clock.now = 30_000;
    expect((await loop.scrapeAndReport(30_000)).seriesAdded).toBe(1);
  });

  it('renames clashing exposed labels to exported_*, or keeps them with honor_labels', async () => {
    exporter.set({ body: 'm{job="exposed",instance="i",exported_job="x"} 1\n' });
    const plain = loopFor(job(), { now: 0 });
    await plain.loop.scrapeAndReport(0);
    expect(Object.keys(await dump(plain.storage))).toContain(
      `m{exported_exported_job="exposed", exported_instance="i", exported_job="x", ${inst()}}`,
    );
    const honor = loopFor(job({ honorLabels: true }), { now: 0 });
    await honor.loop.scrapeAndReport(0);
    expect(Object.keys(await dump(honor.storage))).toContain(
      'm{exported_job="x", instance="i", job="exposed"}',
    );
  });

  it('honors exposed timestamps unless honor_timestamps is false, and does not mark them stale', async () => {
    exporter.set({ body: 'm 1 5000\n' });
    const honored = loopFor(job(), { now: 9000 });
    await honored.loop.scrapeAndReport(9000);
    expect((await dump(honored.storage))[`m{${inst()}}`]).toEqual([[5000, 1]]);
    exporter.set({ body: '' });
    await honored.loop.scrapeAndReport(24_000);
    expect((await dump(honored.storage))[`m{${inst()}}`]).toEqual([[5000, 1]]);
    exporter.set({ body: 'm 1 5000\n' });
    const ignored = loopFor(job({ honorTimestamps: false }), { now: 9000 });
    await ignored.loop.scrapeAndReport(9000);
    expect((await dump(ignored.storage))[`m{${inst()}}`]).toEqual([[9000, 1]]);
  });

  it('applies metric_relabel_configs and reports the post-relabeling count', async () => {
    exporter.set({ body: 'keep_me 1\ndrop_me 2\n' });
    const config = job({
      metricRelabelConfigs: compileRelabelConfigs([
        { source_labels: ['__name__'], regex: 'drop_.*', action: 'drop' },
      ]),
    });
    const { loop, storage } = loopFor(config, { now: 0 });
    const report = await loop.scrapeAndReport(0);
    expect(report).toMatchObject({ samplesScraped: 2, samplesPostMetricRelabeling: 1 });
    const keys = Object.keys(await dump(storage));
    expect(keys.some((k) => k.startsWith('drop_me'))).toBe(false);
    expect(keys.some((k) => k.startsWith('keep_me'))).toBe(true);
  });

  it.each<[Partial<ScrapeConfig>, string]>([
    [{ sampleLimit: 1 }, 'sample limit exceeded'],
    [{ labelLimit: 3 }, 'label_limit exceeded (metric: m, number of labels: 4, limit: 3)'],
    [
      { labelNameLengthLimit: 4 },
      'label_name_length_limit exceeded (metric: m, label name: __name__, length: 8, limit: 4)',
    ],
    [{ labelValueLengthLimit: 3 }, 'label_value_length_limit exceeded'],
    [{ bodySizeLimit: 5 }, 'body size limit exceeded (limit: 5 bytes)'],
  ])('fails the whole scrape over a limit: %j', async (limits, message) => {
    exporter.set({ body: 'm{a="long-value"} 1\nn 2\n' });
    const { loop, storage } = loopFor(job(limits), { now: 0 });
    const report = await loop.scrapeAndReport(0);
    expect(report.up).toBe(false);
    expect(report.error).toContain(message);
    expect(Object.keys(await dump(storage)).some((k) => k.startsWith('m{') || k.startsWith('n{'))).toBe(
      false,
    );
  });

  it('reads gzip and OpenMetrics answers', async () => {
    exporter.set({
      contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
      gzip: true,
      body: '# TYPE c counter\nc_total 7 # {trace_id="a"} 1\n# EOF\n',
    });
    const { loop, storage } = loopFor(job(), { now: 0 });
    expect((await loop.scrapeAndReport(0)).up).toBe(true);
    expect((await dump(storage))[`c_total{${inst()}}`]).toEqual([[0, 7]]);
  });

  it('applies body_size_limit to the inflated size of a gzip answer', async () => {
    const body = 'm{a="long-value"} 1\nn 2\n';
    exporter.set({ gzip: true, body });
    const over = loopFor(job({ bodySizeLimit: body.length - 1 }), { now: 0 });
    expect((await over.loop.scrapeAndReport(0)).error).toBe(
      `body size limit exceeded (limit: ${body.length - 1} bytes)`,
    );
    const fits = loopFor(job({ bodySizeLimit: body.length }), { now: 0 });
    const report = await fits.loop.scrapeAndReport(0);
    expect(report.up).toBe(true);
    expect(report.samplesScraped).toBe(2);
  });

  it('refuses an unknown Content-Type unless a fallback protocol is configured', async () => {
    exporter.set({ contentType: 'application/json', body: 'x 1\n' });
    const strict = loopFor(job(), { now: 0 });
    expect((await strict.loop.scrapeAndReport(0)).error).toBe(
      'received unsupported Content-Type "application/json" and no fallback_scrape_protocol specified for target',
    );
    const lenient = loopFor(job({ fallbackScrapeProtocol: 'PrometheusText0.0.4' }), { now: 0 });
    expect((await lenient.loop.scrapeAndReport(0)).up).toBe(true);
  });

  it('times out a slow target', async () => {
    exporter.set({ body: 'x 1\n', delayMs: 500 });
    const config = job({ scrapeIntervalMs: 1000, scrapeTimeoutMs: 100 });
    const { loop } = loopFor(config, { now: 0 });
    const report = await loop.scrapeAndReport(0);
    expect(report.up).toBe(false);
    expect(report.error).toContain('context deadline exceeded');
  });

  it('marks every series and the synthetic ones stale when the target goes away', async () => {
    exporter.set({ body: 'a 1\n' });
    const clock = { now: 1000 };
    const { loop, storage } = loopFor(job(), clock);
    await loop.scrapeAndReport(1000);
    clock.now = 5000;
    await loop.stop(true);
    const d = await dump(storage);
    expect(d[`a{${inst()}}`]).toEqual([
      [1000, 1],
      [5000, 'stale'],
    ]);
    expect(d[`up{${inst()}}`]).toEqual([
      [1000, 1],
      [5000, 'stale'],
    ]);
  });

  it('counts a series exposed twice as a duplicate and keeps the first', async () => {
    exporter.set({ body: 'a 1\na 2\n' });
    const { loop, storage } = loopFor(job(), { now: 0 });
    const report = await loop.scrapeAndReport(0);
    expect(report.appendErrors.duplicate).toBe(1);
    expect((await dump(storage))[`a{${inst()}}`]).toEqual([[0, 1]]);
  });
});
