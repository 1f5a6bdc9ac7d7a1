import { formatDuration } from '@pyrometer/model';
import type { Target } from '@pyrometer/scrape';
import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess } from './api-response.ts';
import { labelsJson } from './query-json.ts';
import type { RequestParams } from './request-params.ts';
import { limitParam, parseSelector } from './series-api.ts';

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

/**
 * `GET /api/v1/targets/metadata`: `match_target`, `metric`, `limit`. The scrape package
 * does not keep metric metadata yet, so every request finds none and gets Prometheus's
 * answer for that.
 */
export function targetMetadata(ctx: ApiContext, params: RequestParams): ApiSuccess {
  const matchTarget = params.get('match_target');
  if (matchTarget !== undefined && matchTarget !== '') {
    parseSelector(ctx, matchTarget);
  }
  limitParam(params);
  throw new ApiError('not_found', 'specified metadata not found');
}

/** `GET /api/v1/metadata`: `metric`, `limit`, `limit_per_metric`; empty until scrape keeps metadata. */
export function metadata(_ctx: ApiContext, params: RequestParams): ApiSuccess {
  limitParam(params);
  return { data: {} };
}
