import { renderLabelPairs } from './label-pairs.ts';

/** A registry's default labels, added to every sample whose metric does not have the label itself. */
export interface DefaultLabels {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

export const NO_DEFAULT_LABELS: DefaultLabels = { names: [], values: [] };

export function renderDefaultLabelPairs(defaults: DefaultLabels, own: readonly string[]): string {
  if (defaults.names.length === 0) return '';
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < defaults.names.length; i++) {
    if (own.includes(defaults.names[i]!)) continue;
    names.push(defaults.names[i]!);
    values.push(defaults.values[i]!);
  }
  return renderLabelPairs(names, values);
}
