import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The real Prometheus tools, when installed (CI installs Debian's `prometheus` package). */
export const PROMTOOL = '/usr/bin/promtool';
export const PROMETHEUS = '/usr/bin/prometheus';
export const hasPromtool = existsSync(PROMTOOL);
export const hasPrometheus = existsSync(PROMETHEUS);
export const SKIP_REASON = 'skipped: Prometheus binaries not installed (apt-get install prometheus)';

if (!hasPromtool || !hasPrometheus) console.warn(`tsdb interop tests ${SKIP_REASON}`);

export function promtool(...args: string[]): string {
  return execFileSync(PROMTOOL, args, {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Parses `promtool tsdb dump` lines: `{labels} value timestamp`. */
export function parseDump(out: string): Map<string, [number, string][]> {
  const series = new Map<string, [number, string][]>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const m = /^(\{.*\}) (\S+) (-?\d+)$/.exec(line);
    if (m === null) throw new Error(`unexpected dump line: ${line}`);
    const list = series.get(m[1]!) ?? [];
    list.push([Number(m[3]), m[2]!]);
    series.set(m[1]!, list);
  }
  return series;
}
