import { escapeLabelValue } from '@pyrometer/exposition';

/**
 * Renders label pairs as they appear between the braces of a sample line: `a="x",b="y"`.
 * A pair with an empty value is left out: Prometheus treats an empty label as an absent one.
 */
export function renderLabelPairs(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const value = values[i]!;
    if (value === '') continue;
    if (out !== '') out += ',';
    out += `${names[i]!}="${escapeLabelValue(value)}"`;
  }
  return out;
}

/** Joins two rendered label-pair lists, either of which may be empty. */
export function joinLabelPairs(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return `${a},${b}`;
}

/** The `{...}` block of a sample line, or nothing when there are no labels. */
export function labelBlock(pairs: string): string {
  return pairs === '' ? '' : `{${pairs}}`;
}
