import type { Labels } from '@pyrometer/model';
import type { ChunkView } from '../chunk-meta.ts';
import { XorAppender } from '../chunkenc/xor.ts';

/** As Prometheus: aim for 120 samples a chunk, never more than twice that. */
export const SAMPLES_PER_CHUNK = 120;

const NO_CHUNKS: ClosedChunk[] = [];

export interface ClosedChunk {
  mint: number;
  maxt: number;
  bytes: Uint8Array;
  count: number;
}

/**
 * A series in the head: its closed chunks, and the chunk being appended to, which is the
 * series object itself (one object per series instead of three keeps the head small).
 */
export class MemSeries extends XorAppender {
  readonly ref: number;
  readonly labels: Labels;
  /** Shared empty list until the first chunk is closed (most series in a short head have none). */
  closed: ClosedChunk[] = NO_CHUNKS;
  /** Whether the open chunk exists (false before the first sample and after truncation). */
  hasHead = false;
  headMint = -0;
  /** Timestamp of the newest sample (committed), or -Infinity when none. */
  maxt = Number.NEGATIVE_INFINITY;
  /** When the head chunk must be cut (end of its chunk range or the predicted end). */
  nextAt = -0;
  /** Newest timestamp appended in an open transaction (not yet committed). */
  pendingMaxt = Number.NEGATIVE_INFINITY;

  constructor(ref: number, labels: Labels) {
    super(0);
    this.ref = ref;
    this.labels = labels;
  }

  get minTime(): number {
    const first = this.closed[0];
    if (first !== undefined) return first.mint;
    return this.hasHead ? this.headMint : Number.POSITIVE_INFINITY;
  }

  /** Appends a sample already validated in order; returns true when a chunk was started. */
  appendSample(t: number, hi: number, lo: number, chunkRange: number): boolean {
    let cut = false;
    if (this.hasHead) {
      if (this.numSamples === SAMPLES_PER_CHUNK / 4) {
        this.nextAt = predictChunkEnd(this.headMint, this.maxt, this.nextAt);
      }
      if (t >= this.nextAt || this.numSamples >= 2 * SAMPLES_PER_CHUNK) {
        this.#closeHead();
        this.resetChunk(32);
        this.headMint = t;
        this.nextAt = rangeEnd(t, chunkRange);
        cut = true;
      }
    } else {
      this.resetChunk(32);
      this.hasHead = true;
      this.headMint = t;
      this.nextAt = rangeEnd(t, chunkRange);
      cut = true;
    }
    this.appendBits(t, hi, lo);
    this.maxt = t;
    return cut;
  }

  #closeHead(): void {
    if (this.closed === NO_CHUNKS) this.closed = [];
    const bytes = this.chunkBytes().slice();
    this.closed.push({ mint: this.headMint, maxt: this.maxt, bytes, count: this.numSamples });
  }

  /** Chunks overlapping [mint, maxt], oldest first, as a consistent snapshot. */
  chunksIn(mint: number, maxt: number, out: ChunkView[] = []): ChunkView[] {
    for (const c of this.closed) {
      if (c.maxt >= mint && c.mint <= maxt)
        out.push({ mint: c.mint, maxt: c.maxt, bytes: c.bytes, byteLength: c.bytes.length, count: c.count });
    }
    if (this.hasHead && this.maxt >= mint && this.headMint <= maxt) {
      const bytes = this.chunkBytes();
      out.push({
        mint: this.headMint,
        maxt: this.maxt,
        bytes,
        byteLength: bytes.length,
        count: this.numSamples,
        open: true,
      });
    }
    return out;
  }

  /** Drops closed chunks that end before `mint`; true when the series is left empty. */
  truncateBefore(mint: number): boolean {
    let drop = 0;
    while (drop < this.closed.length && this.closed[drop]!.maxt < mint) drop++;
    if (drop > 0) this.closed = drop === this.closed.length ? NO_CHUNKS : this.closed.slice(drop);
    if (this.hasHead && this.maxt < mint && this.closed.length === 0) {
      this.hasHead = false;
      this.resetChunk(0);
    }
    return this.closed.length === 0 && !this.hasHead;
  }

  get chunkCount(): number {
    return this.closed.length + (this.hasHead ? 1 : 0);
  }
}

/** The end of the chunk range `t` falls in: chunks never span a range boundary. */
export function rangeEnd(t: number, chunkRange: number): number {
  return (Math.floor(t / chunkRange) + 1) * chunkRange;
}

// As Prometheus: once a chunk holds a quarter of its target samples, extrapolate the scrape
// rate to spread the rest of the range evenly over chunks of about SAMPLES_PER_CHUNK.
function predictChunkEnd(start: number, cur: number, end: number): number {
  const n = Math.trunc((end - start) / ((cur - start + 1) * 4));
  if (n <= 1) return end;
  return start + Math.trunc((end - start) / n);
}
