import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isStaleNaN, Labels, Matcher, StaleNaN, ValueType } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { openTSDB } from '../src/index.ts';
import { type FileLayer, nodeFiles } from '../src/internal/file-layer.ts';
import { readSegmentRecords } from '../src/internal/wal/reader.ts';
import { WalWriter } from '../src/internal/wal/writer.ts';
import { selectAll, tempDirsPerTest } from './helpers.ts';

const dir = tempDirsPerTest();
const quiet = { logger: () => {} };

async function fill(d: string, series: number, samples: number, opts = {}): Promise<void> {
  const db = openTSDB(d, { ...quiet, ...opts });
  for (let i = 0; i < samples; i++) {
    const app = db.appender();
    for (let s = 0; s < series; s++)
      app.append(0 as never, Labels.from({ __name__: 'm', s: String(s) }), 0, i * 1000, i + s);
    await app.commit();
  }
  db.close();
}

describe('WAL writer and reader', () => {
  it.each([true, false])('round-trips records across pages and fragments (compress=%s)', (compress) => {
    const d = dir();
    const w = new WalWriter(d, { compress, segmentSize: 4 * 32 * 1024 });
    const recs: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const rec = new Uint8Array(((i * 7919) % 40_000) + 1);
      for (let j = 0; j < rec.length; j++) rec[j] = (j * i) & 0xff;
      if (!compress) for (let j = 0; j < rec.length; j++) rec[j] = (j * 2654435761 + i) >>> 24;
      recs.push(rec);
      w.log([rec]);
    }
    w.close();
    const segments = readdirSync(d).sort();
    if (!compress) expect(segments.length).toBeGreaterThan(1);
    const got: Uint8Array[] = [];
    for (const s of segments) {
      const c = readSegmentRecords(readFileSync(join(d, s)), Number(s), (r) => got.push(r.slice()));
      expect(c).toBeUndefined();
      expect(statSync(join(d, s)).size).toBeLessThanOrEqual(4 * 32 * 1024);
    }
    expect(got.length).toBe(recs.length);
    for (let i = 0; i < recs.length; i++) expect(Buffer.compare(got[i]!, recs[i]!)).toBe(0);
  });

  it('leaves nothing of a failed write in the segment (full disk)', () => {
    const d = dir();
    let fail = false;
    const files: FileLayer = {
      ...nodeFiles,
      write: (fd, buf, off, len, pos) => {
        if (fail) {
          // A short write, then the disk is full.
          nodeFiles.write(fd, buf, off, Math.min(3, len), pos);
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        return nodeFiles.write(fd, buf, off, len, pos);
      },
    };
    const w = new WalWriter(d, { files, compress: false });
    w.log([new Uint8Array([1, 2, 3])]);
    fail = true;
    expect(() => w.log([new Uint8Array(100).fill(9)])).toThrow(/ENOSPC/);
    fail = false;
    w.log([new Uint8Array([4, 5])]);
    w.close();
    const got: number[][] = [];
    const c = readSegmentRecords(readFileSync(join(d, '00000000')), 0, (r) => got.push([...r]));
    expect(c).toBeUndefined();
    expect(got).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});

describe('WAL replay', () => {
  it('restores every committed sample on reopen, stale markers bit-exact', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const app = db.appender();
    const l = Labels.from({ __name__: 'x' });
    app.append(0 as never, l, 0, 1000, 1.5);
    app.append(0 as never, l, 0, 2000, StaleNaN);
    app.append(0 as never, l, 0, 3000, Number.NaN);
    await app.commit();
    db.close();
    const db2 = openTSDB(d, quiet);
    const set = db2.querier(0, 10_000).select(true, undefined, new Matcher('=', '__name__', 'x'));
    expect(set.next()).toBe(true);
    const it = set.at().iterator();
    const got: [number, boolean][] = [];
    while (it.next() === ValueType.Float) got.push([it.t(), isStaleNaN(it.value())]);
    expect(got).toEqual([
      [1000, false],
      [2000, true],
      [3000, false],
    ]);
    db2.close();
  });

  it.each([true, false])(
    'replays many commits (compression %s) and keeps appending after',
    async (walCompression) => {
      const d = dir();
      await fill(d, 50, 40, { walCompression });
      const db = openTSDB(d, quiet);
      expect(db.head.numSeries).toBe(50);
      const app = db.appender();
      app.append(0 as never, Labels.from({ __name__: 'm', s: '0' }), 0, 40_000, 7);
      await app.commit();
      db.close();
      const db2 = openTSDB(d, quiet);
      const all = await selectAll(db2.querier(0, 1e9));
      expect(all.length).toBe(50);
      expect(all.reduce((n, s) => n + s.samples.length, 0)).toBe(50 * 40 + 1);
      db2.close();
    },
  );

  it('repairs a torn tail, reports it, and keeps everything before it', async () => {
    const d = dir();
    await fill(d, 10, 30);
    const seg = join(d, 'wal', '00000000');
    const size = statSync(seg).size;
    truncateSync(seg, size - 5);
    const lines: string[] = [];
    const db = openTSDB(d, { logger: (m) => lines.push(m) });
    expect(db.walRepair?.segment).toBe(0);
    expect(lines.join('\n')).toMatch(/WAL corruption in segment 0 .*repaired by dropping/);
    const all = await selectAll(db.querier(0, 1e9));
    const total = all.reduce((n, s) => n + s.samples.length, 0);
    expect(total).toBe(10 * 29);
    db.close();
    // The repaired WAL opens cleanly.
    const db2 = openTSDB(d, quiet);
    expect(db2.walRepair).toBeUndefined();
    db2.close();
  });

  it('ignores and removes a checkpoint a crash left half-written', async () => {
    const d = dir();
    await fill(d, 3, 10);
    const tmp = join(d, 'wal', 'checkpoint.00000000.tmp');
    mkdirSync(tmp);
    writeFileSync(join(tmp, '00000000'), Buffer.alloc(100, 0xff));
    const db = openTSDB(d, quiet);
    expect(existsSync(tmp)).toBe(false);
    expect((await selectAll(db.querier(0, 1e9))).length).toBe(3);
    db.close();
  });

  it('repairs a corrupt byte in the middle and drops later segments', async () => {
    const d = dir();
    await fill(d, 5, 20, { walSegmentSize: 64 * 1024 });
    await fill(d, 5, 0);
    const seg = join(d, 'wal', '00000000');
    const buf = readFileSync(seg);
    buf[200] = buf[200]! ^ 0xff;
    writeFileSync(seg, buf);
    const db = openTSDB(d, quiet);
    expect(db.walRepair?.reason).toMatch(/checksum|invalid|page/);
    expect(db.walRepair?.removedSegments.length).toBeGreaterThan(0);
    db.close();
  });
});
