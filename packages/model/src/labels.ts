import { compareStrings } from './strings.ts';

export const METRIC_NAME = '__name__';

/** A label set: unique names, sorted by name, no empty values. Immutable. */
export class Labels implements Iterable<[name: string, value: string]> {
  static readonly EMPTY: Labels = new Labels([]);

  // Names and values interleaved: [name0, value0, name1, value1, ...], sorted by name.
  readonly #flat: readonly string[];
  #hash = -1;

  private constructor(flat: readonly string[]) {
    this.#flat = flat;
  }

  /**
   * Builds a label set from a record or pairs. Empty values are dropped (a label with an
   * empty value is the same as no label, as in Prometheus). Duplicate names are an error.
   */
  static from(source: Readonly<Record<string, string>> | Iterable<readonly [string, string]>): Labels {
    const pairs: (readonly [string, string])[] = [];
    const entries = Symbol.iterator in source ? source : Object.entries(source);
    for (const pair of entries as Iterable<readonly [string, string]>) {
      if (pair[1] !== '') pairs.push(pair);
    }
    pairs.sort((a, b) => compareStrings(a[0], b[0]));
    const flat: string[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const [name, value] = pairs[i]!;
      if (i > 0 && pairs[i - 1]![0] === name) throw new Error(`duplicate label name "${name}"`);
      flat.push(name, value);
    }
    return new Labels(flat);
  }

  /**
   * Wraps an interleaved [name, value, ...] array that the caller guarantees is sorted by
   * name with unique names and no empty values. The array is owned by the Labels afterwards.
   */
  static fromSortedFlat(flat: string[]): Labels {
    return new Labels(flat);
  }

  /** Sorts an interleaved [name, value, ...] array in place and wraps it; rejects duplicates. */
  static fromFlat(flat: string[]): Labels {
    if (flat.length % 2 !== 0) throw new Error('labels: odd number of strings in name/value list');
    let sorted = true;
    for (let i = 2; i < flat.length; i += 2) {
      if (compareStrings(flat[i - 2]!, flat[i]!) >= 0) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      if (flat.some((s, i) => i % 2 === 1 && s === '')) return Labels.from(pairsOf(flat));
      return new Labels(flat);
    }
    return Labels.from(pairsOf(flat));
  }

  get size(): number {
    return this.#flat.length >> 1;
  }

  /** The value of `name`, or '' when absent (as Prometheus's Labels.Get). */
  get(name: string): string {
    const i = this.#indexOf(name);
    return i < 0 ? '' : this.#flat[i + 1]!;
  }

  has(name: string): boolean {
    return this.#indexOf(name) >= 0;
  }

  /** The metric name (`__name__`), or '' when there is none. */
  get metricName(): string {
    return this.get(METRIC_NAME);
  }

  nameAt(i: number): string {
    return this.#flat[2 * i]!;
  }

  valueAt(i: number): string {
    return this.#flat[2 * i + 1]!;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield [flat[i]!, flat[i + 1]!];
  }

  forEach(fn: (name: string, value: string) => void): void {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) fn(flat[i]!, flat[i + 1]!);
  }

  /** The interleaved [name, value, ...] view. Do not modify it. */
  flat(): readonly string[] {
    return this.#flat;
  }

  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    this.forEach((n, v) => {
      out[n] = v;
    });
    return out;
  }

  /** A 53-bit hash of the whole label set; equal label sets have equal hashes. */
  hash(): number {
    if (this.#hash < 0) this.#hash = hashFlat(this.#flat, 0, this.#flat.length);
    return this.#hash;
  }

  equals(other: Labels): boolean {
    if (this === other) return true;
    const a = this.#flat;
    const b = other.#flat;
    if (a.length !== b.length) return false;
    if (this.#hash >= 0 && other.#hash >= 0 && this.#hash !== other.#hash) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** A copy without the named labels. */
  without(...names: string[]): Labels {
    const flat = this.#flat;
    const out: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (!names.includes(flat[i]!)) out.push(flat[i]!, flat[i + 1]!);
    }
    return out.length === flat.length ? this : new Labels(out);
  }

  /** A copy with only the named labels. */
  keep(...names: string[]): Labels {
    const flat = this.#flat;
    const out: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (names.includes(flat[i]!)) out.push(flat[i]!, flat[i + 1]!);
    }
    return out.length === flat.length ? this : new Labels(out);
  }

  builder(): LabelsBuilder {
    return new LabelsBuilder(this);
  }

  /** `{a="1", b="2"}` as Prometheus prints a label set, with the name outside when present. */
  toString(): string {
    const flat = this.#flat;
    const parts: string[] = [];
    let name = '';
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i] === METRIC_NAME && isLegacyMetricName(flat[i + 1]!)) name = flat[i + 1]!;
      else parts.push(`${quoteNameIfNeeded(flat[i]!)}=${JSON.stringify(flat[i + 1])}`);
    }
    return `${name}{${parts.join(', ')}}`;
  }

  #indexOf(name: string): number {
    const flat = this.#flat;
    // Label sets are small; a linear scan beats binary search below a few dozen labels.
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return i;
    return -1;
  }
}

/** Orders label sets as Prometheus's labels.Compare: pairwise by name, then value, then size. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat();
  const y = b.flat();
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return compareStrings(x[i]!, y[i]!);
  }
  return x.length - y.length;
}

/** Accumulates changes to a label set; `labels()` returns the sorted result. */
export class LabelsBuilder {
  readonly #values = new Map<string, string>();

  constructor(base: Labels = Labels.EMPTY) {
    base.forEach((n, v) => {
      this.#values.set(n, v);
    });
  }

  get(name: string): string {
    return this.#values.get(name) ?? '';
  }

  /** Sets `name`; an empty value deletes it. */
  set(name: string, value: string): this {
    if (value === '') this.#values.delete(name);
    else this.#values.set(name, value);
    return this;
  }

  delete(...names: string[]): this {
    for (const name of names) this.#values.delete(name);
    return this;
  }

  /** Keeps only the named labels. */
  keep(...names: string[]): this {
    for (const name of [...this.#values.keys()]) if (!names.includes(name)) this.#values.delete(name);
    return this;
  }

  forEach(fn: (name: string, value: string) => void): void {
    for (const [n, v] of this.#values) fn(n, v);
  }

  labels(): Labels {
    return Labels.from(this.#values);
  }
}

// A 53-bit hash (two 32-bit multiply-xorshift lanes) over the label strings, each followed by
// a 0xff separator so that {a="bc"} and {ab="c"} differ.
function hashFlat(flat: readonly string[], from: number, to: number): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = from; i < to; i++) {
    const s = flat[i]!;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0xff, 2654435761);
    h2 = Math.imul(h2 ^ 0xff, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function pairsOf(flat: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `[a-zA-Z_:][a-zA-Z0-9_:]*`: a name that needs no quoting in the classic formats. */
export function isLegacyMetricName(name: string): boolean {
  return LEGACY_METRIC_NAME.test(name);
}

/** `[a-zA-Z_][a-zA-Z0-9_]*`: a label name that needs no quoting in the classic formats. */
export function isLegacyLabelName(name: string): boolean {
  return LEGACY_LABEL_NAME.test(name);
}

/** Prometheus 3 accepts any non-empty valid UTF-8 string as a metric or label name. */
export function isValidName(name: string): boolean {
  return name.length > 0 && name.isWellFormed();
}

function quoteNameIfNeeded(name: string): string {
  return isLegacyLabelName(name) ? name : JSON.stringify(name);
}
