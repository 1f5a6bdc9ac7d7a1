import { isLegacyLabelName, isLegacyMetricName, type Matcher, METRIC_NAME } from '@pyrometer/model';
import type { AggregateExpr, AtModifier, BinaryExpr, DurationExpr, Expr, VectorSelector } from './ast.ts';
import { quoteString } from './strings.ts';

/** Formats a float as Go's strconv.FormatFloat(v, 'f', -1, 64), which Prometheus prints literals with. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, expText] = s.split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point =
    (mant.replace('-', '').indexOf('.') === -1
      ? mant.replace('-', '').length
      : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}

/** Prints milliseconds as a Prometheus duration (`1h30m`, `500ms`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const units: [string, number][] = [
    ['y', 31536000000],
    ['w', 604800000],
    ['d', 86400000],
    ['h', 3600000],
    ['m', 60000],
    ['s', 1000],
    ['ms', 1],
  ];
  let out = '';
  let rest = ms;
  for (const [u, size] of units) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

export function printDuration(d: DurationExpr): string {
  switch (d.kind) {
    case 'DurationLiteral':
      return d.unit ? formatDuration(d.ms) : formatNumber(d.ms / 1000);
    case 'DurationBinary':
      return `${printDuration(d.lhs)} ${d.op} ${printDuration(d.rhs)}`;
    case 'DurationUnary':
      return `${d.op}${printDuration(d.expr)}`;
    case 'DurationParen':
      return `(${printDuration(d.expr)})`;
    case 'DurationCall':
      return `${d.func}(${d.args.map(printDuration).join(', ')})`;
  }
}

function printLabelName(name: string): string {
  return isLegacyLabelName(name) ? name : quoteString(name);
}

function printMatcher(m: Matcher): string {
  return `${printLabelName(m.name)}${m.type}${quoteString(m.value)}`;
}

export function printSelectorBody(v: VectorSelector): string {
  const rest: string[] = [];
  let prefix = '';
  let nameDone = false;
  for (const m of v.matchers) {
    if (!nameDone && m.name === METRIC_NAME && m.type === '=' && m.value === v.name && v.name !== '') {
      nameDone = true;
      if (isLegacyMetricName(v.name)) prefix = v.name;
      else rest.unshift(quoteString(v.name));
      continue;
    }
    rest.push(printMatcher(m));
  }
  if (rest.length === 0 && prefix !== '') return prefix;
  return `${prefix}{${rest.join(', ')}}`;
}

function printAt(at: AtModifier | undefined): string {
  if (at === undefined) return '';
  if (at.kind === 'start') return ' @ start()';
  if (at.kind === 'end') return ' @ end()';
  return ` @ ${(at.ms / 1000).toFixed(3)}`;
}

function printOffset(d: DurationExpr | undefined): string {
  return d === undefined ? '' : ` offset ${printDuration(d)}`;
}

function printGrouping(labels: readonly string[]): string {
  return `(${labels.map(printLabelName).join(', ')})`;
}

function printBinaryModifiers(e: BinaryExpr): string {
  let s = e.returnBool ? ' bool' : '';
  const m = e.matching;
  if (m !== undefined) {
    if (m.explicit) s += ` ${m.on ? 'on' : 'ignoring'} ${printGrouping(m.labels)}`;
    if (m.card === 'many-to-one' || m.card === 'one-to-many') {
      s += m.card === 'many-to-one' ? ' group_left' : ' group_right';
      if (m.include.length > 0) s += ` ${printGrouping(m.include)}`;
    }
  }
  const f = e.fill;
  if (f !== undefined) {
    if (f.left !== undefined && f.right !== undefined && Object.is(f.left, f.right))
      s += ` fill(${formatNumber(f.left)})`;
    else {
      if (f.left !== undefined) s += ` fill_left(${formatNumber(f.left)})`;
      if (f.right !== undefined) s += ` fill_right(${formatNumber(f.right)})`;
    }
  }
  return s;
}

function aggregateHead(e: AggregateExpr): string {
  let s = e.op;
  if (e.hasGrouping) s += ` ${e.without ? 'without' : 'by'} ${printGrouping(e.grouping)} `;
  return s;
}

/** Prints an expression in PromQL's canonical one-line form; parsing it gives the same tree. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'NumberLiteral':
      return e.duration ? formatDuration(Math.round(e.value * 1000)) : formatNumber(e.value);
    case 'StringLiteral':
      return quoteString(e.value);
    case 'VectorSelector': {
      const mod = e.modifier === undefined ? '' : ` ${e.modifier}`;
      return printSelectorBody(e) + mod + printAt(e.at) + printOffset(e.offset);
    }
    case 'MatrixSelector': {
      const sel = e.selector;
      const mod = e.modifier === undefined ? '' : ` ${e.modifier}`;
      return `${printSelectorBody(sel)}[${printDuration(e.range)}]${mod}${printAt(sel.at)}${printOffset(sel.offset)}`;
    }
    case 'SubqueryExpr': {
      const step = e.step === undefined ? '' : printDuration(e.step);
      return `${printExpr(e.expr)}[${printDuration(e.range)}:${step}]${printAt(e.at)}${printOffset(e.offset)}`;
    }
    case 'ParenExpr':
      return `(${printExpr(e.expr)})`;
    case 'UnaryExpr':
      return `${e.op}${printExpr(e.expr)}`;
    case 'BinaryExpr':
      return `${printExpr(e.lhs)} ${e.op}${printBinaryModifiers(e)} ${printExpr(e.rhs)}`;
    case 'Call':
      return `${e.func}(${e.args.map(printExpr).join(', ')})`;
    case 'AggregateExpr': {
      const args = e.param === undefined ? printExpr(e.expr) : `${printExpr(e.param)}, ${printExpr(e.expr)}`;
      return `${aggregateHead(e)}(${args})`;
    }
  }
}

const INDENT = '  ';
const MAX_WIDTH = 100;

/**
 * The multi-line form Prometheus's `format_query` gives: an expression that fits in 100
 * characters at its indentation stays on one line; otherwise its operands, arguments or
 * inner expression go on their own lines, indented by two spaces.
 */
export function prettifyExpr(e: Expr, level = 0): string {
  const pad = INDENT.repeat(level);
  const flat = printExpr(e);
  if (pad.length + flat.length <= MAX_WIDTH) return pad + flat;
  switch (e.kind) {
    case 'ParenExpr':
      return `${pad}(\n${prettifyExpr(e.expr, level + 1)}\n${pad})`;
    case 'BinaryExpr':
      return `${prettifyExpr(e.lhs, level + 1)}\n${pad}${e.op}${printBinaryModifiers(e)}\n${prettifyExpr(e.rhs, level + 1)}`;
    case 'Call':
      return `${pad}${e.func}(\n${e.args.map((a) => prettifyExpr(a, level + 1)).join(',\n')}\n${pad})`;
    case 'AggregateExpr': {
      const args = e.param === undefined ? [e.expr] : [e.param, e.expr];
      return `${pad}${aggregateHead(e)}(\n${args.map((a) => prettifyExpr(a, level + 1)).join(',\n')}\n${pad})`;
    }
    case 'SubqueryExpr': {
      const step = e.step === undefined ? '' : printDuration(e.step);
      const inner = prettifyExpr(e.expr, level);
      return `${inner}[${printDuration(e.range)}:${step}]${printAt(e.at)}${printOffset(e.offset)}`;
    }
    default:
      return pad + flat;
  }
}
