import { escapeLabelValue, formatFloat } from '@pyrometer/exposition';
import { checkLabelName } from './validation.ts';

/** The labels of an exemplar, typically a trace id: `{ traceId: 'abc123' }`. */
export type ExemplarLabels = Readonly<Record<string, string>>;

/** OpenMetrics 1.0: an exemplar's label names and values together hold at most 128 code points. */
export const MAX_EXEMPLAR_LABEL_RUNES = 128;

/** An exemplar as it is kept: its labels already rendered, since they are only ever written out. */
export interface StoredExemplar {
  readonly labelPairs: string;
  readonly value: number;
  readonly timestampMs: number;
}

/** Validates an exemplar's labels and keeps it in rendered form; `context` names the metric for errors. */
export function storeExemplar(
  context: string,
  labels: ExemplarLabels,
  value: number,
  timestampMs: number,
): StoredExemplar {
  let runes = 0;
  let pairs = '';
  for (const name in labels) {
    const labelValue = labels[name];
    checkLabelName(`${context}: exemplar label`, name);
    if (typeof labelValue !== 'string') {
      throw new TypeError(`${context}: exemplar label "${name}" must have a string value`);
    }
    runes += countCodePoints(name) + countCodePoints(labelValue);
    if (pairs !== '') pairs += ',';
    pairs += `${name}="${escapeLabelValue(labelValue)}"`;
  }
  if (runes > MAX_EXEMPLAR_LABEL_RUNES) {
    throw new RangeError(
      `${context}: exemplar labels are ${runes} characters long; OpenMetrics allows at most ${MAX_EXEMPLAR_LABEL_RUNES} (names and values together)`,
    );
  }
  return { labelPairs: pairs, value, timestampMs };
}

/** The ` # {labels} value timestamp` suffix of an OpenMetrics sample line. */
export function renderExemplar(exemplar: StoredExemplar): string {
  return ` # {${exemplar.labelPairs}} ${formatFloat(exemplar.value)} ${formatSeconds(exemplar.timestampMs)}`;
}

/** A timestamp in seconds, as OpenMetrics writes them (`_created` values, exemplar timestamps). */
export function formatSeconds(ms: number): string {
  return String(ms / 1000);
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
