import type { TargetGroup } from '@pyrometer/model';
import type { HttpClient } from '@pyrometer/transport';
import type { DiscoveryErrorHandler } from './discoverer.ts';
import { RefreshDiscoverer } from './refresh.ts';
import { removedSources, targetGroupsFromDocument, withGroupLabels } from './target-group-document.ts';

export interface HttpDiscovererOptions {
  url: string;
  client: HttpClient;
  refreshIntervalMs?: number;
  /** Largest response body accepted, bytes. */
  maxBodyBytes?: number;
  onError?: DiscoveryErrorHandler;
}

const CONTENT_TYPE = /^application\/json;?\s*(charset=utf-8)?$/i;

/**
 * `http_sd_configs`: GETs a JSON list of target groups from `url` every refresh interval
 * (60s by default). Each group gets `__meta_url`; sources are `url:index`.
 */
export class HttpDiscoverer extends RefreshDiscoverer {
  readonly url: string;
  readonly #client: HttpClient;
  readonly #maxBodyBytes: number;
  #lastSources: string[] = [];

  constructor(options: HttpDiscovererOptions) {
    super(options.refreshIntervalMs ?? 60_000, options.onError);
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error("URL scheme must be 'http' or 'https'");
    if (url.hostname === '') throw new Error('host is missing in URL');
    this.url = options.url;
    this.#client = options.client;
    this.#maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  }

  protected async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const res = await this.#client.request(this.url, {
      signal,
      headers: { 'x-prometheus-refresh-interval-seconds': String(this.refreshIntervalMs / 1000) },
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`server returned HTTP status ${res.statusCode}`);
    }
    const type = String(res.headers['content-type'] ?? '');
    if (!CONTENT_TYPE.test(type.trim())) {
      await res.body.dump();
      throw new Error(`unsupported content type "${type}"`);
    }
    const text = await readLimited(res.body, this.#maxBodyBytes);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new Error(`invalid JSON from ${this.url}: ${(err as Error).message}`);
    }
    const groups = withGroupLabels(targetGroupsFromDocument(doc, `${this.url}:`), { __meta_url: this.url });
    const gone = removedSources(this.#lastSources, groups);
    this.#lastSources = groups.map((g) => g.source);
    return [...groups, ...gone];
  }
}

async function readLimited(
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
  limit: number,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy?.();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
