import { type ScrapeConfig, type ScrapeProtocol, scrapeConfigWithDefaults } from '@pyrometer/scrape';
import type { Node } from 'yaml';
import type { GlobalConfig, NameEscapingScheme, NameValidationScheme } from './global.ts';
import { defaultScrapeProtocols, readNamingSchemes } from './global.ts';
import { HTTP_CLIENT_KEYS, type HttpClientSettings, readHttpClient } from './http-client.ts';
import { bool, byteSize, duration, float, path, stringMap, text, textList, uint } from './kinds.ts';
import { checkLegacyTargetLabels, readRelabelRules } from './relabel.ts';
import { scrapeProtocolListProblem, scrapeProtocolProblem } from './scrape-protocols.ts';
import { readServiceDiscovery, SERVICE_DISCOVERY_KEYS, type ServiceDiscoveryConfig } from './sd/sections.ts';
import { type DecodeContext, Mapping } from './yaml-reader.ts';

/**
 * One `scrape_configs` entry: what the scrape package runs, with the global defaults
 * applied, plus where its targets come from and the settings scrape does not use yet.
 */
export interface ScrapeJobConfig extends ScrapeConfig {
  httpClient: HttpClientSettings;
  serviceDiscovery: ServiceDiscoveryConfig[];
  /** Absolute path, or '' for none. */
  scrapeFailureLogFile: string;
  scrapeNativeHistograms: boolean;
  alwaysScrapeClassicHistograms: boolean;
  convertClassicHistogramsToNhcb: boolean;
  extraScrapeMetrics: boolean;
  nativeHistogramBucketLimit: number;
  nativeHistogramMinBucketFactor: number;
  keepDroppedTargets: number;
  metricNameValidationScheme: NameValidationScheme;
  metricNameEscapingScheme: NameEscapingScheme;
}

const SCRAPE_KEYS = [
  'job_name',
  'honor_labels',
  'honor_timestamps',
  'track_timestamps_staleness',
  'params',
  'scrape_interval',
  'scrape_timeout',
  'scrape_protocols',
  'fallback_scrape_protocol',
  'scrape_native_histograms',
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'extra_scrape_metrics',
  'enable_compression',
  'metrics_path',
  'scheme',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'native_histogram_bucket_limit',
  'native_histogram_min_bucket_factor',
  'keep_dropped_targets',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'scrape_failure_log_file',
  'relabel_configs',
  'metric_relabel_configs',
  ...HTTP_CLIENT_KEYS,
  ...SERVICE_DISCOVERY_KEYS,
];

