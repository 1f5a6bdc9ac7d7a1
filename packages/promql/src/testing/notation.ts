import { type FloatHistogram, Labels, METRIC_NAME } from '@pyrometer/model';
import { addHistograms } from '../engine/histogram-math.ts';
import { parseExpr } from '../parser/parser.ts';
import { parseHistogramLiteral } from './histogram-literal.ts';

/** One position of a series line: a float, a stale marker, nothing, or a histogram literal. */
export type SeriesItem =
  | { kind: 'float'; value: number }
  | { kind: 'stale' }
  | { kind: 'none' }
  | { kind: 'histogram'; value: FloatHistogram; hintGiven: boolean };

const FLOAT = String.raw`[+-]?(?:[Ii]nf|NaN|nan|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)`;
const ITEM = new RegExp(`^(${FLOAT})(?:([+-])(${FLOAT})x(\\d+)|x(\\d+))?$`);
const BLANKS = /^_(?:x(\d+))?$/;

export function parseFloatLiteral(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return Number.NaN;
  const v = Number(text);
  if (Number.isNaN(v)) throw new Error(`invalid number "${text}"`);
  return v;
}

/** Splits value items on whitespace, keeping `{{ ... }}` histogram literals whole. */
export function splitItems(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) {
      if (text.startsWith('{{', j)) {
        const close = text.indexOf('}}', j);
        j = close < 0 ? text.length : close + 2;
      } else j++;
    }
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

/** Expands value items (`1+2x3`, `_x2`, `stale`, ...) into one entry per step. */
export function expandItems(items: string[]): SeriesItem[] {
  const out: SeriesItem[] = [];
  for (const item of items) {
    if (item.includes('{{')) {
      out.push(...expandHistogramItem(item));
      continue;
    }
    if (item === 'stale') {
      out.push({ kind: 'stale' });
      continue;
    }
    const blank = BLANKS.exec(item);
    if (blank !== null) {
      const n = blank[1] === undefined ? 1 : Number(blank[1]);
      for (let i = 0; i < n; i++) out.push({ kind: 'none' });
      continue;
    }
    const m = ITEM.exec(item);
    if (m === null) throw new Error(`invalid value item "${item}"`);
    const start = parseFloatLiteral(m[1]!);
    if (m[5] !== undefined) {
      for (let i = 0; i <= Number(m[5]); i++) out.push({ kind: 'float', value: start });
    } else if (m[2] !== undefined) {
      const delta = parseFloatLiteral(m[3]!) * (m[2] === '-' ? -1 : 1);
      // As the upstream notation: each value is the previous one plus the step.
      let v = start;
      for (let i = 0; i <= Number(m[4]); i++) {
        out.push({ kind: 'float', value: v });
        v += delta;
      }
    } else {
      out.push({ kind: 'float', value: start });
    }
  }
  return out;
}

/** Splits `metric{a="b"} 1 2 3` into the label set and the value text. */
export function parseSeriesLine(line: string): { labels: Labels; rest: string } {
  let i = 0;
  while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i]!)) i++;
  if (line[i] === '{') {
    let inQuote: string | undefined;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (inQuote !== undefined) {
        if (c === '\\') i++;
        else if (c === inQuote) inQuote = undefined;
      } else if (c === '"' || c === "'" || c === '`') inQuote = c;
      else if (c === '}') {
        i++;
        break;
      }
    }
  }
  const head = line.slice(0, i);
  const rest = line.slice(i);
  return { labels: parseLabelSet(head), rest };
}

function parseLabelSet(text: string): Labels {
  if (text === '{}') return Labels.EMPTY;
  const e = parseExpr(text);
  if (e.kind !== 'VectorSelector') throw new Error(`invalid series "${text}"`);
  const pairs: [string, string][] = [];
  for (const m of e.matchers) {
    if (m.type !== '=') throw new Error(`invalid series "${text}": only "=" is allowed`);
    if (m.name === METRIC_NAME && pairs.some(([n]) => n === METRIC_NAME)) continue;
    pairs.push([m.name, m.value]);
  }
  return Labels.from(pairs);
}

// `{{h}}`, `{{h}}xN` (N+1 copies) and `{{h}}+{{d}}xN` / `{{h}}-{{d}}xN` (h, h±d, ...).
function expandHistogramItem(item: string): SeriesItem[] {
  const m = /^(\{\{.*?\}\})(?:([+-])(\{\{.*?\}\}))?(?:x(\d+))?$/.exec(item);
  if (m === null) throw new Error(`invalid histogram item "${item}"`);
  const base = parseHistogramLiteral(m[1]!);
  const n = m[4] === undefined ? 0 : Number(m[4]);
  const out: SeriesItem[] = [];
  if (m[3] === undefined) {
    for (let i = 0; i <= n; i++)
      out.push({ kind: 'histogram', value: base.histogram, hintGiven: base.hintGiven });
    return out;
  }
  const delta = parseHistogramLiteral(m[3]).histogram;
  let h = base.histogram;
  for (let i = 0; i <= n; i++) {
    out.push({ kind: 'histogram', value: h, hintGiven: base.hintGiven });
    h = {
      ...addHistograms(h, delta, m[2] === '-' ? -1 : 1),
      counterResetHint: base.histogram.counterResetHint,
    };
  }
  return out;
}
