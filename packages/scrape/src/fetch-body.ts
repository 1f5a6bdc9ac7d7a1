import { STATUS_CODES } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { ExpositionFormat } from '@pyrometer/exposition';
import type { HttpClient } from '@pyrometer/transport';
import { acceptHeader, protocolFormat, type ScrapeConfig } from './config.ts';

export interface ScrapedBody {
  bytes: Uint8Array;
  format: ExpositionFormat;
}

export class ScrapeError extends Error {
  override name = 'ScrapeError';
}

/**
 * GETs a target's metrics as Prometheus does: the Accept header from `scrape_protocols`,
 * gzip when compression is enabled, `X-Prometheus-Scrape-Timeout-Seconds`, the scrape
 * timeout over the whole exchange, and `body_size_limit` on the uncompressed body.
 */
export async function fetchMetrics(
  client: HttpClient,
  url: URL,
  config: ScrapeConfig,
  timeoutMs: number,
): Promise<ScrapedBody> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await client.request(url, {
      signal,
      headers: {
        accept: acceptHeader(config.scrapeProtocols),
        'accept-encoding': config.enableCompression ? 'gzip' : 'identity',
        'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
      },
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new ScrapeError(`server returned HTTP status ${res.statusCode} ${statusText(res.statusCode)}`);
    }
    const format = formatOf(String(res.headers['content-type'] ?? ''), config);
    const gzipped = String(res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
    const source: AsyncIterable<Uint8Array> = gzipped ? res.body.pipe(createGunzip()) : res.body;
    const bytes = await readAll(source, config.bodySizeLimit, () => res.body.destroy());
    return { bytes, format };
  } catch (err) {
    if (signal.aborted)
      throw new ScrapeError(`context deadline exceeded (scrape timeout ${timeoutMs / 1000}s)`);
    if (err instanceof ScrapeError) throw err;
    throw new ScrapeError((err as Error).message);
  }
}

function formatOf(contentType: string, config: ScrapeConfig): ExpositionFormat {
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (media === 'application/openmetrics-text') return 'openmetrics';
  if (media === 'text/plain') return 'text';
  // As Prometheus 3: an unknown or missing Content-Type fails the scrape unless the job names a fallback.
  if (config.fallbackScrapeProtocol !== undefined) return protocolFormat(config.fallbackScrapeProtocol);
  throw new ScrapeError(
    `received unsupported Content-Type "${contentType}" and no fallback_scrape_protocol specified for target`,
  );
}

async function readAll(
  source: AsyncIterable<Uint8Array>,
  limit: number,
  abort: () => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (limit > 0 && size > limit) {
      abort();
      throw new ScrapeError(`body size limit exceeded (limit: ${limit} bytes)`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function statusText(code: number): string {
  return STATUS_CODES[code] ?? '';
}
