import type { MetricType } from '@pyrometer/model';
import { sampleSuffixes, suffixIn } from './family-names.ts';
import { parseLabelNumber } from './float.ts';
import type { LabelScratch } from './label-scratch.ts';

/** The part of the current line a rule violation is reported at. */
export type Where = 'name' | 'labels' | 'value' | 'timestamp' | 'exemplar' | 'line';
export type Fail = (where: Where, detail: string) => never;

/**
 * The OpenMetrics 1.0 rules above the line syntax: metric families are contiguous and their
 * names do not clash, metadata comes once and before the samples, each type has its own
 * sample names, labels and value ranges, the samples of one metric are together, a series'
 * timestamps do not go back, and histogram buckets are complete and consistent. Fed one
 * line at a time by the OpenMetrics parser; state is per family and per metric, never per
 * sample.
 */
export class OpenMetricsRules {
  readonly #fail: Fail;
  /** Every family name and sample name a family so far may use. */
  readonly #claimed = new Set<string>();

  #family: string | undefined = undefined;
  #type: MetricType = 'unknown';
  #suffixes: readonly string[] = sampleSuffixes('unknown', 'openmetrics');
  #unit = '';
  #hasHelp = false;
  #hasType = false;
  #hasUnit = false;
  #hasSamples = false;

  // The current metric: the labels that identify it (without le, quantile or the state).
  readonly #groupNames: string[] = [];
  readonly #groupValues: string[] = [];
  #groupCount = -1;
  #groupKey = '';
  readonly #finishedGroups = new Set<string>();

  // The previous sample, to see a series repeated with a later timestamp.
  #lastName = '';
  #lastSpecial: string | undefined = undefined;
  #lastTimestamp: number | undefined = undefined;

  // The current histogram point.
  #lastLe = Number.NEGATIVE_INFINITY;
  #lastBucket = 0;
  #infBucket: number | undefined = undefined;
  #count: number | undefined = undefined;
  #sum: number | undefined = undefined;
  #hasNegativeBucket = false;
  readonly #bounds = new Map<string, number | undefined>();

  constructor(fail: Fail) {
    this.#fail = fail;
  }

  help(name: string): void {
    this.#metadata(name, 'HELP');
    if (this.#hasHelp) this.#fail('name', `repeated HELP for metric family "${name}"`);
    this.#hasHelp = true;
  }

  type(name: string, type: MetricType): void {
    this.#metadata(name, 'TYPE');
    if (this.#hasType) this.#fail('name', `repeated TYPE for metric family "${name}"`);
    this.#hasType = true;
    this.#type = type;
    this.#suffixes = sampleSuffixes(type, 'openmetrics');
    for (const suffix of this.#suffixes) {
      if (suffix === '') continue;
      const sampleName = name + suffix;
      if (this.#claimed.has(sampleName)) {
        this.#fail(
          'name',
          `${type} "${name}" would have samples named "${sampleName}", which an earlier family uses`,
        );
      }
      this.#claimed.add(sampleName);
    }
    this.#checkUnitAllowed();
  }

  unit(name: string, unit: string): void {
    this.#metadata(name, 'UNIT');
    if (this.#hasUnit) this.#fail('name', `repeated UNIT for metric family "${name}"`);
    this.#hasUnit = true;
    this.#unit = unit;
    if (unit !== '' && !name.endsWith(`_${unit}`)) {
      this.#fail('line', `metric family "${name}" has unit "${unit}", so its name must end in "_${unit}"`);
    }
    this.#checkUnitAllowed();
  }

  /** Checks one sample line. `timestamp` is in unrounded milliseconds. */
  sample(
    name: string,
    labels: LabelScratch,
    value: number,
    timestamp: number | undefined,
    exemplar: boolean,
  ): void {
    let suffix = this.#family === undefined ? undefined : suffixIn(name, this.#family, this.#suffixes);
    if (suffix === undefined) {
      const family = this.#family;
      if (family !== undefined && this.#claimed.has(name) && name.startsWith(family)) {
        const expected = this.#suffixes.map((s) => `"${family}${s}"`).join(', ');
        this.#fail(
          'name',
          `"${name}" is not a sample name of ${this.#type} "${family}": expected one of ${expected}`,
        );
      }
      // A sample outside the current family starts a family of its own, with no metadata.
      this.#startFamily(name);
      suffix = '';
    }
    this.#hasSamples = true;
    const type = this.#type;
    if (exemplar && !allowsExemplar(type, suffix)) {
      this.#fail(
        'exemplar',
        `exemplars are allowed only on counter _total and histogram _bucket samples, not on "${name}"`,
      );
    }
    const special = this.#specialLabel(suffix);
    const specialValue = special === undefined ? undefined : labels.get(special);
    if (special !== undefined && specialValue === undefined) {
      this.#fail('labels', `${type} sample "${name}" needs a "${special}" label`);
    }
    if (special === 'quantile') this.#checkQuantile(specialValue!);
    this.#checkValue(name, suffix, value);
    const sameMetric = this.#enterMetric(labels, special);
    if (sameMetric && name === this.#lastName && specialValue === this.#lastSpecial) {
      if (timestamp === undefined || this.#lastTimestamp === undefined) {
        this.#fail('timestamp', `series "${name}" repeats, so each of its samples needs a timestamp`);
      }
      if (timestamp < this.#lastTimestamp) {
        this.#fail('timestamp', `timestamps of series "${name}" go backwards`);
      }
    }
    this.#lastName = name;
    this.#lastSpecial = specialValue;
    this.#lastTimestamp = timestamp;
    if (type === 'histogram' || type === 'gaugehistogram') this.#histogramSample(suffix, specialValue, value);
  }

