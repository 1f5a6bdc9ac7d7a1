import type { Labels } from '@pyrometer/model';
import { quoteString } from '../parser/strings.ts';

/** A label set as Prometheus's labels.String prints it: `{__name__="up", job="x"}`. */
export function formatLabels(labels: Labels): string {
  const parts: string[] = [];
  labels.forEach((n, v) => {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) ? n : quoteString(n);
    parts.push(`${name}=${quoteString(v)}`);
  });
  return `{${parts.join(', ')}}`;
}
