import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Querier, SeriesSet } from '@pyrometer/model';
import { Matcher, ValueType } from '@pyrometer/model';
import { afterEach } from 'vitest';

export function tempDir(prefix = 'pyrometer-tsdb-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For a test file: returns a `dir()` that makes a temporary directory, removed after the
 * test that made it.
 */
export function tempDirsPerTest(): () => string {
  let cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  return () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  };
}

export interface DumpedSeries {
  labels: string;
  samples: [number, number][];
}

export function drain(set: SeriesSet): DumpedSeries[] {
  const out: DumpedSeries[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, number][] = [];
    while (it.next() === ValueType.Float) samples.push([it.t(), it.value()]);
    if (it.err() !== undefined) throw it.err();
    out.push({ labels: s.labels.toString(), samples });
  }
  return out;
}

export async function selectAll(q: Querier, ...matchers: Matcher[]): Promise<DumpedSeries[]> {
  const ms = matchers.length > 0 ? matchers : [new Matcher('=~', '__name__', '.+')];
  return drain(await q.select(true, undefined, ...ms));
}
