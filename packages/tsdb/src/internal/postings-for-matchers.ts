import type { Matcher } from '@pyrometer/model';
import { intersect, union } from './head/postings.ts';

/** What the matcher planner needs from an inverted index (the head's or a block's). */
export interface PostingsIndex {
  /** Sorted refs of series with `name="value"`, or undefined when there are none. */
  postings(name: string, value: string): Uint32Array | undefined;
  /** Every value `name` has (any order). */
  labelValues(name: string): Iterable<string>;
  /** Sorted refs of every series. */
  allPostings(): Uint32Array;
}

/**
 * The refs of series that may match: intersects the postings of every matcher that cannot
 * match a missing label. Matchers that also match the empty string (`a=""`, `a!="x"`,
 * `a=~".*"`) narrow nothing here; the caller checks every matcher against each series'
 * labels. `=` and regexes that are literal alternations look values up directly; other
 * regexes test each value of the label once, never each series.
 */
export function postingsForMatchers(ix: PostingsIndex, matchers: readonly Matcher[]): Uint32Array {
  let result: Uint32Array | undefined;
  const ordered = [...matchers].sort((a, b) => rank(a) - rank(b));
  for (const m of ordered) {
    if (m.matchesEmpty()) continue;
    const set = m.type === '=' || m.type === '=~' ? m.setMatches() : undefined;
    const lists: Uint32Array[] = [];
    if (set !== undefined) {
      for (const v of set) {
        const p = ix.postings(m.name, v);
        if (p !== undefined) lists.push(p);
      }
    } else {
      for (const v of ix.labelValues(m.name)) {
        if (!m.matches(v)) continue;
        const p = ix.postings(m.name, v);
        if (p !== undefined) lists.push(p);
      }
    }
    const p = union(lists);
    result = result === undefined ? p : intersect(result, p);
    if (result.length === 0) return result;
  }
  return result ?? ix.allPostings();
}

// Cheap, selective matchers first, so later intersections start from a short list.
function rank(m: Matcher): number {
  if (m.type === '=') return 0;
  if (m.setMatches() !== undefined && m.type === '=~') return 1;
  return 2;
}