  /** At `# EOF`: the last metric must be complete. */
  eof(): void {
    this.#endMetric();
  }

  #metadata(name: string, kind: string): void {
    if (name !== this.#family) this.#startFamily(name);
    else if (this.#hasSamples) {
      this.#fail(
        'line',
        `${kind} for metric family "${name}" comes after its samples; metadata must come first`,
      );
    }
  }

  #startFamily(name: string): void {
    this.#endMetric();
    if (this.#claimed.has(name)) {
      this.#fail(
        'name',
        `metric family "${name}" clashes with an earlier family: a family's lines must be together and its names unique`,
      );
    }
    this.#claimed.add(name);
    this.#family = name;
    this.#type = 'unknown';
    this.#suffixes = sampleSuffixes('unknown', 'openmetrics');
    this.#unit = '';
    this.#hasHelp = false;
    this.#hasType = false;
    this.#hasUnit = false;
    this.#hasSamples = false;
    this.#finishedGroups.clear();
    this.#lastName = '';
  }

  #checkUnitAllowed(): void {
    if (this.#unit !== '' && (this.#type === 'info' || this.#type === 'stateset')) {
      this.#fail('line', `${this.#type} "${this.#family}" must not have a unit`);
    }
  }

  /** The label that tells apart the samples of one metric: a bucket's le, a quantile, a state. */
  #specialLabel(suffix: string): string | undefined {
    switch (this.#type) {
      case 'histogram':
      case 'gaugehistogram':
        return suffix === '_bucket' ? 'le' : undefined;
      case 'summary':
        return suffix === '' ? 'quantile' : undefined;
      case 'stateset':
        return this.#family;
      default:
        return undefined;
    }
  }

  #checkValue(name: string, suffix: string, value: number): void {
    switch (this.#type) {
      case 'counter':
        if (suffix === '_total') this.#requireCount(name, value);
        return;
      case 'histogram':
        if (suffix !== '_created') this.#requireCount(name, value);
        return;
      case 'gaugehistogram':
        if (suffix === '_gsum') {
          if (Number.isNaN(value)) this.#fail('value', `"${name}" must not be NaN`);
        } else this.#requireCount(name, value);
        return;
      case 'summary':
        if (suffix === '_sum' || suffix === '_count') this.#requireCount(name, value);
        else if (suffix === '' && value < 0)
          this.#fail('value', `summary quantile "${name}" must not be negative`);
        return;
      case 'info':
        if (value !== 1) this.#fail('value', `info "${name}" must have the value 1, got ${value}`);
        return;
      case 'stateset':
        if (value !== 0 && value !== 1)
          this.#fail('value', `stateset "${name}" must have the value 0 or 1, got ${value}`);
        return;
      default:
        return;
    }
  }

  #checkQuantile(text: string): void {
    const quantile = parseLabelNumber(text);
    if (quantile === undefined || !(quantile >= 0 && quantile <= 1)) {
      this.#fail('labels', `invalid quantile="${text}": expected a number from 0 to 1`);
    }
  }

  #requireCount(name: string, value: number): void {
    if (!(value >= 0)) this.#fail('value', `"${name}" must be a non-negative number, got ${value}`);
  }

  /**
   * Notes the metric (label set without the special label) this sample belongs to; true when
   * it is the same as the previous sample's. Starting a metric ends the previous one; a
   * metric may not start twice in a family.
   */
  #enterMetric(labels: LabelScratch, special: string | undefined): boolean {
    if (this.#groupCount >= 0 && this.#sameGroupLabels(labels, special)) return true;
    const key = metricKey(labels, special);
    if (this.#groupCount >= 0 && key === this.#groupKey) {
      this.#rememberGroupLabels(labels, special);
      return true;
    }
    this.#endMetric();
    if (this.#finishedGroups.has(key)) {
      this.#fail(
        'labels',
        `the samples of metric "${this.#family}" ${describeKey(key)} must be together, but they resume here after another metric`,
      );
    }
    this.#finishedGroups.add(key);
    this.#groupKey = key;
    this.#rememberGroupLabels(labels, special);
    return false;
  }

  #sameGroupLabels(labels: LabelScratch, special: string | undefined): boolean {
    let k = 0;
    for (let i = 0; i < labels.count; i++) {
      const name = labels.names[i]!;
      if (name === special) continue;
      if (
        k >= this.#groupCount ||
        this.#groupNames[k] !== name ||
        this.#groupValues[k] !== labels.values[i]
      ) {
        return false;
      }
      k++;
    }
    return k === this.#groupCount;
  }

  #rememberGroupLabels(labels: LabelScratch, special: string | undefined): void {
    let k = 0;
    for (let i = 0; i < labels.count; i++) {
      const name = labels.names[i]!;
      if (name === special) continue;
      this.#groupNames[k] = name;
      this.#groupValues[k] = labels.values[i]!;
      k++;
    }
    this.#groupCount = k;
  }

  #histogramSample(suffix: string, le: string | undefined, value: number): void {
    if (suffix === '_bucket') {
      const bound = this.#bound(le!);
      if (bound === undefined) this.#fail('labels', `invalid le="${le}": expected a number or "+Inf"`);
      if (bound <= this.#lastLe)
        this.#fail('labels', `bucket le="${le}" must be above the previous bucket's le`);
      if (value < this.#lastBucket) {
        this.#fail(
          'value',
          `bucket le="${le}" counts ${value}, less than the bucket before it (${this.#lastBucket}); buckets are cumulative`,
        );
      }
      this.#lastLe = bound;
      this.#lastBucket = value;
      if (bound < 0) this.#hasNegativeBucket = true;
      if (bound === Number.POSITIVE_INFINITY) this.#infBucket = value;
    } else if (suffix === '_count' || suffix === '_gcount') this.#count = value;
    else if (suffix === '_sum' || suffix === '_gsum') this.#sum = value;
  }

  // Bucket bounds repeat in every metric of a histogram family: parse each spelling once.
  #bound(le: string): number | undefined {
    let bound = this.#bounds.get(le);
    if (bound === undefined && !this.#bounds.has(le)) {
      bound = parseLabelNumber(le);
      if (this.#bounds.size >= 1024) this.#bounds.clear();
      this.#bounds.set(le, bound);
    }
    return bound;
  }

  /** Checks the metric that just ended, if it is a histogram, and forgets it. */
  #endMetric(): void {
    if (this.#groupCount < 0) return;
    const type = this.#type;
    if (type === 'histogram' || type === 'gaugehistogram') this.#checkHistogram(type);
    this.#groupCount = -1;
    this.#lastLe = Number.NEGATIVE_INFINITY;
    this.#lastBucket = 0;
    this.#infBucket = undefined;
    this.#count = undefined;
    this.#sum = undefined;
    this.#hasNegativeBucket = false;
  }

  #checkHistogram(type: 'histogram' | 'gaugehistogram'): void {
    const [count, sum] = type === 'histogram' ? ['_count', '_sum'] : ['_gcount', '_gsum'];
    let problem: string | undefined;
    if (this.#infBucket === undefined) problem = 'ends without a bucket with le="+Inf"';
    else if ((this.#count === undefined) !== (this.#sum === undefined)) {
      problem = `must have both ${count} and ${sum}, or neither`;
    } else if (this.#count !== undefined && this.#count !== this.#infBucket) {
      problem = `has ${count} ${this.#count} but its +Inf bucket counts ${this.#infBucket}`;
    } else if (type === 'histogram' && this.#hasNegativeBucket && this.#sum !== undefined) {
      problem = `has buckets below zero, so it must not have ${sum}`;
    } else if (
      type === 'gaugehistogram' &&
      this.#sum !== undefined &&
      this.#sum < 0 &&
      !this.#hasNegativeBucket
    ) {
      problem = `has a negative ${sum} but no bucket below zero`;
    }
    if (problem !== undefined)
      this.#fail('line', `${type} "${this.#family}" ${describeKey(this.#groupKey)} ${problem}`);
  }
}

