/**
 * Embeds the PromQL engine in an app: an hour of synthetic request counters and latency
 * buckets go into the in-memory storage, then a few dashboard queries run over them.
 * Pass a query as the first argument to run your own: `pnpm start 'topk(3, rate(http_requests_total[5m]))'`.
 */
import { Labels, MemoryStorage, NO_SERIES_REF } from '@pyrometer/model';
import { Engine, ParseError, prettifyExpr, QueryError } from '@pyrometer/promql';

const SCRAPE_MS = 15_000;
const HOUR_MS = 3_600_000;

async function loadDemoData(storage: MemoryStorage): Promise<void> {
  const app = storage.appender();
  const buckets = ['0.05', '0.1', '0.25', '0.5', '1', '+Inf'];
  for (const route of ['/', '/api', '/login']) {
    for (const status of ['200', '500']) {
      const labels = Labels.from({ __name__: 'http_requests_total', route, status });
      const perScrape = (status === '200' ? 40 : 2) * (route === '/api' ? 3 : 1);
      for (let t = 0, v = 0; t <= HOUR_MS; t += SCRAPE_MS, v += perScrape)
        app.append(NO_SERIES_REF, labels, 0, t, v);
    }
    buckets.forEach((le, i) => {
      const labels = Labels.from({ __name__: 'http_request_duration_seconds_bucket', route, le });
      const share = (i + 1) / buckets.length;
      for (let t = 0, v = 0; t <= HOUR_MS; t += SCRAPE_MS, v += 50 * share)
        app.append(NO_SERIES_REF, labels, 0, t, v);
    });
  }
  await app.commit();
}

const storage = new MemoryStorage();
await loadDemoData(storage);
const engine = new Engine();

const queries =
  process.argv[2] !== undefined
    ? [process.argv[2]]
    : [
        'sum by (route) (rate(http_requests_total[5m]))',
        'sum(rate(http_requests_total{status="500"}[5m])) / sum(rate(http_requests_total[5m]))',
        'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
        'topk(2, sum by (route) (rate(http_requests_total[5m])))',
      ];

for (const query of queries) {
  try {
    console.log(`\n${prettifyExpr(engine.parse(query))}`);
    const result = await engine.instantQuery(storage, query, HOUR_MS);
    const v = result.value;
    if (v.type === 'vector') for (const s of v.series) console.log(`  ${s.labels.toString()} ${s.value}`);
    else if (v.type === 'scalar' || v.type === 'string') console.log(`  ${v.value}`);
    else for (const s of v.series) console.log(`  ${s.labels.toString()} ${[...s.values].join(' ')}`);
    for (const w of [...result.warnings, ...result.infos]) console.log(`  (${w})`);
  } catch (e) {
    if (e instanceof ParseError || e instanceof QueryError) console.log(`  error: ${e.message}`);
    else throw e;
  }
}
