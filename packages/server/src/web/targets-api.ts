import { formatDuration, type Matcher, matchesAll } from '@pyrometer/model';
import type { MetricMetadata, Target } from '@pyrometer/scrape';
import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess, invalidParam } from './api-response.ts';
import { labelsJson } from './query-json.ts';
import { parseGoInt, type RequestParams } from './request-params.ts';
import { parseSelector } from './series-api.ts';

// Go's zero time, which Prometheus reports for a target not scraped yet.
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** `GET /api/v1/targets`: `state` (active, dropped, any), `scrapePool`. */
export function targets(ctx: ApiContext, params: RequestParams): ApiSuccess {
  const state = (params.get('state') ?? '').toLowerCase();
  const showActive = state === '' || state === 'any' || state === 'active';
  const showDropped = state === '' || state === 'any' || state === 'dropped';
  const poolFilter = params.get('scrapePool') ?? '';
  const activeTargets: unknown[] = [];
  const droppedTargets: unknown[] = [];
  const droppedTargetCounts: Record<string, number> = {};
  const pools = [...ctx.scrapeManager.pools()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [job, pool] of pools) {
    if (poolFilter !== '' && job !== poolFilter) continue;
    const dropped = pool.droppedTargets();
    droppedTargetCounts[job] = dropped.length;
    if (showActive) for (const t of pool.activeTargets()) activeTargets.push(targetJson(ctx, job, t));
    if (showDropped) {
      for (const labels of dropped)
        droppedTargets.push({ discoveredLabels: labelsJson(labels), scrapePool: job });
    }
  }
  return { data: { activeTargets, droppedTargets, droppedTargetCounts } };
}

function targetJson(ctx: ApiContext, job: string, t: Target): Record<string, unknown> {
  const url = t.url();
  return {
    discoveredLabels: labelsJson(t.discoveredLabels),
    labels: labelsJson(t.labels()),
    scrapePool: job,
    scrapeUrl: url.href,
    globalUrl: globalUrl(url, new URL(ctx.externalUrl()).hostname).href,
    lastError: t.lastError,
    lastScrape: t.lastScrape === 0 ? ZERO_TIME : new Date(t.lastScrape).toISOString(),
    lastScrapeDuration: t.lastScrapeDurationMs / 1000,
    health: t.health,
    scrapeInterval: formatDuration(t.scrapeIntervalMs),
    scrapeTimeout: formatDuration(t.scrapeTimeoutMs),
  };
}

/** As Prometheus: a target on a loopback address is shown under the external URL's host name. */
function globalUrl(url: URL, externalHost: string): URL {
  const out = new URL(url.href);
  const host = out.hostname.replace(/^\[|\]$/g, '');
  if (
    host === 'localhost' ||
    host === '0.0.0.0' ||
    host === '::' ||
    host === '::1' ||
    host.startsWith('127.')
  ) {
    out.hostname = externalHost;
  }
  return out;
}

/** A `limit`-like parameter as Prometheus reads it (Go's `strconv.Atoi`); -1 when absent. */
function countParam(params: RequestParams, name: string): number {
  const text = params.get(name);
  if (text === undefined || text === '') return -1;
  try {
    return parseGoInt(text);
  } catch {
    throw new ApiError('bad_data', `${name} must be a number`);
  }
}

/** The active targets of every scrape pool, pools in name order. */
function* activeTargets(ctx: ApiContext): Generator<Target> {
  const pools = [...ctx.scrapeManager.pools()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, pool] of pools) yield* pool.activeTargets();
}

/**
 * `GET /api/v1/targets/metadata`: `match_target`, `metric`, `limit`. One entry per target and
 * family, with the target's labels; as Prometheus, `metric` is left out of the entries when
 * the request names one, and `limit` is checked before each target, so the last target's
 * entries all come (it caps the targets when a metric is named).
 */
export function targetMetadata(ctx: ApiContext, params: RequestParams): ApiSuccess {
  const limit = countParam(params, 'limit');
  const matchTarget = params.get('match_target') ?? '';
  let matchers: Matcher[] = [];
  if (matchTarget !== '') {
    try {
      matchers = parseSelector(ctx, matchTarget, 'match_target');
    } catch (e) {
      if (e instanceof ApiError && e.type === 'bad_data' && !e.message.startsWith('invalid parameter')) {
        throw invalidParam('match_target', e.message);
      }
      throw e;
    }
  }
  const metric = params.get('metric') ?? '';
  const out: Record<string, unknown>[] = [];
  for (const t of activeTargets(ctx)) {
    if (limit >= 0 && out.length >= limit) break;
    const labels = t.labels();
    if (!matchesAll(matchers, (name) => labels.get(name))) continue;
    if (metric === '') {
      const target = labelsJson(labels);
      for (const m of t.metadata()) {
        out.push({ target, metric: m.metric, type: m.type, help: m.help, unit: m.unit });
      }
      continue;
    }
    const m = t.metadataFor(metric);
    if (m !== undefined) out.push({ target: labelsJson(labels), type: m.type, help: m.help, unit: m.unit });
  }
  return { data: out };
}

/**
 * `GET /api/v1/metadata`: `metric`, `limit`, `limit_per_metric`. Each family's distinct
 * metadata across all active targets, families in name order; as Prometheus, `limit` caps the
 * families, `limit_per_metric` (when above 0) the entries of each.
 */
export function metadata(ctx: ApiContext, params: RequestParams): ApiSuccess {
  const limit = countParam(params, 'limit');
  const perMetric = countParam(params, 'limit_per_metric');
  const metric = params.get('metric') ?? '';
  const families = new Map<string, Map<string, { type: string; help: string; unit: string }>>();
  const add = (m: MetricMetadata): void => {
    let entries = families.get(m.metric);
    if (entries === undefined) {
      entries = new Map();
      families.set(m.metric, entries);
    }
    if (perMetric > 0 && entries.size >= perMetric) return;
    const key = `${m.type}\u0000${m.help}\u0000${m.unit}`;
    if (!entries.has(key)) entries.set(key, { type: m.type, help: m.help, unit: m.unit });
  };
  for (const t of activeTargets(ctx)) {
    if (metric === '') {
      for (const m of t.metadata()) add(m);
      continue;
    }
    const m = t.metadataFor(metric);
    if (m !== undefined) add(m);
  }
  // No prototype: a family may be named `__proto__`.
  const data: Record<string, unknown[]> = Object.create(null);
  let count = 0;
  for (const name of [...families.keys()].sort()) {
    if (limit >= 0 && count >= limit) break;
    data[name] = [...families.get(name)!.values()];
    count++;
  }
  return { data };
}
