import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '@pyrometer/model';
import { describe, expect, it, vi } from 'vitest';
import { openTSDB, type TSDB, type TSDBMetrics } from '../src/index.ts';
import { isUlid } from '../src/internal/ulid.ts';
import { FaultyFiles } from './faulty-files.ts';
import { type DumpedSeries, selectAll, tempDirsPerTest } from './helpers.ts';

const dir = tempDirsPerTest();

/** A short block range keeps every block small: a few series, a few hundred samples. */
const R = 10_000;
const STEP = 100;
const SERIES = [0, 1, 2].map((i) => Labels.from({ __name__: 'fault', i: String(i) }));
const value = (i: number, t: number) => t / STEP + 1000 * i;

async function appendRange(db: TSDB, from: number, to: number): Promise<void> {
  const app = db.appender();
  for (let t = from; t < to; t += STEP)
    for (const [i, l] of SERIES.entries()) app.append(0 as never, l, 0, t, value(i, t));
  await app.commit();
}

/** What a select over everything must return after appending [0, to), less `deleted` of series 1. */
function appended(to: number, deleted?: [number, number]): DumpedSeries[] {
  return SERIES.map((l, i) => {
    const samples: [number, number][] = [];
    for (let t = 0; t < to; t += STEP) {
      if (i === 1 && deleted !== undefined && t >= deleted[0] && t <= deleted[1]) continue;
      samples.push([t, value(i, t)]);
    }
    return { labels: l.toString(), samples };
  });
}

async function dump(db: TSDB): Promise<DumpedSeries[]> {
  const q = db.querier(0, Number.MAX_SAFE_INTEGER);
  try {
    return await selectAll(q);
  } finally {
    q.close();
  }
}

/** Temporary files, and block directories without meta.json, anywhere in a data directory. */
function leftovers(d: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(d)) {
    if (name.includes('.tmp')) out.push(name);
    if (!isUlid(name)) continue;
    if (!existsSync(join(d, name, 'meta.json'))) out.push(`${name} without meta.json`);
    for (const f of readdirSync(join(d, name))) if (f.includes('.tmp')) out.push(`${name}/${f}`);
  }
  const wal = join(d, 'wal');
  for (const name of existsSync(wal) ? readdirSync(wal) : [])
    if (name.includes('.tmp')) out.push(`wal/${name}`);
  return out;
}

const quietOptions = { autoCompact: false, blockRange: R, retentionTime: 0 };

