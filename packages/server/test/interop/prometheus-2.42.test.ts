import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressWriteRequest } from '@pyrometer/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger, PyrometerServer, parseCommandLine } from '../../src/index.ts';
import { type Answer, compareAnswers, toAnswer } from './compare.ts';
import { buildDataset, type Dataset, timeOrderedBatches } from './dataset.ts';
import { EXPECTED_DIFFERENCES, findEntry, KNOWN_BUGS } from './expected.ts';
import { EXTRA_QUERIES } from './extra-queries.ts';
import { type PrometheusProcess, prometheusAvailable, startPrometheus } from './prometheus-process.ts';
import { type ComplianceQuery, complianceQueries } from './queries.ts';

// The promql-compliance queries against Debian's Prometheus 2.42 and Pyrometer (TSDB storage),
// both loaded with the same synthetic data through remote write. See the README section
// "Interop with Prometheus 2.42".

const STEP_MS = 60_000;
const RANGE_MS = 2 * 3600_000;
const SAMPLES = RANGE_MS / 15_000;
const BATCH_WINDOW_MS = 10 * 60_000;
const CONCURRENCY = 6;

const available = prometheusAvailable();
if (!available) console.warn('interop test skipped: /usr/bin/prometheus (Prometheus 2.42) is not installed');

interface Outcome {
  query: ComplianceQuery;
  mode: 'range' | 'instant';
  diff: string | undefined;
  /** Prometheus's answer holds at least one point. */
  nonEmpty: boolean;
}

