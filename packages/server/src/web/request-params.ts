import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-response.ts';

/** Too large a body: the API answers 413. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** Reads a body up to `limit` bytes; a longer one is refused without reading it all. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(`request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A request's parameters as Prometheus's handlers see them (Go's `r.FormValue` / `r.Form`):
 * the URL query and, for a form-encoded POST, the body; body values come first.
 */
export class RequestParams {
  readonly #values: Map<string, string[]>;

  constructor(values: Map<string, string[]>) {
    this.#values = values;
  }

  static async from(req: IncomingMessage, url: URL, bodyLimit: number): Promise<RequestParams> {
    const values = new Map<string, string[]>();
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if ((req.method === 'POST' || req.method === 'PUT') && type === 'application/x-www-form-urlencoded') {
      const body = await readBody(req, bodyLimit);
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) add(values, k, v);
    }
    for (const [k, v] of url.searchParams) add(values, k, v);
    return new RequestParams(values);
  }

  get(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.#values.get(name) ?? [];
  }
}

function add(values: Map<string, string[]>, k: string, v: string): void {
  const list = values.get(k);
  if (list === undefined) values.set(k, [v]);
  else list.push(v);
}

// Go's time.Time zero values that clients send for "no bound" (as Prometheus's API accepts).
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';
// Go's minimum and maximum times in ms (int64 nanoseconds / 1e6), rounded to what a float holds.
export const MIN_TIME = Number(-(2n ** 63n) / 1_000_000n);
export const MAX_TIME = Number((2n ** 63n - 1n) / 1_000_000n);

/** A time as RFC3339 or Unix seconds (float), in ms; Prometheus's error text when neither. */
export function parseTime(text: string): number {
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    const seconds = Number(text);
    if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
  }
  if (text === MIN_TIME_TEXT) return Math.round(MIN_TIME);
  if (text === MAX_TIME_TEXT) return Math.round(MAX_TIME);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new ApiError('bad_data', `cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** A duration as float seconds or a Prometheus duration (`5m`), in ms. */
export function parseDurationParam(text: string, parseDuration: (s: string) => number): number {
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    const seconds = Number(text);
    const ms = seconds * 1000;
    if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME) {
      throw new ApiError(
        'bad_data',
        `cannot parse ${JSON.stringify(text)} to a valid duration. It overflows int64`,
      );
    }
    return Math.round(ms);
  }
  try {
    return parseDuration(text);
  } catch {
    throw new ApiError('bad_data', `cannot parse ${JSON.stringify(text)} to a valid duration`);
  }
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * An integer as Go's `strconv.Atoi` reads it (an optional sign, decimal digits, within int64),
 * which Prometheus uses for its count parameters; an error with Go's message otherwise.
 */
export function parseGoInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text))
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = BigInt(text);
  if (n > INT64_MAX || n < INT64_MIN) {
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`);
  }
  return Number(n);
}
