import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatReport, runTestScript } from '../src/index.ts';

// Runs the PromQL test scripts: `pnpm conformance:promql [files or dirs]`, by default the
// package's copy of the upstream scripts.
const defaultDir = resolve(import.meta.dirname, '../test/fixtures/promql');
// `--show-skipped` also lists the skipped commands with what they got, to see what remains.
const showSkipped = process.argv.includes('--show-skipped');
const targets = process.argv.slice(2).filter((a) => a !== '--show-skipped');
const files: string[] = [];
for (const target of targets.length > 0 ? targets : [defaultDir]) {
  const path = resolve(target);
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) if (name.endsWith('.test')) files.push(join(path, name));
  } else {
    files.push(path);
  }
}

const results = [];
for (const file of files) {
  const name = relative(process.cwd(), file);
  try {
    results.push({ file: name, outcomes: await runTestScript(readFileSync(file, 'utf8')) });
  } catch (e) {
    results.push({
      file: name,
      outcomes: [
        {
          line: 0,
          text: '(script)',
          class: 'stable' as const,
          status: 'failed' as const,
          message: (e as Error).message,
        },
      ],
    });
  }
}
const report = formatReport(results, showSkipped);
console.log(report.text);
process.exitCode = report.failed > 0 ? 1 : 0;
