import { spawn } from 'node:child_process';
import { Matcher } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { openTSDB } from '../src/index.ts';
import { drain, tempDir } from './helpers.ts';

const ROUNDS = 8;

function runUntilKilled(dir: string, ms: number, step: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@pyrometer/source',
        new URL('./crash-writer.ts', import.meta.url).pathname,
        dir,
        String(step),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let acked = 0;
    let buf = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked = Number(line.slice(4));
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Kill only once the writer is running, at a random point after that.
    const started = setInterval(() => {
      if (acked > 0) {
        clearInterval(started);
        setTimeout(() => child.kill('SIGKILL'), ms);
      }
    }, 5);
    child.on('exit', (_code, signal) => {
      clearInterval(started);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  // step 1 ms: everything stays in the head and WAL. step 60 s: the head spans 2h block
  // ranges every few commits, so kills also interrupt compactions and WAL checkpoints.
  it.each([
    ['the WAL', 1],
    ['compactions and checkpoints', 60_000],
  ])(
    `keeps every acknowledged sample across ${ROUNDS} SIGKILLs during %s`,
    { timeout: 60_000 },
    async (_what, step) => {
      const { dir, cleanup } = tempDir();
      try {
        let maxAcked = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const acked = await runUntilKilled(dir, 20 + Math.floor(Math.random() * 300), step);
          maxAcked = Math.max(maxAcked, acked);
          const db = openTSDB(dir, { logger: () => {}, retentionTime: 0, autoCompact: false });
          const all = db
            .querier(0, Number.MAX_SAFE_INTEGER)
            .select(true, undefined, new Matcher('=', '__name__', 'crash'));
          const series = drain(all);
          expect(series.length).toBe(20);
          for (const s of series) {
            // Every k in 1..maxAcked is there, once, at k × step with value k.
            const upTo = s.samples.filter(([t]) => t <= maxAcked * step);
            expect(upTo.length).toBe(maxAcked);
            expect(upTo.every(([t, v], i) => v === i + 1 && t === (i + 1) * step)).toBe(true);
          }
          if (step > 1 && round === ROUNDS - 1) expect(db.blocks.length).toBeGreaterThan(0);
          db.close();
        }
        expect(maxAcked).toBeGreaterThan(0);
      } finally {
        cleanup();
      }
    },
  );
});
