import { formatDuration, Matcher } from '@pyrometer/model';
import { BUILD_INFO } from '../lifecycle/version.ts';
import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess, invalidParam } from './api-response.ts';
import type { RequestParams } from './request-params.ts';

/** `GET /api/v1/status/config`: the running configuration's YAML. */
export function statusConfig(ctx: ApiContext): ApiSuccess {
  return { data: { yaml: ctx.config().yaml } };
}

/** `GET /api/v1/status/flags`: every flag's value. */
export function statusFlags(ctx: ApiContext): ApiSuccess {
  return { data: ctx.flagValues };
}

/** `GET /api/v1/status/buildinfo`. */
export function statusBuildInfo(): ApiSuccess {
  return { data: BUILD_INFO };
}

/** `GET /api/v1/status/runtimeinfo`, Go's figures given by their Node.js counterparts. */
export function statusRuntimeInfo(ctx: ApiContext): ApiSuccess {
  const reload = ctx.lastReload();
  const retention: string[] = [];
  if (ctx.flags.retentionTimeMs > 0) retention.push(formatDuration(ctx.flags.retentionTimeMs));
  if (ctx.flags.retentionSizeBytes > 0) retention.push(`${ctx.flags.retentionSizeBytes}B`);
  return {
    data: {
      startTime: ctx.startTime.toISOString(),
      CWD: process.cwd(),
      hostname: process.env.HOSTNAME ?? '',
      serverTime: new Date().toISOString(),
      reloadConfigSuccess: reload.success,
      lastConfigTime: reload.time.toISOString(),
      corruptionCount: 0,
      goroutineCount: 1,
      GOMAXPROCS: 1,
      GOMEMLIMIT: 0,
      GOGC: '',
      GODEBUG: '',
      storageRetention: retention.join(' or '),
    },
  };
}

/** `GET /api/v1/status/walreplay`: the storage replays nothing yet, so it is always done. */
export function statusWalReplay(): ApiSuccess {
  return { data: { min: 0, max: 0, current: 0 } };
}

/** `GET /api/v1/status/tsdb`: head figures and the top-`limit` (default 10) cardinality lists. */
export async function statusTsdb(ctx: ApiContext, params: RequestParams): Promise<ApiSuccess> {
  const limitText = params.get('limit');
  let limit = 10;
  if (limitText !== undefined && limitText !== '') {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit <= 0)
      throw invalidParam('limit', 'limit must be a positive number');
  }
  const headStats = await ctx.storage.headStats();
  const byMetric = new Map<string, number>();
  const valuesByName = new Map<string, Set<string>>();
  const byPair = new Map<string, number>();
  const querier = await ctx.storage.querier(headStats.minTime, headStats.maxTime);
  try {
    const set = await querier.select(false, undefined, new Matcher('=~', '__name__', '.+'));
    while (set.next()) {
      set.at().labels.forEach((name, value) => {
        if (name === '__name__') byMetric.set(value, (byMetric.get(value) ?? 0) + 1);
        const values = valuesByName.get(name) ?? new Set<string>();
        values.add(value);
        valuesByName.set(name, values);
        const pair = `${name}=${value}`;
        byPair.set(pair, (byPair.get(pair) ?? 0) + 1);
      });
    }
    if (set.err() !== undefined) throw new ApiError('internal', set.err()!.message);
  } finally {
    querier.close();
  }
  const top = (m: Map<string, number>): { name: string; value: number }[] =>
    [...m]
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1))
      .slice(0, limit);
  const memory = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const [name, values] of valuesByName) {
    counts.set(name, values.size);
    let bytes = 0;
    for (const v of values) bytes += Buffer.byteLength(v);
    memory.set(name, bytes);
  }
  return {
    data: {
      headStats,
      seriesCountByMetricName: top(byMetric),
      labelValueCountByLabelName: top(counts),
      memoryInBytesByLabelName: top(memory),
      seriesCountByLabelValuePair: top(byPair),
    },
  };
}
