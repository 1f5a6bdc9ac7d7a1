const UNITS: Record<string, number> = { B: 1 };
['K', 'M', 'G', 'T', 'P', 'E'].forEach((prefix, i) => {
  const size = 1024 ** (i + 1);
  UNITS[`${prefix}B`] = size;
  UNITS[`${prefix}iB`] = size;
});

/**
 * Parses a size as Prometheus's configuration does (`units.ParseBase2Bytes`): a number,
 * possibly fractional, with a unit (`B`, `KB`/`KiB` … `EB`/`EiB`, all powers of 1024), or
 * a bare `0`. Returns bytes, or the error text Prometheus gives.
 */
export function parseByteSize(text: string): number | string {
  if (text === '0') return 0;
  const m = /^([+-]?)(\d*\.?\d*)([A-Za-z]*)$/.exec(text);
  if (m === null || m[2] === '' || m[2] === '.') return `units: invalid unit value: "${text}"`;
  const unit = UNITS[m[3]!];
  if (unit === undefined) return `units: unknown unit ${m[3]} in ${text}`;
  const bytes = Math.floor(Number(m[2]) * unit);
  return m[1] === '-' ? -bytes : bytes;
}