interface Scenario {
  name: string;
  /** Brings the database to where the operation has work to do; returns what a select shows. */
  setup(db: TSDB, d: string): Promise<DumpedSeries[]>;
  operation(db: TSDB, d: string): Promise<unknown>;
  /** The counters that count a failure of the operation (none: it has no metric). */
  failed: (keyof TSDBMetrics)[];
  /** After a failure, what the operation would have written is not there. */
  afterFailure?(db: TSDB, d: string): void;
  /** After the retry, the operation's result is there; a select shows `expected`. */
  afterSuccess(db: TSDB, d: string, expected: DumpedSeries[]): Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: 'head compaction',
    setup: async (db) => {
      await appendRange(db, 0, 1.6 * R);
      return appended(1.6 * R);
    },
    operation: (db) => db.compact(),
    failed: ['prometheus_tsdb_compactions_failed_total', 'prometheus_tsdb_checkpoint_creations_failed_total'],
    afterSuccess: async (db) => {
      expect(db.blocks.map((b) => [b.minTime, b.maxTime])).toEqual([[0, R]]);
    },
  },
  {
    name: 'leveled compaction',
    setup: async (db) => {
      await appendRange(db, 0, 4.6 * R);
      for (let k = 0; k < 4; k++) await db.persistHead(k * R, (k + 1) * R);
      return appended(4.6 * R);
    },
    operation: (db) => db.compactBlocks(),
    failed: ['prometheus_tsdb_compactions_failed_total'],
    afterFailure: (db) => {
      expect(db.blocks.map((b) => b.meta.compaction.level)).toEqual([1, 1, 1, 1]);
    },
    afterSuccess: async (db) => {
      expect(db.blocks.map((b) => [b.minTime, b.maxTime, b.meta.compaction.level])).toEqual([
        [0, 3 * R, 2],
        [3 * R, 4 * R, 1],
      ]);
    },
  },
  {
    name: 'WAL checkpoint',
    setup: async (db) => {
      await appendRange(db, 0, 1.6 * R);
      await db.compact();
      await appendRange(db, 1.6 * R, 2.2 * R);
      return appended(2.2 * R);
    },
    // Checkpoints everything up to the current segment, dropping only what the block holds.
    operation: (db) => db.truncateHead(R),
    failed: ['prometheus_tsdb_checkpoint_creations_failed_total'],
    afterSuccess: async (_db, d) => {
      const wal = readdirSync(join(d, 'wal'));
      expect(wal.filter((n) => n.startsWith('checkpoint.'))).toHaveLength(1);
      const cp = Number(wal.find((n) => n.startsWith('checkpoint.'))!.slice('checkpoint.'.length));
      expect(wal.filter((n) => /^\d+$/.test(n) && Number(n) <= cp)).toEqual([]);
    },
  },
  {
    name: 'tombstone cleaning',
    setup: async (db) => {
      await appendRange(db, 0, 1.6 * R);
      await db.compact();
      await db.delete(0.2 * R, 0.5 * R, new Matcher('=', 'i', '1'));
      return appended(1.6 * R, [0.2 * R, 0.5 * R]);
    },
    operation: (db) => db.cleanTombstones(),
    failed: ['prometheus_tsdb_compactions_failed_total'],
    afterFailure: (db) => {
      expect(db.blocks.map((b) => b.tombstones.size)).toEqual([1]);
    },
    afterSuccess: async (db) => {
      expect(db.blocks.map((b) => b.tombstones.size)).toEqual([0]);
    },
  },
  {
    name: 'snapshot',
    setup: async (db) => {
      await appendRange(db, 0, 1.6 * R);
      await db.compact();
      return appended(1.6 * R);
    },
    operation: (db, d) => db.snapshot(join(d, '..', 'snapshot')),
    failed: [],
    afterFailure: (_db, d) => {
      expect(existsSync(join(d, '..', 'snapshot'))).toBe(false);
    },
    afterSuccess: async (_db, d, expected) => {
      const snap = openTSDB(join(d, '..', 'snapshot'), { ...quietOptions, logger: () => {} });
      expect(await dump(snap)).toEqual(expected);
      expect(snap.blocks).toHaveLength(2);
      snap.close();
    },
  },
];

const modes = [
  { mode: 'a full disk (every write from the Nth on fails with ENOSPC)', sticky: true, code: 'ENOSPC' },
  { mode: 'an I/O error (the Nth write fails with EIO)', sticky: false, code: 'EIO' },
] as const;

const failures = (m: TSDBMetrics, names: (keyof TSDBMetrics)[]) => names.reduce((n, k) => n + m[k], 0);

