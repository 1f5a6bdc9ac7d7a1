#!/usr/bin/env node
// pnpm conformance:config [dir]: checks Prometheus's configuration test files (a copy of
// the shared conformance folder; the package's fixture copy by default).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConfigConformance } from './config-conformance.ts';

const dir = process.argv[2]
  ? resolve(process.argv[2])
  : fileURLToPath(new URL('../test/fixtures/config/prometheus', import.meta.url));
const report = await runConfigConformance(dir);
for (const line of report.lines) console.log(line);
const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
console.log(`${report.passed} passed, ${report.failed} failed${skipped}`);
process.exitCode = report.failed > 0 ? 1 : 0;
