import type { Labels } from '@pyrometer/model';
import { rangesEqual } from './byte-compare.ts';

const INITIAL_ENTRIES = 256;
const INITIAL_ARENA = 16 * 1024;
// Numbers the remembered gaps of every cache in the process (see `gapId`).
let nextGapId = 0;

/**
 * The label sets of the series a target exposes, kept between scrapes and keyed by the
 * series part of their lines: the bytes of the metric name and the `{...}` label set as
 * written, without the value and timestamp (what Prometheus's scrape cache is keyed by).
 *
 * Give one to the parser of each scrape of a target (`new TextParser(body, { seriesCache })`)
 * and `series()` returns, for a series line already seen, the same immutable `Labels` object
 * as before, found by hashing the series bytes and comparing them with a stored copy; the
 * label strings are only decoded the first time. A scraper can therefore key its own
 * per-series state (storage reference, staleness) on the `Labels` object's identity.
 *
 * A scrape usually repeats the previous one line for line, so the cache also remembers
 * which series followed which: the text parser first compares a line with the series that
 * followed the previous line's series last time, and on a match takes the series part as
 * read, skipping the scan, the hashing and the checks the bytes already passed. It also
 * keeps the metadata lines (`# HELP`, `# TYPE`, comments) that came before each series, and
 * when the same bytes come back it replays their entries instead of parsing them again.
 *
 * Ownership: the cache copies the series bytes it keeps; the input buffers may be reused
 * after their parser is done. A cache is for one target and one parser at a time (scrapes
 * of a target are sequential). Different spellings of the same label set (other escapes,
 * other label order, blanks in the text format) are different keys with equal `Labels`.
 * Call `prune()` after each scrape to forget the series it did not expose.
 *
 * A scraper that keeps state per series can keep it in the cache instead, attached to the
 * entry the parser's `seriesEntry()` names (`attach`, `attachment`, `forEachAttachment`), and
 * make the cache with `{ keepLabels: false }`: then no `Labels` object is kept per series
 * (the scraper needs them only for a series it has not seen before) and `series()` decodes a
 * new one at each call.
 */
export class SeriesCache<T = unknown> {
  readonly #keepLabels: boolean;
  #arena = new Uint8Array(INITIAL_ARENA);
  #arenaView = new DataView(this.#arena.buffer);
  #arenaUsed = 0;
  /** Open addressing: entry index + 1, 0 for an empty slot; at most half full. */
  #table = new Int32Array(INITIAL_ENTRIES * 2);
  #mask = INITIAL_ENTRIES * 2 - 1;
  #count = 0;
  // Per entry.
  #hashes = new Int32Array(INITIAL_ENTRIES);
  #starts = new Int32Array(INITIAL_ENTRIES);
  #lengths = new Int32Array(INITIAL_ENTRIES);
  /** The entry whose line came after this one's in the last scrape, or -1. */
  #next = new Int32Array(INITIAL_ENTRIES);
  /** The generation (scrape) the entry was last seen in. */
  #seen = new Int32Array(INITIAL_ENTRIES);
  /** 1 when a text-format parser checked the bytes, 2 when an OpenMetrics one did. */
  #checkedBy = new Uint8Array(INITIAL_ENTRIES);
  #labels: (Labels | undefined)[] = [];
  #attachments: (T | undefined)[] = [];
  #names: string[] = [];
  // The metadata lines before the entry's line in the last scrape (see `setGap`).
  #gapBytes: (Uint8Array | undefined)[] = [];
  #gapViews: (DataView | undefined)[] = [];
  #gapRecords: (Int32Array | undefined)[] = [];
  #gapLines: number[] = [];
  /** Each remembered gap's number, unique in the process (see `gapId`). */
  #gapIds: number[] = [];
  #generation = 1;
  #head = -1;

  constructor(options?: { keepLabels?: boolean }) {
    this.#keepLabels = options?.keepLabels ?? true;
  }

  /** Whether `series()` returns the kept `Labels` of an entry (the default) or decodes anew. */
  get keepsLabels(): boolean {
    return this.#keepLabels;
  }

  /** What the caller attached to entry `e` (see `attach`), or undefined. */
  attachment(e: number): T | undefined {
    return this.#attachments[e];
  }

  /**
   * Attaches a value to entry `e` (an entry a parser's `seriesEntry()` returned, valid until
   * the next `prune()` or `clear()`); it stays with the series for as long as the cache keeps
   * it, across prunes. Undefined removes it.
   */
  attach(e: number, value: T | undefined): void {
    this.#attachments[e] = value;
  }

  /** Calls `fn` with each attached value and its entry. */
  forEachAttachment(fn: (value: T, e: number) => void): void {
    const attachments = this.#attachments;
    for (let e = 0; e < this.#count; e++) {
      const value = attachments[e];
      if (value !== undefined) fn(value, e);
    }
  }

  /** How many series the cache holds. */
  get size(): number {
    return this.#count;
  }