describe.each(scenarios)('$name', (s) => {
  it.each(modes)(
    'on $mode at every write it makes, keeps every sample exactly once and succeeds on retry',
    { timeout: 120_000 },
    async ({ sticky, code }) => {
      let n = 1;
      for (; n <= 500; n++) {
        const root = dir();
        const d = join(root, 'data');
        const files = new FaultyFiles();
        const lines: string[] = [];
        const db = openTSDB(d, { ...quietOptions, files, logger: (l) => lines.push(l) });
        const before = await s.setup(db, d);
        const metricsBefore = db.metricsSnapshot();
        // What the disk would hold after a crash at the failing write.
        const crash = join(root, 'crash');
        files.beforeFirstFailure = () => cpSync(d, crash, { recursive: true });
        files.arm(n, { sticky, code });
        const outcome = await s.operation(db, d).then(
          () => undefined,
          (err: Error) => err,
        );
        files.disarm();
        const where = `failing write ${n} (${files.failures[0]})`;
        if (files.failures.length === 0) {
          // The operation made fewer than n writes: every position has been tried.
          expect(outcome).toBeUndefined();
          await s.afterSuccess(db, d, before);
          expect(await dump(db), where).toEqual(before);
          db.close();
          break;
        }
        const after = db.metricsSnapshot();
        if (outcome !== undefined) {
          expect(outcome.message, where).toMatch(new RegExp(`^tsdb: .*failed.*${code}`));
          expect(lines, where).toContain(outcome.message);
          expect(failures(after, s.failed) - failures(metricsBefore, s.failed), where).toBe(
            s.failed.length === 0 ? 0 : 1,
          );
          s.afterFailure?.(db, d);
        } else {
          // Only deleting what the result replaced failed; the next reload retries.
          expect(
            lines.some((l) => /^tsdb: deleting block .* failed/.test(l)),
            where,
          ).toBe(true);
          expect(after.prometheus_tsdb_reloads_failures_total, where).toBeGreaterThan(
            metricsBefore.prometheus_tsdb_reloads_failures_total,
          );
        }
        expect(leftovers(d), where).toEqual([]);
        expect(await dump(db), where).toEqual(before);

        // Appends and queries go on; the retry, with space again, succeeds.
        const last = before[0]!.samples.at(-1)![0];
        await appendRange(db, last + STEP, last + 2 * STEP);
        const now = before.map((x, i) => ({
          labels: x.labels,
          samples: [...x.samples, [last + STEP, value(i, last + STEP)] as [number, number]],
        }));
        expect(await dump(db), where).toEqual(now);
        await s.operation(db, d);
        await s.afterSuccess(db, d, now);
        expect(await dump(db), where).toEqual(now);
        db.close();

        // Reopening loses nothing, neither here nor where a crash at the failing write left the disk.
        const again = openTSDB(d, { ...quietOptions, logger: () => {} });
        expect(again.walRepair, where).toBeUndefined();
        expect(await dump(again), where).toEqual(now);
        again.close();
        const crashed = openTSDB(crash, { ...quietOptions, logger: () => {} });
        expect(await dump(crashed), `crash before ${where}`).toEqual(before);
        expect(leftovers(crash), `crash before ${where}`).toEqual([]);
        crashed.close();
      }
      // The loop ended because an operation succeeded, not because of the bound.
      expect(n).toBeGreaterThan(3);
      expect(n).toBeLessThanOrEqual(500);
    },
  );
});

