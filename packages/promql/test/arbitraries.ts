import fc from 'fast-check';

/** Random PromQL text that is mostly (not always) well-typed, for fuzzing parser and engine. */
const name = fc.constantFrom('foo', 'bar_total', 'x:y', 'up', 'http_requests_total');
const label = fc.constantFrom('job', 'instance', 'le', 'a');
const duration = fc.constantFrom('1s', '30s', '5m', '1h', '1d', '1h30m', '100ms');
const value = fc.string({ maxLength: 6 });

const selector = fc
  .tuple(name, fc.array(fc.tuple(label, fc.constantFrom('=', '!=', '=~', '!~'), value), { maxLength: 3 }))
  .map(([n, ms]) => {
    const body = ms.map(
      ([l, op, v]) =>
        `${l}${op}${JSON.stringify(op.includes('~') ? v.replace(/[\\[\](){}*+?.|^$]/g, '') : v)}`,
    );
    return body.length > 0 ? `${n}{${body.join(',')}}` : n;
  });

const { expr: exprArbitrary } = fc.letrec<{ expr: string; vector: string; scalar: string }>((tie) => ({
  scalar: fc.oneof(
    { depthSize: 'small' },
    fc
      .double({ noNaN: false })
      .map((v) => (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf')),
    fc.integer().map(String),
    fc.constant('time()'),
    tie('vector').map((v) => `scalar(${v})`),
  ),
  vector: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    selector,
    fc.tuple(selector, duration).map(([s, d]) => `rate(${s}[${d}])`),
    fc.tuple(selector, duration, duration).map(([s, a, b]) => `max_over_time(${s}[${a}:${b}])`),
    fc.tuple(selector, duration).map(([s, d]) => `${s} offset ${d}`),
    fc
      .tuple(fc.constantFrom('sum', 'avg', 'count', 'max', 'stddev', 'group'), label, tie('vector'))
      .map(([op, l, v]) => `${op} by (${l}) (${v})`),
    fc.tuple(tie('scalar'), tie('vector')).map(([k, v]) => `topk(${k}, ${v})`),
    fc
      .tuple(
        tie('vector'),
        fc.constantFrom('+', '-', '*', '/', '%', '^', 'atan2', '==', '>', '<='),
        tie('vector'),
      )
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(tie('vector'), fc.constantFrom('and', 'or', 'unless'), tie('vector'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('vector'), tie('scalar')).map(([a, s]) => `${a} * ${s}`),
    fc.tuple(tie('vector'), label, tie('vector')).map(([a, l, b]) => `${a} + on(${l}) group_left ${b}`),
    tie('vector').map((v) => `(${v})`),
    tie('vector').map((v) => `-${v}`),
    fc
      .tuple(fc.constantFrom('abs', 'ceil', 'sort', 'timestamp', 'ln', 'absent'), tie('vector'))
      .map(([f, v]) => `${f}(${v})`),
    fc.tuple(tie('vector'), label).map(([v, l]) => `label_replace(${v}, "${l}", "$1", "${l}", "(.*)")`),
  ),
  expr: fc.oneof(tie('vector'), tie('scalar')),
}));

export { exprArbitrary };

/** An AST with positions left out, so trees from different texts compare equal. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value !== null && typeof value === 'object') {
    if (value.constructor !== Object) return String(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'pos') out[k] = withoutPositions(v);
    return out;
  }
  return value;
}
