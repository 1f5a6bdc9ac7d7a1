import type { Labels } from './labels.ts';

/**
 * What service discovery hands the scraper: a set of targets that share labels. Each target
 * is a label set that normally holds `__address__`; `labels` apply to every target unless a
 * target sets the same name. `source` identifies the group within its provider, so that a
 * later update with the same source replaces it (an update with no targets removes it).
 */
export interface TargetGroup {
  source: string;
  targets: Labels[];
  labels: Labels;
}