describe.skipIf(!available)('PromQL answers side by side with Prometheus 2.42', () => {
  let prom: PrometheusProcess;
  let pyro: PyrometerServer;
  let pyroUrl: string;
  let pyroDir: string;
  const pyroLogs: string[] = [];
  // The query grid: `end` a whole minute at least a minute ago, so no sample is in the future.
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - STEP_MS;
  const start = end - RANGE_MS;
  const data: Dataset = buildDataset(start, SAMPLES);

  beforeAll(async () => {
    const [p, dir] = await Promise.all([startPrometheus(), mkdtemp(join(tmpdir(), 'pyrometer-interop-'))]);
    prom = p;
    pyroDir = dir;
    // No scrape jobs: the store holds exactly what remote write brings, as Prometheus's does.
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
    const parsed = parseCommandLine([
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--web.listen-address=127.0.0.1:0',
      '--web.enable-remote-write-receiver',
    ]);
    if (parsed.action !== 'run') throw new Error('bad flags');
    pyro = await PyrometerServer.start({
      flags: parsed.flags,
      flagValues: parsed.values,
      logger: new Logger({ level: 'warn', write: (line) => pyroLogs.push(line) }),
    });
    pyroUrl = `http://127.0.0.1:${pyro.port}`;
    if (pyro.storage.kind !== 'tsdb') throw new Error(`expected the TSDB, got ${pyro.storage.kind}`);

    for (const batch of timeOrderedBatches(data, BATCH_WINDOW_MS)) {
      const body = compressWriteRequest(batch);
      for (const url of [prom.url, pyroUrl]) {
        const res = await fetch(`${url}/api/v1/write`, {
          method: 'POST',
          headers: {
            'Content-Encoding': 'snappy',
            'Content-Type': 'application/x-protobuf',
            'X-Prometheus-Remote-Write-Version': '0.1.0',
          },
          body,
        });
        if (res.status !== 204) {
          const logs = url === prom.url ? prom.output() : pyroLogs.join('\n');
          throw new Error(`remote write to ${url}: ${res.status} ${await res.text()}\n${logs.slice(-4000)}`);
        }
      }
    }
    // Both answer 204 after committing; still, wait until each counts every sample.
    const names = [...new Set(data.series.map((x) => x.labels.__name__!))];
    const window = `${RANGE_MS / 1000 + 60}s`;
    for (const url of [prom.url, pyroUrl]) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        let n = 0;
        for (const name of names) {
          const a = await query(url, 'instant', `sum(count_over_time(${name}[${window}]))`);
          n += (a.ok ? a.series.get('{}')?.[0]?.[1] : undefined) ?? Number.NaN;
        }
        if (n === data.realSamples) break;
        if (Date.now() > deadline) throw new Error(`${url} holds ${n} samples, expected ${data.realSamples}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([
      prom?.stop(),
      pyro
        ?.stop()
        .then(() => (pyroDir === undefined ? undefined : rm(pyroDir, { recursive: true, force: true }))),
    ]);
  }, 30_000);

  async function query(url: string, mode: 'range' | 'instant', q: string): Promise<Answer> {
    const form = new URLSearchParams({ query: q });
    if (mode === 'range') {
      form.set('start', String(start / 1000));
      form.set('end', String(end / 1000));
      form.set('step', String(STEP_MS / 1000));
    } else {
      form.set('time', String(end / 1000));
    }
    const res = await fetch(`${url}/api/v1/${mode === 'range' ? 'query_range' : 'query'}`, {
      method: 'POST',
      body: form,
    });
    return toAnswer(res.status, (await res.json()) as Parameters<typeof toAnswer>[1]);
  }

  it('answers the promql-compliance and extra queries as Prometheus 2.42 does, except the listed differences', async () => {
    const compliance = complianceQueries();
    expect(compliance.length).toBe(539);
    const queries = [...compliance, ...EXTRA_QUERIES.map((query) => ({ query, shouldFail: false }))];
    const jobs = queries.flatMap((q) => (['range', 'instant'] as const).map((mode) => ({ q, mode })));
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const { q, mode } = jobs[next++]!;
        const [ref, got] = await Promise.all([query(prom.url, mode, q.query), query(pyroUrl, mode, q.query)]);
        let diff = compareAnswers(ref, got);
        if (diff === undefined && q.shouldFail && ref.ok) diff = 'should_fail query succeeded on both';
        outcomes.push({
          query: q,
          mode,
          diff,
          nonEmpty: ref.ok && [...ref.series.values()].some((points) => points.length > 0),
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const equal: Outcome[] = [];
    const expected: Outcome[] = [];
    const bugs: Outcome[] = [];
    const unexpected: Outcome[] = [];
    const unusedExpected = new Set(EXPECTED_DIFFERENCES);
    const unusedBugs = new Set(KNOWN_BUGS);
    for (const o of outcomes) {
      const exp = findEntry(EXPECTED_DIFFERENCES, o.query.query, o.mode);
      const bug = findEntry(KNOWN_BUGS, o.query.query, o.mode);
      if (o.diff === undefined) equal.push(o);
      else if (exp !== undefined) {
        unusedExpected.delete(exp);
        if (exp.prometheusEquivalent === undefined) {
          expected.push(o);
          continue;
        }
        // The difference must be exactly the stated one: 2.42's answer to the equivalent query
        // equals Pyrometer's answer to the original.
        const [ref, got] = await Promise.all([
          query(prom.url, o.mode, exp.prometheusEquivalent),
          query(pyroUrl, o.mode, o.query.query),
        ]);
        const diff = compareAnswers(ref, got);
        if (diff === undefined) expected.push(o);
        else unexpected.push({ ...o, diff: `${o.diff}; and against ${exp.prometheusEquivalent}: ${diff}` });
      } else if (bug !== undefined) {
        unusedBugs.delete(bug);
        bugs.push(o);
      } else unexpected.push(o);
    }
    const withData = outcomes.filter((o) => o.diff === undefined && o.nonEmpty).length;
    const line = (o: Outcome): string => `  [${o.mode}] ${o.query.query}\n      ${o.diff}`;
    if (bugs.length > 0) {
      console.warn(
        `KNOWN_BUGS (${bugs.length} differing, not asserted):\n${bugs
          .map((o) => `${line(o)}\n      bug: ${findEntry(KNOWN_BUGS, o.query.query, o.mode)?.reason}`)
          .join('\n')}`,
      );
    }
    console.log(
      `interop with Prometheus 2.42: ${equal.length} queries equal, ${expected.length} expected differences, ` +
        `${bugs.length} known bugs, ${unexpected.length} unexpected differences ` +
        `(${compliance.length} compliance + ${EXTRA_QUERIES.length} extra queries, each as a range and an ` +
        `instant query; ${withData} equal answers hold data; ` +
        `${data.series.length} series, ${data.realSamples} samples)`,
    );
    for (const e of unusedExpected)
      console.warn(`expected difference no longer seen: ${String(e.query)} (${e.reason})`);
    for (const b of unusedBugs)
      console.warn(`known bug no longer seen (fixed?): ${String(b.query)} (${b.reason})`);
    expect(
      unexpected.map(line),
      `${unexpected.length} queries differ from Prometheus 2.42:\n${unexpected.map(line).join('\n')}`,
    ).toEqual([]);
  }, 120_000);
});
