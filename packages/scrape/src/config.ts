import type { RelabelConfig } from '@pyrometer/relabel';
import { type HttpClientConfig, validateHttpClientConfig } from '@pyrometer/transport';

/** The exposition protocols Prometheus can ask for, in `scrape_protocols`. */
export type ScrapeProtocol =
  | 'OpenMetricsText1.0.0'
  | 'OpenMetricsText0.0.1'
  | 'PrometheusText1.0.0'
  | 'PrometheusText0.0.4'
  | 'PrometheusProto';

/** One scrape job, validated, with every default filled in (the server maps prometheus.yml to it). */
export interface ScrapeConfig {
  jobName: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  metricsPath: string;
  scheme: 'http' | 'https';
  params: Record<string, string[]>;
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  scrapeProtocols: ScrapeProtocol[];
  /** Format to assume when a target's Content-Type is missing or unknown; otherwise such a scrape fails. */
  fallbackScrapeProtocol?: ScrapeProtocol;
  enableCompression: boolean;
  /** Largest uncompressed body, bytes; 0 means no limit. */
  bodySizeLimit: number;
  /** Limits; 0 means no limit. */
  sampleLimit: number;
  targetLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  httpClient: HttpClientConfig;
}

/** Prometheus's default order: OpenMetrics first, then the text formats. */
export const DEFAULT_SCRAPE_PROTOCOLS: ScrapeProtocol[] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];

/** A job with Prometheus's defaults (1m interval, 10s timeout, /metrics over http), overridden by `overrides`. */
export function scrapeConfigWithDefaults(
  jobName: string,
  overrides: Partial<ScrapeConfig> = {},
): ScrapeConfig {
  return {
    jobName,
    scrapeIntervalMs: 60_000,
    scrapeTimeoutMs: 10_000,
    metricsPath: '/metrics',
    scheme: 'http',
    params: {},
    honorLabels: false,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    scrapeProtocols: DEFAULT_SCRAPE_PROTOCOLS,
    enableCompression: true,
    bodySizeLimit: 0,
    sampleLimit: 0,
    targetLimit: 0,
    labelLimit: 0,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
    relabelConfigs: [],
    metricRelabelConfigs: [],
    httpClient: validateHttpClientConfig({}),
    ...overrides,
  };
}

const MEDIA_TYPES: Record<ScrapeProtocol, string> = {
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  PrometheusProto:
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
};

/**
 * The Accept header for a protocol list, as Prometheus builds it: weights falling from
 * q=0.9 in list order (protocols we cannot parse are left out), then `*\/*;q=0.1`.
 */
export function acceptHeader(protocols: readonly ScrapeProtocol[]): string {
  const parts: string[] = [];
  let weight = 10;
  for (const p of protocols) {
    if (p === 'PrometheusProto') continue;
    weight--;
    parts.push(`${MEDIA_TYPES[p]};q=0.${weight}`);
  }
  parts.push(`*/*;q=0.${Math.max(weight - 1, 1)}`);
  return parts.join(',');
}

/** The format a protocol name stands for. */
export function protocolFormat(protocol: ScrapeProtocol): 'openmetrics' | 'text' {
  return protocol.startsWith('OpenMetrics') ? 'openmetrics' : 'text';
}
