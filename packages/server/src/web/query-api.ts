import { parseDuration } from '@pyrometer/model';
import {
  type AtModifier,
  type DurationExpr,
  Engine,
  type Expr,
  FUNCTIONS,
  ParseError,
  prettifyExpr,
  QueryError,
  type QueryOptions,
  type QueryResult,
  type QueryValue,
} from '@pyrometer/promql';
import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess, invalidParam } from './api-response.ts';
import { queryValueJson } from './query-json.ts';
import { parseDurationParam, parseTime, type RequestParams } from './request-params.ts';
import { limitParam } from './series-api.ts';

/** As Prometheus: a range query may not return more points per series than this. */
const MAX_POINTS_PER_SERIES = 11_000;
/** The warning Prometheus 3 adds when `limit` cut a query's result. */
const TRUNCATED = 'results truncated due to limit';

function timeParam(params: RequestParams, name: string, fallback: number): number {
  const text = params.get(name);
  if (text === undefined || text === '') return fallback;
  try {
    return parseTime(text);
  } catch (e) {
    throw invalidParam(name, (e as Error).message);
  }
}

function queryText(ctx: ApiContext, params: RequestParams): string {
  const query = params.get('query') ?? '';
  if (query.length > ctx.flags.maxQueryLength) {
    throw invalidParam(
      'query',
      `query is ${query.length} characters long, more than the limit of ${ctx.flags.maxQueryLength}`,
    );
  }
  return query;
}

function parseQuery(ctx: ApiContext, query: string): Expr {
  try {
    return ctx.engine.parse(query);
  } catch (e) {
    if (e instanceof ParseError) throw invalidParam('query', e.message);
    throw e;
  }
}

/** The `timeout` parameter (as Prometheus, a duration or float seconds), capped by `--query.timeout`. */
function timeoutParam(params: RequestParams): number | undefined {
  const text = params.get('timeout');
  if (text === undefined || text === '') return undefined;
  try {
    return parseDurationParam(text, parseDuration);
  } catch (e) {
    throw invalidParam('timeout', (e as Error).message);
  }
}

/**
 * The engine for a request: the server's, or one with the request's shorter `timeout`
 * (the engine checks its deadline while it evaluates, which a timer could not interrupt).
 */
function engineFor(ctx: ApiContext, params: RequestParams): Engine {
  const timeout = timeoutParam(params);
  if (timeout === undefined || timeout >= ctx.flags.queryTimeoutMs) return ctx.engine;
  return new Engine({ ...ctx.engineOptions, timeout: Math.max(timeout, 0) });
}

/**
 * The `lookback_delta` parameter (Prometheus 3): this query's lookback, a duration or float
 * seconds; 0 or less keeps `--query.lookback-delta`.
 */
function queryOptions(params: RequestParams): QueryOptions {
  const text = params.get('lookback_delta');
  if (text === undefined || text === '') return {};
  try {
    return { lookbackDelta: parseDurationParam(text, parseDuration) };
  } catch (e) {
    throw new ApiError('bad_data', `error parsing lookback delta duration: ${(e as Error).message}`);
  }
}

/** What a query request asks besides its expression and times. */
interface QueryRequest {
  engine: Engine;
  options: QueryOptions;
  /** The most series a vector or matrix answer may hold; 0 is no limit. */
  limit: number;
}

/** Reads `timeout` and `lookback_delta`, in the order Prometheus reads them (after the times). */
function queryRequest(ctx: ApiContext, params: RequestParams, limit: number): QueryRequest {
  const engine = engineFor(ctx, params);
  return { engine, options: queryOptions(params), limit };
}

/** As Prometheus 3: no more than `limit` series of a vector or matrix, and a warning when cut. */
function truncated(value: QueryValue, limit: number): QueryValue | undefined {
  if (limit <= 0 || (value.type !== 'vector' && value.type !== 'matrix')) return undefined;
  if (value.series.length <= limit) return undefined;
  return value.type === 'vector'
    ? { type: 'vector', series: value.series.slice(0, limit) }
    : { type: 'matrix', series: value.series.slice(0, limit) };
}

async function runQuery(
  ctx: ApiContext,
  params: RequestParams,
  request: QueryRequest,
  run: (engine: Engine, options: QueryOptions) => Promise<QueryResult>,
): Promise<ApiSuccess> {
  const { engine, options, limit } = request;
  ctx.metrics.engineQueries.inc();
  const stopTimer = ctx.metrics.engineQueryDuration.startTimer({ slice: 'inner_eval' });
  try {
    const result = await ctx.gate.run(() => run(engine, options));
    const elapsed = stopTimer();
    const cut = truncated(result.value, limit);
    const data: Record<string, unknown> = { ...queryValueJson(cut ?? result.value) };
    if (params.get('stats') !== undefined && params.get('stats') !== '') {
      data.stats = {
        timings: { evalTotalTime: elapsed },
        samples: {
          totalQueryableSamples: result.stats.totalQueryableSamples,
          peakSamples: result.stats.peakSamples,
        },
      };
    }
    const warnings = cut === undefined ? result.warnings : [...result.warnings, TRUNCATED];
    return { data, warnings, infos: result.infos };
  } catch (e) {
    stopTimer();
    if (e instanceof ParseError) throw invalidParam('query', e.message);
    if (!(e instanceof QueryError)) throw e;
    if (e.kind === 'timeout') {
      ctx.metrics.engineQueryTimeouts.inc();
      throw new ApiError('timeout', e.message);
    }
    if (e.kind === 'canceled') throw new ApiError('canceled', e.message);
    if (e.kind === 'bad_data') throw new ApiError('bad_data', e.message);
    throw new ApiError('execution', e.message);
  } finally {
    ctx.metrics.engineQueries.dec();
  }
}

