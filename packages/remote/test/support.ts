import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MemoryStorage, ValueType } from '@pyrometer/model';

/** A real HTTP server on a free loopback port. */
export async function listen(handler: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const scratch = new Float64Array(1);
const scratchBits = new BigUint64Array(scratch.buffer);

/** The exact IEEE-754 bits of a number as hex (the stale marker is 7ff0000000000002). */
export function bitsOf(value: number): string {
  scratch[0] = value;
  return scratchBits[0]!.toString(16);
}

/** Every stored float sample, keyed by series, values as exact bits in hex. */
export async function dumpBits(storage: MemoryStorage): Promise<Record<string, [number, string][]>> {
  const set = await storage.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).select(true, undefined);
  const out: Record<string, [number, string][]> = {};
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, string][] = [];
    while (it.next() === ValueType.Float) samples.push([it.t(), bitsOf(it.value())]);
    out[String(s.labels)] = samples;
  }
  return out;
}

/** Every stored sample, keyed by series; floats as numbers (NaN compares equal in toEqual). */
export async function dump(storage: MemoryStorage): Promise<Record<string, [number, unknown][]>> {
  const set = await storage.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).select(true, undefined);
  const out: Record<string, [number, unknown][]> = {};
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, unknown][] = [];
    for (let v = it.next(); v !== ValueType.None; v = it.next()) {
      samples.push([it.t(), v === ValueType.Float ? it.value() : structuredClone(it.histogram())]);
    }
    out[String(s.labels)] = samples;
  }
  return out;
}

/** POSTs a remote-write body with the headers Prometheus sends, unless overridden. */
export async function postWrite(
  url: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...headers,
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}
