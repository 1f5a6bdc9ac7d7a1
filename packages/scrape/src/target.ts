import { formatDuration, Labels, LabelsBuilder, parseDuration, type TargetGroup } from '@pyrometer/model';
import { relabelBuilder } from '@pyrometer/relabel';
import type { ScrapeConfig } from './config.ts';
import { MetadataCache, type MetricMetadata } from './metadata-cache.ts';

export type TargetHealth = 'up' | 'down' | 'unknown';

/** A target to scrape: its final labels (with the internal `__` ones) and its scrape state. */
export class Target {
  /** All labels after relabeling, internal ones (`__address__`, `__scheme__`, ...) included. */
  readonly internalLabels: Labels;
  /** The labels as discovery gave them, before relabeling (shown by the targets API). */
  readonly discoveredLabels: Labels;
  readonly params: Record<string, string[]>;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  health: TargetHealth = 'unknown';
  lastError = '';
  /** Start of the last scrape, ms since the epoch; 0 before the first. */
  lastScrape = 0;
  lastScrapeDurationMs = 0;
  lastScrapeSamples = 0;
  /** The metric metadata of the recent scrapes; the target's scrape loop writes it. */
  readonly metadataCache = new MetadataCache();

  constructor(internalLabels: Labels, discoveredLabels: Labels, params: Record<string, string[]>) {
    this.internalLabels = internalLabels;
    this.discoveredLabels = discoveredLabels;
    this.params = params;
    this.scrapeIntervalMs = parseDuration(internalLabels.get('__scrape_interval__'));
    this.scrapeTimeoutMs = parseDuration(internalLabels.get('__scrape_timeout__'));
  }

  /** The labels every sample of this target gets: the non-internal ones. */
  labels(): Labels {
    const b = new LabelsBuilder();
    this.internalLabels.forEach((name, value) => {
      if (!name.startsWith('__')) b.set(name, value);
    });
    return b.labels();
  }

  /**
   * The metadata (`# TYPE`, `# HELP`, `# UNIT`) of each metric family the target exposed in
   * its recent scrapes, as Prometheus keeps it: a family that disappears from the exposition
   * is forgotten after `METADATA_KEPT_SCRAPES` more scrapes. A new array of immutable entries
   * the caller may keep; an entry is the same object from call to call while it does not change.
   */
  metadata(): MetricMetadata[] {
    return this.metadataCache.list();
  }

  /** The metadata of one metric family (by the name its metadata lines give), if exposed. */
  metadataFor(metric: string): MetricMetadata | undefined {
    return this.metadataCache.get(metric);
  }

  /** The URL to scrape: scheme, address, metrics path and the `__param_*` query parameters. */
  url(): URL {
    const l = this.internalLabels;
    const url = new URL(`${l.get('__scheme__')}://${l.get('__address__')}`);
    url.pathname = l.get('__metrics_path__');
    const params = new Map<string, string[]>(Object.entries(this.params).map(([k, v]) => [k, [...v]]));
    l.forEach((name, value) => {
      if (!name.startsWith('__param_')) return;
      const key = name.slice('__param_'.length);
      const values = params.get(key);
      if (values !== undefined && values.length > 0) values[0] = value;
      else params.set(key, [value]);
    });
    for (const key of [...params.keys()].sort())
      for (const v of params.get(key)!) url.searchParams.append(key, v);
    return url;
  }

  /** Identifies the target within its pool: its labels and URL. */
  key(): string {
    return `${this.internalLabels.hash()}:${this.url().href}`;
  }
}

export interface TargetsFromGroup {
  targets: Target[];
  /** Targets that relabeling dropped, as their discovered labels. */
  dropped: Labels[];
  /** One message per target that could not be built (no address, bad interval...). */
  failures: string[];
}

/**
 * Turns one discovered target group into targets as Prometheus does: target labels over
 * group labels, the job's defaults for `job`, `__scheme__`, `__metrics_path__`,
 * `__scrape_interval__`, `__scrape_timeout__` and `__param_*` where not set, then
 * `relabel_configs`, then checks, `__meta_*` removal and `instance` defaulting to the address.
 */
export function targetsFromGroup(group: TargetGroup, config: ScrapeConfig): TargetsFromGroup {
  const out: TargetsFromGroup = { targets: [], dropped: [], failures: [] };
  for (const targetLabels of group.targets) {
    const builder = new LabelsBuilder(group.labels);
    for (const [name, value] of targetLabels) builder.set(name, value);
    const result = populateLabels(builder, config);
    if ('error' in result) out.failures.push(result.error);
    else if (result.labels === undefined) out.dropped.push(result.discovered);
    else out.targets.push(new Target(result.labels, result.discovered, config.params));
  }
  return out;
}

type Populated = { labels: Labels | undefined; discovered: Labels } | { error: string };

function populateLabels(builder: LabelsBuilder, config: ScrapeConfig): Populated {
  const defaults: [string, string][] = [
    ['job', config.jobName],
    ['__scrape_interval__', formatDuration(config.scrapeIntervalMs)],
    ['__scrape_timeout__', formatDuration(config.scrapeTimeoutMs)],
    ['__metrics_path__', config.metricsPath],
    ['__scheme__', config.scheme],
  ];
  for (const [name, value] of defaults) if (builder.get(name) === '') builder.set(name, value);
  for (const [key, values] of Object.entries(config.params)) {
    const name = `__param_${key}`;
    if (values.length > 0 && builder.get(name) === '') builder.set(name, values[0]!);
  }
  const discovered = builder.labels();
  if (!relabelBuilder(builder, config.relabelConfigs)) return { labels: undefined, discovered };

  const address = builder.get('__address__');
  if (address === '') return { error: 'no address' };
  if (address.includes('/')) return { error: `"${address}" is not a valid hostname` };
  const interval = builder.get('__scrape_interval__');
  const timeout = builder.get('__scrape_timeout__');
  let intervalMs: number;
  let timeoutMs: number;
  try {
    intervalMs = parseDuration(interval);
  } catch (err) {
    return { error: `error parsing scrape interval: ${(err as Error).message}` };
  }
  try {
    timeoutMs = parseDuration(timeout);
  } catch (err) {
    return { error: `error parsing scrape timeout: ${(err as Error).message}` };
  }
  if (intervalMs === 0) return { error: 'scrape interval cannot be 0' };
  if (timeoutMs === 0) return { error: 'scrape timeout cannot be 0' };
  if (timeoutMs > intervalMs) {
    return { error: `scrape timeout cannot be greater than scrape interval ("${timeout}" > "${interval}")` };
  }
  const meta: string[] = [];
  builder.forEach((name) => {
    if (name.startsWith('__meta_')) meta.push(name);
  });
  builder.delete(...meta);
  if (builder.get('instance') === '') builder.set('instance', address);
  return { labels: builder.labels(), discovered };
}

/** Labels.from-style helper for tests and embedding: a group of plain addresses. */
export function targetGroupOf(
  source: string,
  addresses: string[],
  labels: Record<string, string> = {},
): TargetGroup {
  return {
    source,
    targets: addresses.map((a) => Labels.from({ __address__: a })),
    labels: Labels.from(labels),
  };
}
