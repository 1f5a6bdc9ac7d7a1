import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { contentTypeFor, negotiateFormat } from '@pyrometer/exposition';
import { type Registry, register } from './registry.ts';

const gzip = promisify(gzipCallback);

export interface MetricsHandlerOptions {
  /** Compress the response when the scraper accepts gzip (as Prometheus does). Default true. */
  compression?: boolean;
}

/** A `node:http` request listener; resolves once the response is sent. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Serves a registry's metrics: OpenMetrics when the scraper's Accept header asks for it, the
 * classic text format otherwise, gzip-compressed when accepted. Mount it on `/metrics`, or
 * pass it to `http.createServer` to serve metrics on every path.
 */
export function metricsHandler(
  registry: Registry = register,
  options: MetricsHandlerOptions = {},
): MetricsHandler {
  const compression = options.compression ?? true;
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`method ${req.method ?? ''} not allowed; scrape metrics with GET\n`);
      return;
    }
    const format = negotiateFormat(req.headers.accept);
    let body: Buffer;
    try {
      body = Buffer.from(await registry.metrics({ format }), 'utf8');
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`error collecting metrics: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': contentTypeFor(format),
      Vary: 'Accept, Accept-Encoding',
    };
    if (compression && acceptsGzip(req.headers['accept-encoding'])) {
      body = await gzip(body);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** Whether an Accept-Encoding header allows gzip (named, or `*`, with a weight above zero). */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
