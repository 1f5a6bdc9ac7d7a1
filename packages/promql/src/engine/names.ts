import { type Labels, METRIC_NAME } from '@pyrometer/model';

/**
 * The labels that go with the metric name: Prometheus removes `__type__` and `__unit__`
 * whenever it removes `__name__`, since they describe the named metric.
 */
export const NAME_LABELS: readonly string[] = [METRIC_NAME, '__type__', '__unit__'];

export function withoutName(labels: Labels): Labels {
  return labels.without(...NAME_LABELS);
}
