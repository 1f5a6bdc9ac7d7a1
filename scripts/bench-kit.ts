/**
 * The few pieces every package benchmark shares: timing a function for long enough to be
 * stable, and printing ours-vs-baseline rows as one markdown table.
 */

export interface Measurement {
  /** Calls per second. */
  hz: number;
  calls: number;
  ms: number;
}

/** Runs `fn` repeatedly: `warmupMs` unmeasured, then at least `minMs` measured. */
export function measure(fn: () => unknown, { minMs = 1500, warmupMs = 300 } = {}): Measurement {
  let sink: unknown;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) sink = fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  // Bounded: stops after minMs of wall time.
  while (now - start < minMs) {
    sink = fn();
    calls++;
    now = performance.now();
  }
  keep(sink);
  const ms = now - start;
  return { hz: (calls * 1000) / ms, calls, ms };
}

let kept: unknown;
function keep(value: unknown): void {
  kept = value;
  if (kept === Symbol.for('never')) console.log(kept);
}

export interface ComparisonRow {
  case: string;
  /** What the figures count, e.g. "samples/s" or "ops/s". Higher is better. */
  unit: string;
  ours: number;
  baseline: number;
  /** The minimum ours/baseline ratio the issue sets as target, if any. */
  target?: number;
}

/** Prints a markdown table: case, ours, baseline, ratio, and whether the target is met. */
export function printComparison(title: string, baselineName: string, rows: readonly ComparisonRow[]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| case | unit | pyrometer | ${baselineName} | ratio | target |`);
  console.log('| --- | --- | ---: | ---: | ---: | --- |');
  for (const row of rows) {
    const ratio = row.ours / row.baseline;
    const target =
      row.target === undefined ? '' : `${ratio >= row.target ? 'met' : 'MISSED'} (≥${row.target}x)`;
    console.log(
      `| ${row.case} | ${row.unit} | ${formatCount(row.ours)} | ${formatCount(row.baseline)} | ${ratio.toFixed(2)}x | ${target} |`,
    );
  }
}

/** Prints figures that have no baseline. */
export function printFigures(
  title: string,
  rows: readonly { case: string; unit: string; value: number }[],
): void {
  console.log(`\n### ${title}\n`);
  console.log('| case | unit | pyrometer |');
  console.log('| --- | --- | ---: |');
  for (const row of rows) console.log(`| ${row.case} | ${row.unit} | ${formatCount(row.value)} |`);
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(1);
}
