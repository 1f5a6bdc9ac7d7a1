/**
 * Formats a float as Go's strconv.FormatFloat(v, 'g', -1, 64) does, which is how Prometheus
 * and its Go client write sample values and `le`/`quantile` label values: the shortest digits
 * that round-trip, in exponent form when the decimal exponent is below -4 or 6 and above
 * (so 1e+06, 1.234567e+06, 123456.7, 0.0001, 1e-05).
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return Object.is(v, -0) ? '-0' : String(v);
  // toExponential() with no argument gives the shortest round-tripping digits: "d.ddde+x".
  const exp = v.toExponential();
  const e = exp.indexOf('e');
  const exponent = Number(exp.slice(e + 1));
  if (exponent >= -4 && exponent < 6) return String(v);
  const sign = exponent < 0 ? '-' : '+';
  const abs = Math.abs(exponent);
  return `${exp.slice(0, e)}e${sign}${abs < 10 ? '0' : ''}${abs}`;
}
