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

/** The complete checkpoints in `dir`: `checkpoint.N` covers every segment up to N. */
export function listCheckpoints(dir: string): { dir: string; index: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { dir: string; index: number }[] = [];
  for (const n of names) {
    const m = /^checkpoint\.(\d+)$/.exec(n);
    if (m !== null) out.push({ dir: join(dir, n), index: Number(m[1]) });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The newest complete checkpoint. */
export function lastCheckpoint(dir: string): { dir: string; index: number } | undefined {
  return listCheckpoints(dir).at(-1);
}

export function checkpointName(dir: string, index: number): string {
  return join(dir, `checkpoint.${String(index).padStart(8, '0')}`);
}
