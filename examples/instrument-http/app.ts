import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Histogram, metricsHandler, Registry } from '@pyrometer/client';

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly registry: Registry;
  /** Stops accepting connections and the default metrics' observers. */
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Starts the example app: a couple of routes, each request counted and timed by route and
 * status, plus the process and Node.js metrics, all served on `/metrics`. Port 0 picks a free one.
 */
export async function startServer(port: number, host = '127.0.0.1'): Promise<RunningServer> {
  // The app owns its registry rather than using the global one, so it can start twice (tests).
  const registry = new Registry();
  const defaultMetrics = collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time taken to serve an HTTP request, by method, route and status code.',
    labelNames,
    unit: 'seconds',
    registers: [registry],
  });

  const routes = new Map<string, Route>([
    ['/', (_req, res) => reply(res, 200, 'Hello from an instrumented app. Metrics are on /metrics.\n')],
    [
      '/slow',
      async (_req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
        reply(res, 200, 'That took a while.\n');
      },
    ],
    ['/metrics', metricsHandler(registry)],
  ]);

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.get(path);
    // Unknown paths share one label value, so a scanner cannot create a series per URL.
    const routeLabel = route === undefined ? 'unmatched' : path;
    const endTimer = duration.startTimer({ method: req.method ?? 'GET', route: routeLabel });
    res.on('finish', () => {
      endTimer({ status_code: res.statusCode });
      requests.inc({ method: req.method ?? 'GET', route: routeLabel, status_code: res.statusCode });
    });
    if (route === undefined) return reply(res, 404, 'Not found.\n');
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, `Internal error: ${String(error)}\n`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    registry,
    close: () =>
      new Promise<void>((resolve, reject) => {
        defaultMetrics.stop();
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
