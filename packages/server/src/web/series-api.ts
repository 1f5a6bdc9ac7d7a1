import { compareLabels, type Labels, type Matcher } from '@pyrometer/model';
import { ParseError } from '@pyrometer/promql';
import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess, invalidParam } from './api-response.ts';
import { labelsJson } from './query-json.ts';
import { MAX_TIME, MIN_TIME, parseGoInt, parseTime, type RequestParams } from './request-params.ts';

const TRUNCATED = 'results truncated due to limit';

/** `match[]` series selectors, each a list of matchers; at most `--web.max-match-params`. */
export function matcherSets(ctx: ApiContext, params: RequestParams): Matcher[][] {
  const texts = params.all('match[]');
  if (texts.length > ctx.flags.maxMatchParams) {
    throw invalidParam(
      'match[]',
      `${texts.length} match[] parameters, more than the limit of ${ctx.flags.maxMatchParams}`,
    );
  }
  return texts.map((text) => parseSelector(ctx, text));
}

/** One series selector (`up{job="x"}`) as its matchers; `param` names it in a length error. */
export function parseSelector(ctx: ApiContext, text: string, param = 'match[]'): Matcher[] {
  if (text.length > ctx.flags.maxQueryLength) {
    throw invalidParam(param, `selector is longer than the limit of ${ctx.flags.maxQueryLength} characters`);
  }
  let expr: ReturnType<ApiContext['engine']['parse']>;
  try {
    expr = ctx.engine.parse(text);
  } catch (e) {
    if (e instanceof ParseError) throw new ApiError('bad_data', e.message);
    throw e;
  }
  if (expr.kind !== 'VectorSelector') {
    throw new ApiError(
      'bad_data',
      `1:1: parse error: expected a series selector, got ${JSON.stringify(text)}`,
    );
  }
  return expr.matchers;
}

export function timeRange(params: RequestParams): { start: number; end: number } {
  const read = (name: string, fallback: number): number => {
    const text = params.get(name);
    if (text === undefined || text === '') return fallback;
    try {
      return parseTime(text);
    } catch (e) {
      throw invalidParam(name, (e as Error).message);
    }
  };
  const start = read('start', Math.round(MIN_TIME));
  const end = read('end', Math.round(MAX_TIME));
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  return { start, end };
}

/** `limit`: 0 or absent is no limit; Prometheus's errors for one that is not a count. */
export function limitParam(params: RequestParams): number {
  const text = params.get('limit');
  if (text === undefined || text === '') return 0;
  let limit: number;
  try {
    limit = parseGoInt(text);
  } catch (e) {
    throw invalidParam('limit', (e as Error).message);
  }
  if (limit < 0) throw invalidParam('limit', 'limit must be non-negative');
  return limit;
}

function truncate<T>(items: T[], limit: number): ApiSuccess {
  if (limit > 0 && items.length > limit) return { data: items.slice(0, limit), warnings: [TRUNCATED] };
  return { data: items };
}

/** `GET|POST /api/v1/series`: `match[]` (required), `start`, `end`, `limit`. */
export async function series(ctx: ApiContext, params: RequestParams): Promise<ApiSuccess> {
  const sets = matcherSets(ctx, params);
  if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const { start, end } = timeRange(params);
  const limit = limitParam(params);
  const querier = await ctx.storage.querier(start, end);
  try {
    const seen = new Map<string, Labels>();
    const warnings: string[] = [];
    for (const matchers of sets) {
      const set = await querier.select(true, { start, end, func: 'series' }, ...matchers);
      while (set.next()) {
        const labels = set.at().labels;
        seen.set(labels.toString(), labels);
      }
      if (set.err() !== undefined) throw new ApiError('execution', set.err()!.message);
      warnings.push(...set.warnings());
    }
    const all = [...seen.values()].sort(compareLabels).map(labelsJson);
    const out = truncate(all, limit);
    return { ...out, warnings: [...warnings, ...(out.warnings ?? [])] };
  } finally {
    querier.close();
  }
}

/** `GET|POST /api/v1/labels`: `match[]`, `start`, `end`, `limit`. */
export async function labelNames(ctx: ApiContext, params: RequestParams): Promise<ApiSuccess> {
  const sets = matcherSets(ctx, params);
  const { start, end } = timeRange(params);
  const limit = limitParam(params);
  const querier = await ctx.storage.querier(start, end);
  try {
    const names = new Set<string>();
    const hints = limit > 0 ? { limit: limit + 1 } : {};
    if (sets.length === 0) for (const n of await querier.labelNames(hints)) names.add(n);
    for (const matchers of sets) for (const n of await querier.labelNames(hints, ...matchers)) names.add(n);
    return truncate([...names].sort(), limit);
  } finally {
    querier.close();
  }
}

/** `GET /api/v1/label/<name>/values`: `match[]`, `start`, `end`, `limit`. */
export async function labelValues(
  ctx: ApiContext,
  params: RequestParams,
  rawName: string,
): Promise<ApiSuccess> {
  const name = unescapeLabelName(rawName);
  if (name === undefined || name === '')
    throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(rawName)}`);
  const sets = matcherSets(ctx, params);
  const { start, end } = timeRange(params);
  const limit = limitParam(params);
  const querier = await ctx.storage.querier(start, end);
  try {
    const values = new Set<string>();
    const hints = limit > 0 ? { limit: limit + 1 } : {};
    if (sets.length === 0) for (const v of await querier.labelValues(name, hints)) values.add(v);
    for (const matchers of sets)
      for (const v of await querier.labelValues(name, hints, ...matchers)) values.add(v);
    return truncate([...values].sort(), limit);
  } finally {
    querier.close();
  }
}

/**
 * A label name from the path: as it is, or in Prometheus's `U__` escaping (`U__http_2e_status`
 * is `http.status`), which clients use for names a path cannot hold. Undefined when malformed.
 */
export function unescapeLabelName(raw: string): string | undefined {
  if (!raw.startsWith('U__')) return raw;
  let out = '';
  const s = raw.slice(3);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '_') {
      out += c;
      continue;
    }
    if (s[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const close = s.indexOf('_', i + 1);
    if (close < 0) return undefined;
    const code = Number.parseInt(s.slice(i + 1, close), 16);
    if (!/^[0-9a-fA-F]+$/.test(s.slice(i + 1, close)) || code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i = close;
  }
  return out;
}
