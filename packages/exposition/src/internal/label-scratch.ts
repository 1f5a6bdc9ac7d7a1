import { compareStrings } from '@pyrometer/model';

/**
 * Reusable storage for the labels of the current line: parallel name and value arrays and a
 * count, so that reading a line allocates no arrays and no pair objects.
 */
export class LabelScratch {
  readonly names: string[] = [];
  readonly values: string[] = [];
  count = 0;

  push(name: string, value: string): void {
    this.names[this.count] = name;
    this.values[this.count] = value;
    this.count++;
  }

  /** The value of `name`, or undefined when the line has no such label. */
  get(name: string): string | undefined {
    for (let i = 0; i < this.count; i++) if (this.names[i] === name) return this.values[i];
    return undefined;
  }

  indexOf(name: string): number {
    for (let i = 0; i < this.count; i++) if (this.names[i] === name) return i;
    return -1;
  }

  /**
   * Writes the labels into `out` as interleaved [name, value, ...], preceded by
   * `__name__` = `metricName` when given, sorted by name (code point order, as `Labels`).
   * `out` is truncated to what was written.
   */
  writeSorted(out: string[], metricName: string | undefined): string[] {
    let k = 0;
    if (metricName !== undefined) {
      out[k++] = '__name__';
      out[k++] = metricName;
    }
    for (let i = 0; i < this.count; i++) {
      out[k++] = this.names[i]!;
      out[k++] = this.values[i]!;
    }
    // Assigning length goes through a slow setter even when it does not change.
    if (out.length !== k) out.length = k;
    sortPairs(out);
    return out;
  }
}

// Insertion sort over name/value pairs: exposed label sets are short and nearly always
// already sorted, which makes this one comparison per label.
export function sortPairs(flat: string[]): void {
  for (let i = 2; i < flat.length; i += 2) {
    const name = flat[i]!;
    if (compareStrings(flat[i - 2]!, name) <= 0) continue;
    const value = flat[i + 1]!;
    let j = i - 2;
    while (j >= 0 && compareStrings(flat[j]!, name) > 0) {
      flat[j + 2] = flat[j]!;
      flat[j + 3] = flat[j + 1]!;
      j -= 2;
    }
    flat[j + 2] = name;
    flat[j + 3] = value;
  }
}
