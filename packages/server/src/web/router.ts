import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { metricsHandler } from '@pyrometer/client';
import { cleanTombstones, deleteSeries, NO_CONTENT, snapshot } from './admin-api.ts';
import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess, writeError, writeSuccess, writeText } from './api-response.ts';
import { federate } from './federate.ts';
import { formatQuery, instantQuery, parseQueryTree, rangeQuery } from './query-api.ts';
import { BodyTooLargeError, RequestParams } from './request-params.ts';
import { labelNames, labelValues, series } from './series-api.ts';
import {
  statusBuildInfo,
  statusConfig,
  statusFlags,
  statusRuntimeInfo,
  statusTsdb,
  statusWalReplay,
} from './status-api.ts';
import { metadata, targetMetadata, targets } from './targets-api.ts';

type ApiHandler = (
  ctx: ApiContext,
  params: RequestParams,
  arg: string,
) => ApiSuccess | typeof NO_CONTENT | Promise<ApiSuccess | typeof NO_CONTENT>;

interface ApiRoute {
  path: string;
  methods: readonly string[];
  handler: ApiHandler;
}

const READ = ['GET', 'POST'] as const;
const GET = ['GET'] as const;
const WRITE = ['POST', 'PUT'] as const;

/** Exemplars are not stored yet: a valid request gets an empty list, as for a storage without any. */
const queryExemplars: ApiHandler = (ctx, params) => {
  formatQuery(ctx, params);
  return { data: [] };
};

const API_ROUTES: readonly ApiRoute[] = [
  { path: 'query', methods: READ, handler: instantQuery },
  { path: 'query_range', methods: READ, handler: rangeQuery },
  { path: 'format_query', methods: READ, handler: formatQuery },
  { path: 'parse_query', methods: READ, handler: parseQueryTree },
  { path: 'query_exemplars', methods: READ, handler: queryExemplars },
  { path: 'series', methods: READ, handler: series },
  { path: 'labels', methods: READ, handler: labelNames },
  { path: 'label/:name/values', methods: GET, handler: labelValues },
  { path: 'metadata', methods: GET, handler: metadata },
  { path: 'targets', methods: GET, handler: targets },
  { path: 'targets/metadata', methods: GET, handler: targetMetadata },
  { path: 'status/config', methods: GET, handler: statusConfig },
  { path: 'status/flags', methods: GET, handler: statusFlags },
  { path: 'status/runtimeinfo', methods: GET, handler: statusRuntimeInfo },
  { path: 'status/buildinfo', methods: GET, handler: statusBuildInfo },
  { path: 'status/tsdb', methods: GET, handler: statusTsdb },
  { path: 'status/walreplay', methods: GET, handler: statusWalReplay },
  { path: 'admin/tsdb/delete_series', methods: WRITE, handler: adminOnly(deleteSeries) },
  { path: 'admin/tsdb/clean_tombstones', methods: WRITE, handler: adminOnly(cleanTombstones) },
  { path: 'admin/tsdb/snapshot', methods: WRITE, handler: adminOnly(snapshot) },
];

function adminOnly(handler: ApiHandler): ApiHandler {
  return (ctx, params, arg) => {
    if (!ctx.flags.enableAdminApi) throw new ApiError('unavailable', 'admin APIs disabled');
    return handler(ctx, params, arg);
  };
}

function matchApiRoute(path: string): { route: ApiRoute; arg: string } | undefined {
  const labelValuesMatch = /^label\/([^/]+)\/values$/.exec(path);
  if (labelValuesMatch !== null) {
    let name: string;
    try {
      name = decodeURIComponent(labelValuesMatch[1]!);
    } catch {
      name = labelValuesMatch[1]!;
    }
    return { route: API_ROUTES.find((r) => r.path === 'label/:name/values')!, arg: name };
  }
  const route = API_ROUTES.find((r) => r.path === path);
  return route === undefined ? undefined : { route, arg: '' };
}