/**
 * `GET|POST /api/v1/query`: `query`, `time`, `timeout`, `limit`, `lookback_delta`, `stats`.
 * Parameters are checked in Prometheus's order, so a request wrong in two ways gets its error.
 */
export async function instantQuery(ctx: ApiContext, params: RequestParams): Promise<ApiSuccess> {
  const limit = limitParam(params);
  const time = timeParam(params, 'time', Date.now());
  const request = queryRequest(ctx, params, limit);
  const query = queryText(ctx, params);
  parseQuery(ctx, query);
  // The text, not the tree: annotations name their position in it.
  return runQuery(ctx, params, request, (engine, options) =>
    engine.instantQuery(ctx.storage, query, time, options),
  );
}

/**
 * `GET|POST /api/v1/query_range`: `query`, `start`, `end`, `step`, `timeout`, `limit`,
 * `lookback_delta`, `stats`.
 */
export async function rangeQuery(ctx: ApiContext, params: RequestParams): Promise<ApiSuccess> {
  const limit = limitParam(params);
  const start = requiredTime(params, 'start');
  const end = requiredTime(params, 'end');
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  const stepText = params.get('step');
  if (stepText === undefined || stepText === '')
    throw invalidParam('step', 'cannot parse "" to a valid duration');
  let step: number;
  try {
    step = parseDurationParam(stepText, parseDuration);
  } catch (e) {
    throw invalidParam('step', (e as Error).message);
  }
  if (step <= 0) {
    throw invalidParam(
      'step',
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  }
  if ((end - start) / step > MAX_POINTS_PER_SERIES) {
    throw new ApiError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const request = queryRequest(ctx, params, limit);
  const query = queryText(ctx, params);
  parseQuery(ctx, query);
  return runQuery(ctx, params, request, (engine, options) =>
    engine.rangeQuery(ctx.storage, query, start, end, step, options),
  );
}

function requiredTime(params: RequestParams, name: string): number {
  const text = params.get(name);
  if (text === undefined || text === '') throw invalidParam(name, 'cannot parse "" to a valid timestamp');
  return timeParam(params, name, 0);
}

/** `GET|POST /api/v1/format_query`: the query, prettified. */
export function formatQuery(ctx: ApiContext, params: RequestParams): ApiSuccess {
  return { data: prettifyExpr(parseQuery(ctx, queryText(ctx, params))) };
}

/** `GET|POST /api/v1/parse_query`: the query's syntax tree as JSON. */
export function parseQueryTree(ctx: ApiContext, params: RequestParams): ApiSuccess {
  return { data: astJson(parseQuery(ctx, queryText(ctx, params))) };
}

function durationMs(d: DurationExpr | undefined): number {
  return d?.kind === 'DurationLiteral' ? d.ms : 0;
}

function atJson(at: AtModifier | undefined): Record<string, unknown> {
  if (at === undefined) return { timestamp: null, startOrEnd: null };
  if (at.kind === 'time') return { timestamp: at.ms, startOrEnd: null };
  return { timestamp: null, startOrEnd: at.kind };
}

function astJson(e: Expr): Record<string, unknown> {
  switch (e.kind) {
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: String(e.value) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'VectorSelector':
      return {
        type: 'vectorSelector',
        name: e.name,
        matchers: e.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value })),
        offset: durationMs(e.offset),
        ...atJson(e.at),
      };
    case 'MatrixSelector':
      return {
        type: 'matrixSelector',
        name: e.selector.name,
        matchers: e.selector.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value })),
        range: durationMs(e.range),
        offset: durationMs(e.selector.offset),
        ...atJson(e.selector.at),
      };
    case 'SubqueryExpr':
      return {
        type: 'subquery',
        expr: astJson(e.expr),
        range: durationMs(e.range),
        offset: durationMs(e.offset),
        step: durationMs(e.step),
        ...atJson(e.at),
      };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: astJson(e.expr) };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: astJson(e.expr) };
    case 'BinaryExpr':
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astJson(e.lhs),
        rhs: astJson(e.rhs),
        matching:
          e.matching === undefined
            ? null
            : {
                card: e.matching.card,
                labels: e.matching.labels,
                on: e.matching.on,
                include: e.matching.include,
              },
        bool: e.returnBool,
      };
    case 'Call': {
      const sig = FUNCTIONS.get(e.func);
      return {
        type: 'call',
        func: {
          name: e.func,
          argTypes: sig?.argTypes ?? [],
          variadic: sig?.variadic ?? 0,
          returnType: sig?.returnType ?? 'vector',
        },
        args: e.args.map(astJson),
      };
    }
    case 'AggregateExpr':
      return {
        type: 'aggregation',
        op: e.op,
        expr: astJson(e.expr),
        param: e.param === undefined ? null : astJson(e.param),
        grouping: e.grouping,
        without: e.without,
      };
  }
}
