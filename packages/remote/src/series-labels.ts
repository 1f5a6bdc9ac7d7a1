import { compareStrings, isValidName, Labels, METRIC_NAME } from '@pyrometer/model';
import type { TimeSeries } from './write-request.ts';

/** Why a series' labels were refused, in the words Prometheus logs. */
export interface InvalidLabels {
  reason: 'Invalid metric names or labels' | 'Invalid labels for series.';
  duplicate?: string;
}

/**
 * The series' labels as Prometheus's receiver takes them: sorted by name (senders should
 * sort, receivers sort anyway), every name a non-empty UTF-8 string, every value UTF-8, a
 * non-empty `__name__`, and no name twice. Labels with empty values are dropped, as the
 * TSDB drops them.
 */
export function seriesLabels(ts: TimeSeries): Labels | InvalidLabels {
  const flat = ts.labels;
  if (!ts.labelsValidUtf8) return { reason: 'Invalid metric names or labels' };
  // Senders sort their labels, so the common case is one pass and no copy.
  let sortedUnique = true;
  let hasEmptyValue = false;
  for (let i = 0; i < flat.length; i += 2) {
    if (!isValidName(flat[i]!)) return { reason: 'Invalid metric names or labels' };
    if (flat[i + 1] === '') hasEmptyValue = true;
    if (i > 0 && compareStrings(flat[i - 2]!, flat[i]!) >= 0) sortedUnique = false;
  }
  const pairs = sortedUnique ? undefined : sortedPairs(flat);
  if (pairs !== undefined) {
    for (let i = 1; i < pairs.length; i++) {
      if (pairs[i - 1]![0] === pairs[i]![0])
        return { reason: 'Invalid labels for series.', duplicate: pairs[i]![0] };
    }
  }
  const labels =
    pairs !== undefined
      ? Labels.from(pairs)
      : hasEmptyValue
        ? Labels.fromFlat([...flat])
        : Labels.fromSortedFlat(flat);
  if (labels.get(METRIC_NAME) === '') return { reason: 'Invalid metric names or labels' };
  return labels;
}

function sortedPairs(flat: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs.sort((a, b) => compareStrings(a[0], b[0]));
}

/** `{name="value", ...}` in the order sent, for logs about labels that were refused. */
export function formatWireLabels(flat: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < flat.length; i += 2) parts.push(`${flat[i]}=${JSON.stringify(flat[i + 1])}`);
  return `{${parts.join(', ')}}`;
}
