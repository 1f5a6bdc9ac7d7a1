import type { CommandClass, CommandOutcome } from './runner.ts';

export const CLASSES: CommandClass[] = ['stable', 'experimental', 'native-histograms', 'start-timestamps'];

export interface FileOutcomes {
  file: string;
  outcomes: CommandOutcome[];
}

/** The conformance report: failing commands with expected vs got, then counts per class. */
export function formatReport(files: FileOutcomes[], showSkipped = false): { text: string; failed: number } {
  const lines: string[] = [];
  const counts = new Map(CLASSES.map((c) => [c, { passed: 0, failed: 0, skipped: 0 }]));
  for (const { file, outcomes } of files) {
    for (const o of outcomes) {
      counts.get(o.class)![o.status]++;
      if (o.status === 'failed') lines.push(`FAIL ${file}:${o.line}: ${o.text}\n  ${o.message ?? ''}`);
      else if (o.status === 'skipped' && showSkipped) {
        lines.push(`SKIP (${o.class}) ${file}:${o.line}: ${o.text}\n  ${o.message ?? ''}`);
      }
    }
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const [cls, c] of counts) {
    lines.push(`${cls}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  }
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { text: lines.join('\n'), failed };
}
