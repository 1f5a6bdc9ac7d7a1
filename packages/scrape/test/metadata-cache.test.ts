import { createParser, type ExpositionFormat } from '@pyrometer/exposition';
import { Labels, MemoryStorage } from '@pyrometer/model';
import { HttpClient, validateHttpClientConfig } from '@pyrometer/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeConfigWithDefaults } from '../src/config.ts';
import { METADATA_KEPT_SCRAPES, type MetricMetadata } from '../src/metadata-cache.ts';
import { ScrapeLoop } from '../src/scrape-loop.ts';
import { targetsFromGroup } from '../src/target.ts';
import { startExporter } from './scrape-support.ts';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

let exporter: Awaited<ReturnType<typeof startExporter>>;
const client = new HttpClient(validateHttpClientConfig({}));

beforeAll(async () => {
  exporter = await startExporter();
});
afterAll(async () => {
  await client.close();
  await exporter.close();
});

function newLoop() {
  const config = scrapeConfigWithDefaults('test', {});
  const group = {
    source: '0',
    targets: [Labels.from({ __address__: exporter.address })],
    labels: Labels.EMPTY,
  };
  const target = targetsFromGroup(group, config).targets[0]!;
  const clock = { now: 0 };
  const loop = new ScrapeLoop({
    target,
    config,
    client,
    appendable: new MemoryStorage(),
    now: () => clock.now,
  });
  // One scrape a minute, on schedule.
  const scrape = async () => {
    clock.now += 60_000;
    return loop.scrapeAndReport(clock.now);
  };
  return { target, scrape };
}

const TEXT = `# HELP http_requests_total Requests served, by code.\\nSee the docs.
# TYPE http_requests_total counter
http_requests_total{code="200"} 10
http_requests_total{code="500"} 1
# TYPE queue_length gauge
queue_length 3
# HELP build_info Which build runs.
build_info{version="1.2"} 1
# TYPE legacy untyped
legacy 7
# A comment is not metadata.
no_metadata 1
`;

const TEXT_METADATA: MetricMetadata[] = [
  {
    metric: 'http_requests_total',
    type: 'counter',
    help: 'Requests served, by code.\nSee the docs.',
    unit: '',
  },
  { metric: 'queue_length', type: 'gauge', help: '', unit: '' },
  { metric: 'build_info', type: 'unknown', help: 'Which build runs.', unit: '' },
  { metric: 'legacy', type: 'unknown', help: '', unit: '' },
];