  /**
   * Forgets every series no parser has resolved since the previous `prune()` (or since the
   * cache was made), and returns how many it forgot. Call it once after each scrape that was
   * read to the end; after a scrape that failed part way, skip it (the series of the failed
   * scrape and of the next one are then kept).
   */
  prune(): number {
    const keep = this.#generation;
    this.#generation++;
    const count = this.#count;
    let seen = 0;
    for (let e = 0; e < count; e++) if (this.#seen[e] === keep) seen++;
    if (seen === count) return 0;
    const remap = new Int32Array(count).fill(-1);
    let kept = 0;
    for (let e = 0; e < count; e++) if (this.#seen[e] === keep) remap[e] = kept++;
    const removed = count - kept;
    if (removed === 0) return 0;
    const oldArena = this.#arena;
    const arena = new Uint8Array(Math.max(INITIAL_ARENA, this.#arenaUsed));
    let used = 0;
    const labels: (Labels | undefined)[] = [];
    const attachments: (T | undefined)[] = [];
    const names: string[] = [];
    const gapBytes: (Uint8Array | undefined)[] = [];
    const gapViews: (DataView | undefined)[] = [];
    const gapRecords: (Int32Array | undefined)[] = [];
    const gapLines: number[] = [];
    const gapIds: number[] = [];
    for (let e = 0; e < count; e++) {
      const to = remap[e]!;
      if (to < 0) continue;
      const start = this.#starts[e]!;
      const length = this.#lengths[e]!;
      arena.set(oldArena.subarray(start, start + length), used);
      this.#hashes[to] = this.#hashes[e]!;
      this.#starts[to] = used;
      this.#lengths[to] = length;
      const next = this.#next[e]!;
      this.#next[to] = next < 0 ? -1 : remap[next]!;
      this.#seen[to] = this.#seen[e]!;
      this.#checkedBy[to] = this.#checkedBy[e]!;
      labels.push(this.#labels[e]);
      attachments.push(this.#attachments[e]);
      names.push(this.#names[e]!);
      gapBytes.push(this.#gapBytes[e]);
      gapViews.push(this.#gapViews[e]);
      gapRecords.push(this.#gapRecords[e]);
      gapLines.push(this.#gapLines[e] ?? 0);
      gapIds.push(this.#gapIds[e] ?? -1);
      used += length;
    }
    this.#gapBytes = gapBytes;
    this.#gapViews = gapViews;
    this.#gapRecords = gapRecords;
    this.#gapLines = gapLines;
    this.#gapIds = gapIds;
    this.#arena = arena;
    this.#arenaView = new DataView(arena.buffer);
    this.#arenaUsed = used;
    this.#labels = labels;
    this.#attachments = attachments;
    this.#names = names;
    this.#count = kept;
    this.#head = this.#head < 0 ? -1 : remap[this.#head]!;
    this.#rehash(this.#table.length);
    return removed;
  }

  /** Forgets every series. */
  clear(): void {
    this.#count = 0;
    this.#arenaUsed = 0;
    this.#labels = [];
    this.#attachments = [];
    this.#names = [];
    this.#gapBytes = [];
    this.#gapViews = [];
    this.#gapRecords = [];
    this.#gapLines = [];
    this.#gapIds = [];
    this.#head = -1;
    this.#table.fill(0);
  }

  // The parsers' side, not for callers (the class is exported for the methods above). Entries
  // are indexes, valid until the next prune() or clear().

  /** The entry for `length` bytes at `start` of `buf` with hash `hash`, or -1. */
  find(buf: Uint8Array, view: DataView, start: number, length: number, hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = table[slot]! - 1;
      if (e < 0) return -1;
      if (
        this.#hashes[e] === hash &&
        this.#lengths[e] === length &&
        rangesEqual(this.#arenaView, this.#arena, this.#starts[e]!, view, buf, start, length)
      ) {
        return e;
      }
    }
  }

  /**
   * Whether the entry's bytes are at `at` in `buf` (with `limit` the end of what may match)
   * and were checked by a parser of the same kind; returns the index after them, or -1.
   */
  matchAt(e: number, buf: Uint8Array, view: DataView, at: number, limit: number, checkedBy: number): number {
    const length = this.#lengths[e]!;
    if (at + length > limit || this.#checkedBy[e] !== checkedBy) return -1;
    return rangesEqual(this.#arenaView, this.#arena, this.#starts[e]!, view, buf, at, length)
      ? at + length
      : -1;
  }

  /** Adds an entry (which must not be there yet) and returns it. */
  add(
    buf: Uint8Array,
    start: number,
    length: number,
    hash: number,
    name: string,
    labels: Labels | undefined,
    checkedBy: number,
  ): number {
    const e = this.#count;
    if (e === this.#hashes.length) this.#growEntries();
    if ((e + 1) * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
    if (this.#arenaUsed + length > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + length));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
      this.#arenaView = new DataView(arena.buffer);
    }
    this.#arena.set(buf.subarray(start, start + length), this.#arenaUsed);
    this.#hashes[e] = hash;
    this.#starts[e] = this.#arenaUsed;
    this.#lengths[e] = length;
    this.#next[e] = -1;
    this.#seen[e] = this.#generation;
    this.#checkedBy[e] = checkedBy;
    this.#labels[e] = this.#keepLabels ? labels : undefined;
    this.#attachments[e] = undefined;
    this.#names[e] = name;
    this.#gapBytes[e] = undefined;
    this.#gapViews[e] = undefined;
    this.#gapRecords[e] = undefined;
    this.#gapLines[e] = 0;
    this.#gapIds[e] = -1;
    this.#arenaUsed += length;
    this.#count = e + 1;
    this.#place(e);
    return e;
  }

  /** The entry's kept labels; undefined when the cache keeps none. */
  labelsOf(e: number): Labels | undefined {
    return this.#labels[e];
  }

  nameOf(e: number): string {
    return this.#names[e]!;
  }

  /** The entry that followed `e` last time (the first series when `e` is -1), or -1. */
  nextOf(e: number): number {
    return e < 0 ? this.#head : this.#next[e]!;
  }

  /** Records that `e` was seen in this scrape, right after `previous` (-1: first of the scrape). */
  seen(e: number, previous: number, first: boolean): void {
    this.#seen[e] = this.#generation;
    if (previous >= 0) this.#next[previous] = e;
    else if (first) this.#head = e;
  }

  /**
   * Remembers the metadata lines that came before entry `e`'s line (after the previous series
   * line): `length` bytes at `start` of `buf` making `lines` lines, and the parser's records of
   * the entries read from them (`count` records of `recordSize` numbers, relative to `start`).
   */
  setGap(
    e: number,
    buf: Uint8Array,
    view: DataView,
    start: number,
    length: number,
    lines: number,
    records: Int32Array,
    count: number,
    recordSize: number,
  ): void {
    const old = this.#gapBytes[e];
    if (length === 0) {
      if (old !== undefined) {
        this.#gapBytes[e] = undefined;
        this.#gapViews[e] = undefined;
        this.#gapRecords[e] = undefined;
      }
      return;
    }
    if (
      old !== undefined &&
      old.length === length &&
      rangesEqual(this.#gapViews[e]!, old, 0, view, buf, start, length)
    ) {
      return;
    }
    const bytes = buf.slice(start, start + length);
    this.#gapBytes[e] = bytes;
    this.#gapViews[e] = new DataView(bytes.buffer);
    this.#gapRecords[e] = records.slice(0, count * recordSize);
    this.#gapLines[e] = lines;
    this.#gapIds[e] = nextGapId++;
  }

  /**
   * When the metadata lines remembered before entry `e` are at `at` in `buf`, their records
   * (see `setGap`); otherwise undefined.
   */
  matchGap(e: number, buf: Uint8Array, view: DataView, at: number): Int32Array | undefined {
    const gap = this.#gapBytes[e];
    if (gap === undefined || at + gap.length > buf.length) return undefined;
    if (!rangesEqual(this.#gapViews[e]!, gap, 0, view, buf, at, gap.length)) return undefined;
    return this.#gapRecords[e];
  }

  /** The byte length and line count of the gap `matchGap` matched. */
  gapLength(e: number): number {
    return this.#gapBytes[e]?.length ?? 0;
  }

  gapLines(e: number): number {
    return this.#gapLines[e]!;
  }

  /**
   * The number of the gap `matchGap` matched: a new one each time a gap's bytes are
   * remembered, never reused in the process, so two gaps with the same number have the
   * same bytes, whichever cache holds them.
   */
  gapId(e: number): number {
    return this.#gapIds[e]!;
  }

  /** Records that `e` was seen in this scrape. */
  touch(e: number): void {
    this.#seen[e] = this.#generation;
  }

  #place(e: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let slot = this.#hashes[e]! & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = e + 1;
  }

  #rehash(size: number): void {
    this.#table = new Int32Array(size);
    this.#mask = size - 1;
    for (let e = 0; e < this.#count; e++) this.#place(e);
  }

  #growEntries(): void {
    const size = this.#hashes.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(old: T, into: T): T => {
      into.set(old);
      return into;
    };
    this.#hashes = grow(this.#hashes, new Int32Array(size));
    this.#starts = grow(this.#starts, new Int32Array(size));
    this.#lengths = grow(this.#lengths, new Int32Array(size));
    this.#next = grow(this.#next, new Int32Array(size));
    this.#seen = grow(this.#seen, new Int32Array(size));
    this.#checkedBy = grow(this.#checkedBy, new Uint8Array(size));
  }
}

/** The hash of the series bytes the cache is keyed by (32-bit, Murmur3-style mixing). */
export function hashSeries(view: DataView, buf: Uint8Array, start: number, end: number): number {
  let h = 0x9747b28c ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = Math.imul(view.getInt32(i, true), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= buf[i]! << shift;
  k = Math.imul(k, 0xcc9e2d51);
  h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
