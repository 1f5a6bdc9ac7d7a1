import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConfigConformance } from '../../bin/config-conformance.ts';

const BIN = fileURLToPath(new URL('../../bin/conformance-config.ts', import.meta.url));

describe('pnpm conformance:config', () => {
  it("passes Prometheus's configuration test files", async () => {
    const dir = fileURLToPath(new URL('../fixtures/config/prometheus', import.meta.url));
    const report = await runConfigConformance(dir);
    expect(report.lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThanOrEqual(210);
    expect(report.skipped).toBe(37);
  });

  it('prints one line per failure, ends with the totals and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-conformance-'));
    mkdirSync(join(dir, 'config/testdata'), { recursive: true });
    writeFileSync(join(dir, 'config/testdata/fine.bad.yml'), 'global: {}\n');
    writeFileSync(join(dir, 'config/testdata/ok.good.yml'), 'global: {}\n');
    writeFileSync(
      join(dir, 'expected-outcomes.json'),
      JSON.stringify({
        'config/testdata': [{ file: 'fine.bad.yml', expect: 'error', error_contains: 'boom' }],
        'config/testdata (special modes)': [],
      }),
    );
    let output = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['--conditions=@pyrometer/source', BIN, dir], { encoding: 'utf8' });
    } catch (err) {
      const failed = err as { stdout: string; status: number };
      output = failed.stdout;
      status = failed.status;
    }
    expect(status).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      'FAIL fine.bad.yml: expected an error containing "boom", got loaded',
      '1 passed, 1 failed',
    ]);
  });
});