function allowsExemplar(type: MetricType, suffix: string): boolean {
  if (type === 'counter') return suffix === '_total';
  if (type === 'histogram' || type === 'gaugehistogram') return suffix === '_bucket';
  return false;
}

// The metric's identity: its labels without the special one, in name order, each string
// prefixed by its length so that no characters in names or values can make two keys equal.
function metricKey(labels: LabelScratch, special: string | undefined): string {
  const { names, values, count } = labels;
  let sorted = true;
  for (let i = 1; i < count; i++) {
    if (names[i - 1]! > names[i]!) {
      sorted = false;
      break;
    }
  }
  let order: number[] | undefined;
  if (!sorted) {
    order = Array.from({ length: count }, (_, i) => i);
    order.sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
  }
  let key = '';
  for (let k = 0; k < count; k++) {
    const i = order === undefined ? k : order[k]!;
    const name = names[i]!;
    if (name === special) continue;
    const value = values[i]!;
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/** `{a="1",b="2"}` from a metric key. */
function describeKey(key: string): string {
  const parts: string[] = [];
  for (let i = 0; i < key.length; ) {
    const strings: string[] = [];
    for (let s = 0; s < 2; s++) {
      const colon = key.indexOf(':', i);
      const length = Number(key.slice(i, colon));
      strings.push(key.slice(colon + 1, colon + 1 + length));
      i = colon + 1 + length;
    }
    parts.push(`${strings[0]}=${JSON.stringify(strings[1])}`);
  }
  return `{${parts.join(',')}}`;
}
