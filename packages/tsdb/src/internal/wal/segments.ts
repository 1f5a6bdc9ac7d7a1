import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** As Prometheus: segment files are named by an 8-digit, zero-padded index. */
export function segmentName(dir: string, index: number): string {
  return join(dir, String(index).padStart(8, '0'));
}

/** Indices of the segment files in `dir`, ascending. */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The newest complete checkpoint: `checkpoint.N` covers every segment up to N. */
export function lastCheckpoint(dir: string): { dir: string; index: number } | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  let best: { dir: string; index: number } | undefined;
  for (const n of names) {
    const m = /^checkpoint\.(\d+)$/.exec(n);
    if (m === null) continue;
    const index = Number(m[1]);
    if (best === undefined || index > best.index) best = { dir: join(dir, n), index };
  }
  return best;
}

export function checkpointName(dir: string, index: number): string {
  return join(dir, `checkpoint.${String(index).padStart(8, '0')}`);
}