/** The remote-write receiver (`@pyrometer/remote`), mounted at `POST /api/v1/write`. */
export type RemoteWriteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The server's HTTP handler: the API v1, federation, lifecycle endpoints and `/metrics`. */
export function createRequestListener(ctx: ApiContext, remoteWrite: RemoteWriteHandler): RequestListener {
  const metrics = metricsHandler(ctx.metrics.registry);
  return (req, res) => {
    const started = process.hrtime.bigint();
    let handlerName = 'other';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      ctx.metrics.httpRequests.inc({ handler: handlerName, code: String(res.statusCode) });
      ctx.metrics.httpDuration.observe({ handler: handlerName }, seconds);
    });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const handle = async (): Promise<void> => {
      if (path.startsWith('/api/v1/')) {
        const sub = path.slice('/api/v1/'.length);
        if (sub === 'write') {
          handlerName = '/api/v1/write';
          return serveRemoteWrite(ctx, remoteWrite, req, res);
        }
        const match = matchApiRoute(sub);
        if (match === undefined) return writeText(res, 404, '404 page not found\n');
        handlerName = `/api/v1/${match.route.path}`;
        if (!match.route.methods.includes(method)) return methodNotAllowed(res, match.route.methods);
        return serveApi(ctx, match.route, match.arg, req, url, res);
      }
      handlerName = path;
      switch (path) {
        case '/metrics':
          if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, ['GET', 'HEAD']);
          return metrics(req, res);
        case '/federate':
          if (method !== 'GET') return methodNotAllowed(res, ['GET']);
          return serveFederate(ctx, req, url, res);
        case '/-/healthy':
          if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, ['GET', 'HEAD']);
          return writeText(res, 200, 'Pyrometer Server is Healthy.\n');
        case '/-/ready':
          if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, ['GET', 'HEAD']);
          if (!ctx.isReady()) return writeText(res, 503, 'Service Unavailable');
          return writeText(res, 200, 'Pyrometer Server is Ready.\n');
        case '/-/reload':
        case '/-/quit':
          return serveLifecycle(ctx, path, method, res);
        case '/':
          // No web UI yet: point a browser at the API instead of a bare 404.
          return writeText(
            res,
            200,
            'Pyrometer: the Prometheus HTTP API is under /api/v1/ (e.g. /api/v1/query?query=up); metrics at /metrics.\n',
          );
        default:
          handlerName = 'other';
          return writeText(res, 404, '404 page not found\n');
      }
    };
    handle().catch((e: unknown) => {
      ctx.logger.error('HTTP handler failed', { path, err: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) writeText(res, 500, 'internal server error\n');
      else res.destroy();
    });
  };
}

function methodNotAllowed(res: ServerResponse, allowed: readonly string[]): void {
  writeText(res, 405, 'Method Not Allowed\n', { Allow: allowed.join(', ') });
}

async function serveApi(
  ctx: ApiContext,
  route: ApiRoute,
  arg: string,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const params = await readBodyOr413(ctx, req, url, res);
  if (params === undefined) return;
  try {
    const result = await route.handler(ctx, params, arg);
    if (result === NO_CONTENT) {
      res.writeHead(204);
      res.end();
      return;
    }
    writeSuccess(res, result);
  } catch (e) {
    if (e instanceof ApiError) return writeError(res, e);
    ctx.logger.error('API handler failed', {
      handler: route.path,
      err: e instanceof Error ? e.message : String(e),
    });
    writeError(res, new ApiError('internal', e instanceof Error ? e.message : String(e)));
  }
}

async function readBodyOr413(
  ctx: ApiContext,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<RequestParams | undefined> {
  try {
    return await RequestParams.from(req, url, ctx.flags.maxRequestBodyBytes);
  } catch (e) {
    if (!(e instanceof BodyTooLargeError)) throw e;
    const text = JSON.stringify({ status: 'error', errorType: 'bad_data', error: e.message });
    res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(text);
    req.resume();
    return undefined;
  }
}

async function serveFederate(
  ctx: ApiContext,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const params = await readBodyOr413(ctx, req, url, res);
  if (params === undefined) return;
  try {
    await federate(ctx, params, res);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    writeText(res, 400, `${e.message}\n`);
  }
}

async function serveLifecycle(
  ctx: ApiContext,
  path: string,
  method: string,
  res: ServerResponse,
): Promise<void> {
  if (method !== 'POST' && method !== 'PUT') return methodNotAllowed(res, ['POST', 'PUT']);
  if (!ctx.flags.enableLifecycle) return writeText(res, 403, 'Lifecycle API is not enabled.');
  if (path === '/-/quit') {
    writeText(res, 200, 'Requesting termination... Goodbye!');
    ctx.quit();
    return;
  }
  try {
    await ctx.reload();
    writeText(res, 200, '');
  } catch (e) {
    writeText(res, 500, `failed to reload config: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

async function serveRemoteWrite(
  ctx: ApiContext,
  handler: RemoteWriteHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!ctx.flags.enableRemoteWriteReceiver) {
    req.resume();
    return writeText(
      res,
      404,
      'remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n',
    );
  }
  await handler(req, res);
}