/** Reads one job and applies `global`'s defaults, checking what Prometheus checks. */
export function readScrapeJob(node: Node, ctx: DecodeContext, global: GlobalConfig): ScrapeJobConfig {
  const m = new Mapping(ctx, node, 'config.plain', SCRAPE_KEYS);
  const relabelConfigs = readRelabelRules(
    m,
    'relabel_configs',
    'empty or null target relabeling rule in scrape config',
  );
  const metricRelabelConfigs = readRelabelRules(
    m,
    'metric_relabel_configs',
    'empty or null metric relabeling rule in scrape config',
  );
  // As Prometheus: targets are checked for URLs only when no relabel rule could fix them.
  const serviceDiscovery = readServiceDiscovery(m, relabelConfigs.length === 0);
  const jobName = m.get('job_name', text, '');
  if (jobName === '') m.fail('job_name', 'job_name is empty');
  const httpClient = readHttpClient(m);
  const forJob = ` for scrape config with job name ${JSON.stringify(jobName)}`;

  const scrapeIntervalMs = m.get('scrape_interval', duration, 0) || global.scrapeIntervalMs;
  let scrapeTimeoutMs = m.get('scrape_timeout', duration, 0);
  if (scrapeTimeoutMs > scrapeIntervalMs)
    m.fail('scrape_timeout', `scrape timeout greater than scrape interval${forJob}`);
  if (scrapeTimeoutMs === 0) scrapeTimeoutMs = Math.min(global.scrapeTimeoutMs, scrapeIntervalMs);

  const protocols = m.get('scrape_protocols', textList);
  if (protocols !== undefined) {
    const problem = scrapeProtocolListProblem(protocols);
    if (problem !== undefined) m.fail('scrape_protocols', `${problem}${forJob}`);
  }
  const fallback = m.get('fallback_scrape_protocol', text, '');
  if (fallback !== '') {
    const problem = scrapeProtocolProblem(fallback);
    if (problem !== undefined) {
      m.fail('fallback_scrape_protocol', `invalid fallback_scrape_protocol${forJob}: ${problem}`);
    }
  }
  const scheme = m.get('scheme', text, 'http');
  if (scheme !== 'http' && scheme !== 'https') {
    m.fail('scheme', `scheme must be "http" or "https", got ${JSON.stringify(scheme)}${forJob}`);
  }
  const naming = readNamingSchemes(m, {
    validation: global.metricNameValidationScheme,
    escaping: global.metricNameEscapingScheme,
  });
  if (naming.validation === 'legacy') {
    checkLegacyTargetLabels(m, 'relabel_configs', relabelConfigs);
    checkLegacyTargetLabels(m, 'metric_relabel_configs', metricRelabelConfigs);
  }

  // The scrape package's own defaults, so both agree on what an unset key means.
  const defaults = scrapeConfigWithDefaults(jobName);
  const job: ScrapeJobConfig = {
    ...defaults,
    scrapeIntervalMs,
    scrapeTimeoutMs,
    metricsPath: m.get('metrics_path', text, defaults.metricsPath),
    scheme: scheme as 'http' | 'https',
    params: m.get('params', stringMap(textList), defaults.params),
    honorLabels: m.get('honor_labels', bool, defaults.honorLabels),
    honorTimestamps: m.get('honor_timestamps', bool, defaults.honorTimestamps),
    trackTimestampsStaleness: m.get('track_timestamps_staleness', bool, defaults.trackTimestampsStaleness),
    enableCompression: m.get('enable_compression', bool, defaults.enableCompression),
    // Zero means "not set": the global limit applies, as in Prometheus.
    bodySizeLimit: m.get('body_size_limit', byteSize, 0) || global.bodySizeLimit,
    sampleLimit: m.get('sample_limit', uint, 0) || global.sampleLimit,
    targetLimit: m.get('target_limit', uint, 0) || global.targetLimit,
    labelLimit: m.get('label_limit', uint, 0) || global.labelLimit,
    labelNameLengthLimit: m.get('label_name_length_limit', uint, 0) || global.labelNameLengthLimit,
    labelValueLengthLimit: m.get('label_value_length_limit', uint, 0) || global.labelValueLengthLimit,
    relabelConfigs,
    metricRelabelConfigs,
    httpClient,
    serviceDiscovery,
    scrapeFailureLogFile: m.get('scrape_failure_log_file', path, '') || global.scrapeFailureLogFile,
    scrapeNativeHistograms: m.get('scrape_native_histograms', bool, global.scrapeNativeHistograms),
    alwaysScrapeClassicHistograms: m.get(
      'always_scrape_classic_histograms',
      bool,
      global.alwaysScrapeClassicHistograms,
    ),
    convertClassicHistogramsToNhcb: m.get(
      'convert_classic_histograms_to_nhcb',
      bool,
      global.convertClassicHistogramsToNhcb,
    ),
    extraScrapeMetrics: m.get('extra_scrape_metrics', bool, global.extraScrapeMetrics),
    nativeHistogramBucketLimit: m.get('native_histogram_bucket_limit', uint, 0),
    nativeHistogramMinBucketFactor: m.get('native_histogram_min_bucket_factor', float, 0),
    keepDroppedTargets: m.get('keep_dropped_targets', uint, 0) || global.keepDroppedTargets,
    metricNameValidationScheme: naming.validation,
    metricNameEscapingScheme: naming.escaping,
  };
  if (fallback !== '') job.fallbackScrapeProtocol = fallback as ScrapeProtocol;
  job.scrapeProtocols = [
    ...((protocols as ScrapeProtocol[] | undefined) ??
      global.scrapeProtocols ??
      defaultScrapeProtocols(job.scrapeNativeHistograms)),
  ];
  return job;
}
