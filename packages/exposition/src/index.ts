export {
  contentTypeFor,
  type ExpositionFormat,
  formatFromContentType,
  negotiateFormat,
  OPENMETRICS_CONTENT_TYPE,
  SCRAPE_ACCEPT_HEADER,
  TEXT_CONTENT_TYPE,
} from './content-type.ts';
export { escapeHelpText, escapeLabelValue } from './escape.ts';
export { formatFloat } from './format-value.ts';
export { rangesEqual } from './internal/byte-compare.ts';
export { ExpositionError } from './internal/exposition-error.ts';
export type {
  EntryKind,
  ExemplarSink,
  ExpositionParser,
  ParserOptions,
} from './internal/exposition-parser.ts';
export {
  createParser,
  type FamilySample,
  type MetricFamily,
  parseMetricFamilies,
} from './internal/metric-family.ts';
export { OpenMetricsParser } from './internal/openmetrics-parser.ts';
export { SeriesCache } from './internal/series-cache.ts';
export { TextParser } from './internal/text-parser.ts';
export { writeMetricFamilies, writeOpenMetrics, writeText } from './internal/writer.ts';
