import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type MemoryStorage, ValueType } from '@pyrometer/model';

export interface Exposition {
  status?: number;
  contentType?: string | undefined;
  body: string;
  gzip?: boolean;
  delayMs?: number;
}

/** A real HTTP server exposing whatever the test sets, remembering the last request's headers. */
export async function startExporter(): Promise<{
  address: string;
  set: (e: Exposition) => void;
  lastHeaders: () => IncomingHttpHeaders;
  close: () => Promise<void>;
}> {
  let current: Exposition = { body: '' };
  let headers: IncomingHttpHeaders = {};
  const server: Server = createServer((req, res) => {
    headers = req.headers;
    const e = current;
    const send = () => {
      const h: Record<string, string> = {};
      if (e.contentType !== undefined) h['content-type'] = e.contentType;
      let body: Buffer = Buffer.from(e.body);
      if (e.gzip) {
        h['content-encoding'] = 'gzip';
        body = gzipSync(body);
      }
      res.writeHead(e.status ?? 200, h).end(body);
    };
    if (e.delayMs) setTimeout(send, e.delayMs);
    else send();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (e) => {
      current = { contentType: 'text/plain; version=0.0.4', ...e };
    },
    lastHeaders: () => headers,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Every stored sample, keyed by series, with stale markers shown as 'stale'. */
export async function dump(storage: MemoryStorage): Promise<Record<string, [number, number | 'stale'][]>> {
  const { isStaleNaN } = await import('@pyrometer/model');
  const set = await storage.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).select(true, undefined);
  const out: Record<string, [number, number | 'stale'][]> = {};
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, number | 'stale'][] = [];
    while (it.next() === ValueType.Float)
      samples.push([it.t(), isStaleNaN(it.value()) ? 'stale' : it.value()]);
    out[String(s.labels)] = samples;
  }
  return out;
}
