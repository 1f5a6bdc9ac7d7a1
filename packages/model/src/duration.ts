const UNITS_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

// Units in the order Prometheus requires them, each at most once: 1h30m, not 30m1h.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/**
 * Parses a Prometheus duration (`5m`, `1h30m`, `2d`, `500ms`, `0`) into milliseconds, as
 * the configuration file and the HTTP API accept them. Throws with Prometheus's wording.
 */
export function parseDuration(text: string): number {
  if (text === '') throw new Error('empty duration string');
  if (text === '0') return 0;
  const m = DURATION.exec(text);
  if (m === null || m.slice(1).every((g) => g === undefined))
    throw new Error(`not a valid duration string: "${text}"`);
  let ms = 0;
  ORDER.forEach((unit, i) => {
    const count = m[i + 1];
    if (count !== undefined) ms += Number(count) * UNITS_MS[unit]!;
  });
  if (!Number.isSafeInteger(ms)) throw new Error(`duration out of range: "${text}"`);
  return ms;
}

/** Formats milliseconds as Prometheus prints durations: `1h30m`, `5m`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const unit of ORDER) {
    const size = UNITS_MS[unit]!;
    // As Prometheus: weeks and years only when they divide the whole duration exactly.
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
