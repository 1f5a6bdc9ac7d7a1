import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, loadConfigFile } from '../src/index.ts';

/** One entry of `expected-outcomes.json` (written for this project from Prometheus's Go tests). */
interface Expectation {
  file: string;
  expect?: 'ok' | 'error';
  mode?: 'agent';
  error_contains?: string;
  error_contains_all?: string[];
  note?: string;
}

export interface ConformanceReport {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure, then one per skipped category. */
  lines: string[];
}

const CONFIG_LISTS = ['config/testdata', 'config/testdata (special modes)'];
// Rule files and promtool unit tests join this runner with the rules issue.
const LATER_LISTS = ['model/rulefmt/testdata', 'cmd/promtool/testdata (rule unit tests)'];

/**
 * Checks every configuration file of `dir` (a copy of the shared conformance folder)
 * against its expected outcome: good files load, bad files are refused with the error
 * text Prometheus's tests look for.
 */
export async function runConfigConformance(dir: string): Promise<ConformanceReport> {
  const outcomes = JSON.parse(readFileSync(join(dir, 'expected-outcomes.json'), 'utf8')) as Record<
    string,
    Expectation[] | string
  >;
  const testdata = join(dir, 'config/testdata');
  const report: ConformanceReport = { passed: 0, failed: 0, skipped: 0, lines: [] };
  const listed = new Set<string>();
  const expectations: Expectation[] = [];
  for (const list of CONFIG_LISTS) {
    for (const e of outcomes[list] as Expectation[]) {
      listed.add(e.file);
      expectations.push(e);
    }
  }
  for (const file of goodFiles(testdata)) {
    if (!listed.has(file)) expectations.push({ file, expect: 'ok' });
  }
  for (const e of expectations) {
    const failure = await check(testdata, e);
    if (failure === undefined) report.passed++;
    else {
      report.failed++;
      report.lines.push(failure);
    }
  }
  for (const list of LATER_LISTS) {
    const entries = outcomes[list];
    if (!Array.isArray(entries)) continue;
    report.skipped += entries.length;
    report.lines.push(`skipped: ${list} (${entries.length} entries; they join with the rules issue)`);
  }
  return report;
}

async function check(testdata: string, e: Expectation): Promise<string | undefined> {
  const wantsError = e.expect === 'error' || (e.expect === undefined && !e.file.includes('.good.'));
  const expected = wantsError ? describeExpectedError(e) : 'loads';
  let got: string;
  try {
    await loadConfigFile(join(testdata, e.file), {
      filename: `testdata/${e.file}`,
      baseDir: testdata,
      agentMode: e.mode === 'agent',
    });
    if (!wantsError) return undefined;
    got = 'loaded';
  } catch (err) {
    if (!(err instanceof ConfigError)) got = `unexpected ${(err as Error).stack ?? String(err)}`;
    else if (!wantsError) got = err.message;
    else {
      const wanted = e.error_contains_all ?? (e.error_contains === undefined ? [] : [e.error_contains]);
      if (wanted.every((text) => err.message.includes(text))) return undefined;
      got = err.message;
    }
  }
  return `FAIL ${e.file}${e.mode ? ` (${e.mode} mode)` : ''}: expected ${expected}, got ${got}`;
}

function describeExpectedError(e: Expectation): string {
  if (e.error_contains_all !== undefined)
    return `an error containing ${e.error_contains_all.map((t) => JSON.stringify(t)).join(' and ')}`;
  if (e.error_contains !== undefined) return `an error containing ${JSON.stringify(e.error_contains)}`;
  return 'an error';
}

/**
 * Every `*.good.yml` under the test-data folder, as paths relative to it. This includes
 * `rules_abs_path_windows.good.yml`, which the shared README documents as Windows-only:
 * elsewhere its `\`-separated paths are odd relative names, and it loads as in Prometheus.
 */
function goodFiles(testdata: string): string[] {
  return readdirSync(testdata, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.good.yml'))
    .map((file) => relative(testdata, join(testdata, file)))
    .sort();
}