describe('a target’s metric metadata', () => {
  it('comes from the TYPE and HELP lines of a text exposition', async () => {
    exporter.set({ body: TEXT });
    const { target, scrape } = newLoop();
    expect(target.metadata()).toEqual([]);
    expect((await scrape()).up).toBe(true);
    expect(target.metadata()).toEqual(TEXT_METADATA);
    expect(target.metadataFor('queue_length')).toEqual(TEXT_METADATA[1]);
    expect(target.metadataFor('no_metadata')).toBeUndefined();
  });

  it('comes from the TYPE, HELP and UNIT lines of OpenMetrics, by family name', async () => {
    exporter.set({
      contentType: OPENMETRICS,
      body: `# TYPE request_duration_seconds histogram
# UNIT request_duration_seconds seconds
# HELP request_duration_seconds How long requests took, \\"end to end\\".
request_duration_seconds_bucket{le="1.0"} 3
request_duration_seconds_bucket{le="+Inf"} 4
request_duration_seconds_count 4
request_duration_seconds_sum 2.5
# TYPE jobs counter
# HELP jobs Jobs done.
jobs_total 12
# TYPE state stateset
state{state="a"} 1
state{state="b"} 0
# EOF
`,
    });
    const { target, scrape } = newLoop();
    expect((await scrape()).up).toBe(true);
    expect(target.metadata()).toEqual([
      {
        metric: 'request_duration_seconds',
        type: 'histogram',
        help: 'How long requests took, "end to end".',
        unit: 'seconds',
      },
      { metric: 'jobs', type: 'counter', help: 'Jobs done.', unit: '' },
      { metric: 'state', type: 'stateset', help: '', unit: '' },
    ]);
  });

  it('keeps the same objects while the lines do not change, and a new one for a family that changes', async () => {
    exporter.set({ body: TEXT });
    const { target, scrape } = newLoop();
    await scrape();
    const first = target.metadata();
    await scrape();
    const second = target.metadata();
    expect(second).not.toBe(first);
    for (const [i, entry] of second.entries()) expect(entry).toBe(first[i]);

    exporter.set({ body: TEXT.replace('Which build runs.', 'The running build.') });
    await scrape();
    const third = target.metadata();
    expect(third[2]).toEqual({ metric: 'build_info', type: 'unknown', help: 'The running build.', unit: '' });
    expect(third[2]).not.toBe(first[2]);
    for (const i of [0, 1, 3]) expect(third[i]).toBe(first[i]);
  });

  it('forgets a family that disappears after as many scrapes as Prometheus keeps it', async () => {
    exporter.set({ body: TEXT });
    const { target, scrape } = newLoop();
    await scrape();
    exporter.set({ body: '# TYPE queue_length gauge\nqueue_length 4\n' });
    for (let i = 0; i < METADATA_KEPT_SCRAPES; i++) {
      await scrape();
      expect(target.metadata()).toHaveLength(4);
    }
    // A failed scrape forgets nothing, though it counts as a scrape.
    exporter.set({ status: 500, body: '' });
    expect((await scrape()).up).toBe(false);
    expect(target.metadata()).toHaveLength(4);
    exporter.set({ body: '# TYPE queue_length gauge\nqueue_length 4\n' });
    expect((await scrape()).up).toBe(true);
    expect(target.metadata()).toEqual([TEXT_METADATA[1]]);
  });

  it('keeps what a scrape that failed on a later line had already said', async () => {
    exporter.set({ body: '# TYPE a gauge\n# HELP a Things.\na 1\nb{ 2\n' });
    const { target, scrape } = newLoop();
    expect((await scrape()).up).toBe(false);
    expect(target.metadata()).toEqual([{ metric: 'a', type: 'gauge', help: 'Things.', unit: '' }]);
  });

  // What the metadata should be after each body, read line by line with no shortcut.
  function reference(bodies: string[], format: ExpositionFormat): MetricMetadata[][] {
    const families = new Map<string, MetricMetadata>();
    return bodies.map((body) => {
      const parser = createParser(body, format);
      for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
        if (kind !== 'help' && kind !== 'type' && kind !== 'unit') continue;
        const name = parser.name();
        const m = families.get(name) ?? { metric: name, type: 'unknown', help: '', unit: '' };
        if (kind === 'type') families.set(name, { ...m, type: parser.type() });
        else if (kind === 'help') families.set(name, { ...m, help: parser.help() });
        else families.set(name, { ...m, unit: parser.unit() });
      }
      return [...families.values()];
    });
  }

  const textBodies = [
    '# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\nb 1\n',
    '# HELP a A.\n# TYPE a gauge\na 2\n# HELP b B.\n# TYPE b counter\nb 2\n',
    '# HELP a A.\n# TYPE a gauge\na 3\n# HELP b B.\n# TYPE b counter\nb 3\n',
    '# HELP a A.\n# TYPE a gauge\na 4\n# HELP b Bees.\n# TYPE b counter\nb 4\n',
    '# HELP a A.\n# TYPE a gauge\na 5\n# HELP b Bees.\n# TYPE b counter\nb 5\n',
    '# HELP a A.\na 6\n# HELP b Bees.\n# TYPE b gauge\nb 6\n',
    '# TYPE c summary\nc_count 1\n# HELP a Aa.\n# TYPE a gauge\na 7\n# HELP b Bees.\n# TYPE b gauge\nb 7\n',
    '# TYPE c summary\nc_count 1\n# HELP a Aa.\n# TYPE a gauge\na 8\n# HELP b Bees.\n# TYPE b gauge\nb 8\n',
    '# HELP a A.\n# TYPE a gauge\na 9\n# HELP b B.\n# TYPE b counter\nb 9\n# HELP trailing No samples.\n',
    '# HELP a A.\n# TYPE a gauge\na 9\n# HELP b B.\n# TYPE b counter\nb 9\n# HELP trailing No samples.\n',
    '# HELP a A.\n# TYPE a gauge\na 9\n# HELP b B.\n# TYPE b counter\nb 9\n# HELP trailing No samples!\n',
  ];
  const openMetricsBodies = textBodies.map(
    (body) =>
      `${body
        .replace(/# HELP trailing .*\n/, '')
        .replace(/^(# \w+ )?b /gm, '$1b_bytes ')
        .replace(
          /# TYPE b_bytes counter\nb_bytes (\d)/,
          '# TYPE b_bytes counter\n# UNIT b_bytes bytes\nb_bytes_total $1',
        )}# EOF\n`,
  );

  it.each([
    ['text', textBodies, 'text/plain; version=0.0.4'],
    ['OpenMetrics', openMetricsBodies, OPENMETRICS],
  ] as const)(
    'is what reading every %s line would give, scrape after scrape',
    async (_name, bodies, contentType) => {
      const format = contentType === OPENMETRICS ? 'openmetrics' : 'text';
      const expected = reference(bodies, format);
      const { target, scrape } = newLoop();
      for (const [i, body] of bodies.entries()) {
        exporter.set({ contentType, body });
        expect((await scrape()).up).toBe(true);
        expect(target.metadata(), `after scrape ${i + 1}`).toEqual(expected[i]);
      }
    },
  );
});
