export { formatDuration, parseDuration } from './duration.ts';
export {
  compareLabels,
  isLegacyLabelName,
  isLegacyMetricName,
  isValidName,
  Labels,
  LabelsBuilder,
  METRIC_NAME,
} from './labels.ts';
export { Matcher, type MatchType, matchesAll } from './matcher.ts';
export { ArraySeriesSet, MemoryStorage } from './memory-storage.ts';
export { compileAnchoredRegex, RegexSyntaxError, translateRe2 } from './regex.ts';
export {
  type BucketSpan,
  type Exemplar,
  type FloatHistogram,
  MAX_TIMESTAMP,
  type Metadata,
  type MetricType,
  MIN_TIMESTAMP,
  type Sample,
  type Timestamp,
} from './sample.ts';
export { float64Bits, isStaleNaN, STALE_NAN_BITS, StaleNaN } from './stale.ts';
export {
  type Appendable,
  type Appender,
  type AppendOptions,
  type LabelHints,
  NO_SERIES_REF,
  type Querier,
  type Queryable,
  type SampleIterator,
  type SelectHints,
  type Series,
  type SeriesRef,
  type SeriesSet,
  StorageError,
  type StorageErrorCode,
  ValueType,
} from './storage.ts';
export { compareStrings } from './strings.ts';
export type { TargetGroup } from './target-group.ts';
