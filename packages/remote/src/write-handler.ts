import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Appendable, StorageError } from '@pyrometer/model';
import { appendWriteRequest, type RemoteWriteLog } from './append-write-request.ts';
import { RemoteWriteError } from './remote-write-error.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decompressWriteRequest, maxCompressedBytes } from './snappy-body.ts';
import { decodeWriteRequest } from './write-request-decoder.ts';

export interface RemoteWriteHandlerOptions {
  appendable: Appendable;
  /**
   * The largest `WriteRequest` accepted, in decompressed bytes (default 32 MiB, Prometheus's
   * limit for remote requests). A body that could only decompress to more is refused with
   * 413 without being buffered.
   */
  maxBodyBytes?: number;
  log?: RemoteWriteLog;
}

/** A `node:http` request listener; the promise settles when the response is sent, and never rejects. */
export type RemoteWriteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const PROTOBUF = 'application/x-protobuf';
const V1_MESSAGE = 'prometheus.WriteRequest';
const V2_MESSAGE = 'io.prometheus.write.v2.Request';

/**
 * The remote-write 1.0 receiver (`POST /api/v1/write`), answering as Prometheus does: 204
 * when the whole request was appended; 400 with the reason for a body that is not snappy or
 * not a `WriteRequest`, and for an out-of-order, duplicate, out-of-bounds or too-old sample
 * (nothing of the request is kept); 413 over the size limit; 415 for another content type,
 * protobuf message or encoding; 405 for methods other than POST; 500 when the storage
 * fails otherwise. The handler does not look at the path: mount it where it belongs.
 */
export function createRemoteWriteHandler(options: RemoteWriteHandlerOptions): RemoteWriteHandler {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const log = options.log;
  return async (req, res) => {
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      sendText(res, 405, 'Method Not Allowed');
      return;
    }
    const refusal =
      checkContentType(req.headers['content-type']) ?? checkEncoding(req.headers['content-encoding']);
    if (refusal !== undefined) {
      log?.error('Error decoding remote write request', { err: refusal });
      req.resume();
      sendText(res, 415, refusal);
      return;
    }
    const body = await readBody(req, maxCompressedBytes(maxBytes));
    if (body === 'aborted') {
      res.destroy();
      return;
    }
    try {
      if (body === 'too-large') {
        throw new RemoteWriteError(
          'too-large',
          `request body exceeds the limit of ${maxBytes} bytes decompressed`,
        );
      }
      const request = decodeWriteRequest(decompressWriteRequest(body, maxBytes));
      await appendWriteRequest(options.appendable, request, log === undefined ? {} : { log });
      res.writeHead(204).end();
    } catch (err) {
      respondWithError(res, err, log);
    }
  };
}

function respondWithError(res: ServerResponse, err: unknown, log: RemoteWriteLog | undefined): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RemoteWriteError) {
    log?.error('Error decoding remote write request', { err: message });
    sendText(res, err.status, message);
  } else if (err instanceof StorageError) {
    // As Prometheus: a sample the storage refuses is a bad request, so the sender does not retry it.
    log?.error('Out of order sample from remote write', { err: message });
    sendText(res, 400, message);
  } else {
    log?.error('Error while remote writing the v1 request', { err: message });
    sendText(res, 500, message);
  }
}

/** The reason to refuse a Content-Type, or undefined. A missing one means protocol 1.0, as in Prometheus. */
function checkContentType(header: string | undefined): string | undefined {
  const contentType = (header ?? '').trim() || PROTOBUF;
  const [media, ...parameters] = contentType.split(';');
  if (media!.trim().toLowerCase() !== PROTOBUF) {
    return `expected ${PROTOBUF} as the first (media) part, got ${contentType} content-type`;
  }
  for (const parameter of parameters) {
    const pair = parameter.split('=');
    if (pair.length !== 2) {
      return `as per https://www.rfc-editor.org/rfc/rfc9110#parameter expected parameters to be key-values, got ${parameter} in ${contentType} content-type`;
    }
    if (pair[0]!.trim().toLowerCase() !== 'proto') continue;
    const message = pair[1]!.trim();
    if (message === V1_MESSAGE) return undefined;
    if (message === V2_MESSAGE) {
      return `${V2_MESSAGE} protobuf message is not accepted by this server; accepted [${V1_MESSAGE}]`;
    }
    return `got ${contentType} content type; unknown remote write protobuf message ${message}, supported: ${V1_MESSAGE}, ${V2_MESSAGE}`;
  }
  return undefined;
}

/** A missing Content-Encoding means snappy, as in Prometheus; anything else is refused. */
function checkEncoding(header: string | undefined): string | undefined {
  if (header === undefined || header === '' || header.trim().toLowerCase() === 'snappy') return undefined;
  return `${header} encoding (compression) is not accepted by this server; only snappy is acceptable`;
}

/** The whole body, or 'too-large' once past `limit` (the rest is read and discarded, not kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large' | 'aborted'> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    }
  } catch {
    return 'aborted';
  }
  if (size > limit) return 'too-large';
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function sendText(res: ServerResponse, status: number, message: string): void {
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
    .end(`${message}\n`);
}
