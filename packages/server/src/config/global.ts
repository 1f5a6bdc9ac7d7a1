import type { ScrapeProtocol } from '@pyrometer/scrape';
import { DEFAULT_SCRAPE_PROTOCOLS } from '@pyrometer/scrape';
import type { Node } from 'yaml';
import {
  bool,
  byteSize,
  duration,
  labelName,
  labelValue,
  path,
  stringMap,
  text,
  textList,
  uint,
} from './kinds.ts';
import { PROTO_FIRST_SCRAPE_PROTOCOLS, scrapeProtocolListProblem } from './scrape-protocols.ts';
import { type DecodeContext, Mapping } from './yaml-reader.ts';

export type NameValidationScheme = 'utf8' | 'legacy';
export type NameEscapingScheme = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

/** `global`: defaults for every job and rule group, and the labels sent to external systems. */
export interface GlobalConfig {
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  /**
   * As written; unset, each job asks for the protobuf format first when it scrapes
   * native histograms, and for the text formats otherwise.
   */
  scrapeProtocols?: ScrapeProtocol[];
  evaluationIntervalMs: number;
  ruleQueryOffsetMs: number;
  externalLabels: Record<string, string>;
  /** Absolute path, or '' for none. */
  queryLogFile: string;
  scrapeFailureLogFile: string;
  bodySizeLimit: number;
  sampleLimit: number;
  targetLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  keepDroppedTargets: number;
  metricNameValidationScheme: NameValidationScheme;
  metricNameEscapingScheme: NameEscapingScheme;
  scrapeNativeHistograms: boolean;
  alwaysScrapeClassicHistograms: boolean;
  convertClassicHistogramsToNhcb: boolean;
  extraScrapeMetrics: boolean;
}

export const GLOBAL_KEYS = [
  'scrape_interval',
  'scrape_timeout',
  'scrape_protocols',
  'evaluation_interval',
  'rule_query_offset',
  'external_labels',
  'query_log_file',
  'scrape_failure_log_file',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'keep_dropped_targets',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'scrape_native_histograms',
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'extra_scrape_metrics',
] as const;

const SECOND = 1000;
export const DEFAULT_SCRAPE_INTERVAL_MS = 60 * SECOND;
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10 * SECOND;
export const DEFAULT_EVALUATION_INTERVAL_MS = 60 * SECOND;

const ESCAPING_SCHEMES: readonly NameEscapingScheme[] = ['allow-utf-8', 'underscores', 'dots', 'values'];

/** Reads the two naming-scheme keys of a section and checks they agree, as Prometheus does. */
export function readNamingSchemes(
  m: Mapping,
  inherited?: { validation: NameValidationScheme; escaping: NameEscapingScheme },
): { validation: NameValidationScheme; escaping: NameEscapingScheme } {
  const writtenValidation = m.get('metric_name_validation_scheme', text, '');
  if (writtenValidation !== '' && writtenValidation !== 'utf8' && writtenValidation !== 'legacy') {
    m.fail(
      'metric_name_validation_scheme',
      `unrecognized ValidationScheme: ${JSON.stringify(writtenValidation)}`,
    );
  }
  const validation: NameValidationScheme =
    writtenValidation === ''
      ? (inherited?.validation ?? 'utf8')
      : (writtenValidation as NameValidationScheme);
  const writtenEscaping = m.get('metric_name_escaping_scheme', text, '');
  if (writtenEscaping !== '' && !(ESCAPING_SCHEMES as readonly string[]).includes(writtenEscaping)) {
    m.fail(
      'metric_name_escaping_scheme',
      `unknown name escaping method specified, must be one of (${ESCAPING_SCHEMES.join(', ')}), got ${writtenEscaping}`,
    );
  }
  // Unset, escaping follows the section's own validation scheme if it set one, else the
  // inherited escaping: a job that narrows validation to legacy escapes with underscores.
  let escaping: NameEscapingScheme;
  if (writtenEscaping !== '') escaping = writtenEscaping as NameEscapingScheme;
  else if (writtenValidation === '' && inherited !== undefined) escaping = inherited.escaping;
  else escaping = validation === 'legacy' ? 'underscores' : 'allow-utf-8';
  if (validation === 'legacy' && escaping === 'allow-utf-8') {
    m.fail(
      'metric_name_escaping_scheme',
      'utf8 metric names requested but validation scheme is not set to UTF8',
    );
  }
  return { validation, escaping };
}

