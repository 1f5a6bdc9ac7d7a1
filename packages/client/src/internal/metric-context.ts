import { type ExemplarLabels, type StoredExemplar, storeExemplar } from './exemplar.ts';

/** What a metric's children need from it: how to name it in errors, the clock, exemplar policy. */
export interface MetricContext {
  /** `Counter "name"`, to start error messages with. */
  readonly described: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly exemplarsEnabled: boolean;
}

/** Validates exemplar labels and keeps them with the value they describe, stamped now. */
export function takeExemplar(context: MetricContext, labels: ExemplarLabels, value: number): StoredExemplar {
  if (!context.exemplarsEnabled) {
    throw new TypeError(
      `${context.described}: exemplar labels given but exemplars are off (create it with enableExemplars: true)`,
    );
  }
  return storeExemplar(context.described, labels, value, context.now());
}

/** The error for a value a metric cannot take; `what` is the call, e.g. `inc(-1)`. */
export function invalidValue(context: MetricContext, what: string, value: unknown, expected: string): Error {
  if (typeof value !== 'number') {
    return new TypeError(`${context.described}: ${what} takes a number, got ${typeof value}`);
  }
  return new RangeError(`${context.described}: ${what}: ${expected}`);
}