describe('after a failure', () => {
  it('retries automatic compaction after 1 s, then 2 s, not on every commit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(1_000_000);
      const d = dir();
      const files = new FaultyFiles();
      // The disk is full for blocks; the WAL still has room.
      files.only = (_op, path) => path.includes('.tmp-for-creation');
      files.arm(1, { sticky: true });
      const lines: string[] = [];
      const db = openTSDB(d, { blockRange: R, retentionTime: 0, files, logger: (l) => lines.push(l) });
      const failed = () => db.metricsSnapshot().prometheus_tsdb_compactions_failed_total;
      const settle = async (count: number) => {
        // The automatic compaction runs on a later turn of the event loop.
        for (let i = 0; i < 10_000 && lines.filter((l) => l.includes('retrying')).length < count; i++)
          await new Promise((r) => setImmediate(r));
      };
      await appendRange(db, 0, 1.6 * R);
      await settle(1);
      expect(failed()).toBe(1);
      expect(lines.filter((l) => l.startsWith('tsdb: persisting'))).toHaveLength(1);
      expect(lines.at(-1)).toBe('tsdb: compaction failed; retrying after 1s at the earliest');
      for (let t = 1.6 * R; t < 1.7 * R; t += 2 * STEP) {
        await appendRange(db, t, t + 2 * STEP);
        await new Promise((r) => setImmediate(r));
      }
      expect(failed()).toBe(1);
      vi.setSystemTime(1_001_000);
      await appendRange(db, 1.7 * R, 1.7 * R + STEP);
      await settle(2);
      expect(failed()).toBe(2);
      expect(lines.at(-1)).toBe('tsdb: compaction failed; retrying after 2s at the earliest');
      files.disarm();
      vi.setSystemTime(1_003_000);
      await appendRange(db, 1.7 * R + STEP, 1.7 * R + 2 * STEP);
      await db.compact();
      expect(failed()).toBe(2);
      expect(db.blocks.map((b) => [b.minTime, b.maxTime])).toEqual([[0, R]]);
      expect(await dump(db)).toEqual(appended(1.7 * R + 2 * STEP));
      db.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('loses nothing when reopened over a half-written block and a block directory without meta.json', async () => {
    const d = dir();
    const db = openTSDB(d, { ...quietOptions, logger: () => {} });
    await appendRange(db, 0, 1.6 * R);
    db.close();
    // What a crash (ours, or an older writer's without a temporary name) can leave.
    const half = join(d, '01HZZZZZZZZZZZZZZZZZZZZZZZ.tmp-for-creation');
    mkdirSync(join(half, 'chunks'), { recursive: true });
    writeFileSync(join(half, 'chunks', '000001'), 'half a chunk file');
    const nameless = join(d, '01HZZZZZZZZZZZZZZZZZZZZZZY');
    mkdirSync(join(nameless, 'chunks'), { recursive: true });
    writeFileSync(join(nameless, 'index'), 'half an index');
    const lines: string[] = [];
    const again = openTSDB(d, { ...quietOptions, logger: (l) => lines.push(l) });
    expect(existsSync(half)).toBe(false);
    expect(lines.some((l) => l.includes(`ignoring block ${nameless}: no meta.json`))).toBe(true);
    expect(await dump(again)).toEqual(appended(1.6 * R));
    await again.compact();
    expect(again.blocks.map((b) => [b.minTime, b.maxTime])).toEqual([[0, R]]);
    expect(await dump(again)).toEqual(appended(1.6 * R));
    again.close();
  });

  it('keeps a block retention could not delete out of queries, and deletes it at the next reload', async () => {
    const d = dir();
    const files = new FaultyFiles();
    files.only = (op, path) => op === 'rename' && !path.includes('.tmp');
    const lines: string[] = [];
    const db = openTSDB(d, {
      autoCompact: false,
      blockRange: R,
      retentionTime: 2 * R,
      files,
      logger: (l) => lines.push(l),
    });
    await appendRange(db, 0, 4.6 * R);
    await db.persistHead(0, R);
    await db.persistHead(R, 2 * R);
    const old = db.blocks[0]!.dir;
    files.arm(1, { sticky: true, code: 'EIO' });
    await db.persistHead(2 * R, 3 * R);
    files.disarm();
    expect(lines.some((l) => l.startsWith(`tsdb: deleting block ${old} failed`))).toBe(true);
    expect(db.metricsSnapshot().prometheus_tsdb_reloads_failures_total).toBe(1);
    expect(existsSync(old)).toBe(true);
    expect(db.blocks.map((b) => b.minTime)).toEqual([R, 2 * R]);
    const kept = (await dump(db)).map((s) => s.samples.filter(([t]) => t >= R));
    expect(kept).toEqual(appended(4.6 * R).map((s) => s.samples.filter(([t]) => t >= R)));
    db.reloadBlocks();
    expect(existsSync(old)).toBe(false);
    expect(db.blocks.map((b) => b.minTime)).toEqual([R, 2 * R]);
    db.close();
  });

  it('keeps a block’s tombstones as they were when the tombstones file cannot be written', async () => {
    const d = dir();
    const files = new FaultyFiles();
    const db = openTSDB(d, { ...quietOptions, files, logger: () => {} });
    await appendRange(db, 0, 1.6 * R);
    await db.compact();
    files.arm(1, { sticky: true });
    await expect(db.delete(0, R, new Matcher('=', 'i', '1'))).rejects.toThrow(/ENOSPC/);
    files.disarm();
    expect(db.blocks[0]!.tombstones.size).toBe(0);
    expect(leftovers(d)).toEqual([]);
    expect(await dump(db)).toEqual(appended(1.6 * R));
    await db.delete(0, 0.5 * R, new Matcher('=', 'i', '1'));
    expect(await dump(db)).toEqual(appended(1.6 * R, [0, 0.5 * R]));
    db.close();
  });
});