/**
 * Expands `$NAME` and `${NAME}` from the environment in an external label value, `$$`
 * standing for `$`, as Prometheus 3 does; an unset variable expands to nothing.
 */
export function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(
    /\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, all: string, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      return env[braced ?? bare ?? ''] ?? '';
    },
  );
}

/** Reads `global`; absent or empty, it is Prometheus's default global configuration. */
export function readGlobal(node: Node | null, ctx: DecodeContext, env: NodeJS.ProcessEnv): GlobalConfig {
  const m = new Mapping(ctx, node, 'config.plain', GLOBAL_KEYS);
  const scrapeIntervalMs = m.get('scrape_interval', duration, 0) || DEFAULT_SCRAPE_INTERVAL_MS;
  let scrapeTimeoutMs = m.get('scrape_timeout', duration, 0);
  if (scrapeTimeoutMs > scrapeIntervalMs)
    m.fail('scrape_timeout', 'global scrape timeout greater than scrape interval');
  if (scrapeTimeoutMs === 0) scrapeTimeoutMs = Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, scrapeIntervalMs);

  const protocols = m.get('scrape_protocols', textList);
  if (protocols !== undefined) {
    const problem = scrapeProtocolListProblem(protocols);
    if (problem !== undefined) m.fail('scrape_protocols', `${problem} in the global configuration`);
  }
  const naming = readNamingSchemes(m);
  const labels = m.get('external_labels', stringMap(labelValue, labelName), {});
  const externalLabels = Object.fromEntries(
    Object.entries(labels).map(([name, value]) => [name, expandEnv(value, env)]),
  );
  const global: GlobalConfig = {
    scrapeIntervalMs,
    scrapeTimeoutMs,
    evaluationIntervalMs: m.get('evaluation_interval', duration, 0) || DEFAULT_EVALUATION_INTERVAL_MS,
    ruleQueryOffsetMs: m.get('rule_query_offset', duration, 0),
    externalLabels,
    queryLogFile: m.get('query_log_file', path, ''),
    scrapeFailureLogFile: m.get('scrape_failure_log_file', path, ''),
    bodySizeLimit: m.get('body_size_limit', byteSize, 0),
    sampleLimit: m.get('sample_limit', uint, 0),
    targetLimit: m.get('target_limit', uint, 0),
    labelLimit: m.get('label_limit', uint, 0),
    labelNameLengthLimit: m.get('label_name_length_limit', uint, 0),
    labelValueLengthLimit: m.get('label_value_length_limit', uint, 0),
    keepDroppedTargets: m.get('keep_dropped_targets', uint, 0),
    metricNameValidationScheme: naming.validation,
    metricNameEscapingScheme: naming.escaping,
    scrapeNativeHistograms: m.get('scrape_native_histograms', bool, false),
    alwaysScrapeClassicHistograms: m.get('always_scrape_classic_histograms', bool, false),
    convertClassicHistogramsToNhcb: m.get('convert_classic_histograms_to_nhcb', bool, false),
    extraScrapeMetrics: m.get('extra_scrape_metrics', bool, false),
  };
  if (protocols !== undefined) global.scrapeProtocols = protocols as ScrapeProtocol[];
  return global;
}

/** The protocols a job asks for when neither it nor the global section lists them. */
export function defaultScrapeProtocols(scrapeNativeHistograms: boolean): ScrapeProtocol[] {
  return [...(scrapeNativeHistograms ? PROTO_FIRST_SCRAPE_PROTOCOLS : DEFAULT_SCRAPE_PROTOCOLS)];
}
