import { describe, expect, it } from 'vitest';
import { Labels } from '../src/labels.ts';
import { MemoryStorage } from '../src/memory-storage.ts';
import { float64Bits, isStaleNaN, STALE_NAN_BITS, StaleNaN } from '../src/stale.ts';
import { NO_SERIES_REF, ValueType } from '../src/storage.ts';

// Not `new Float64Array([v])`: the array literal would quiet the NaN before it is read.
const scratch = new Float64Array(1);
function bitsOf(v: number): bigint {
  scratch[0] = v;
  return new BigUint64Array(scratch.buffer)[0]!;
}

describe('stale marker', () => {
  it('has the bit pattern 0x7ff0000000000002', () => {
    expect(bitsOf(StaleNaN)).toBe(0x7ff0000000000002n);
    expect(STALE_NAN_BITS).toBe(0x7ff0000000000002n);
    expect(isStaleNaN(StaleNaN)).toBe(true);
  });

  it('is told apart from an ordinary NaN and from numbers', () => {
    expect(isStaleNaN(Number.NaN)).toBe(false);
    expect(isStaleNaN(0 / 0)).toBe(false);
    expect(isStaleNaN(2)).toBe(false);
    expect(isStaleNaN(Number.POSITIVE_INFINITY)).toBe(false);
    const otherPayload = new Float64Array(new BigUint64Array([0x7ff0000000000003n]).buffer)[0]!;
    expect(isStaleNaN(otherPayload)).toBe(false);
  });

  it('is recognised after V8 quiets it (plain arrays and Maps)', () => {
    const inArray = [1.5, StaleNaN][1]!;
    const inMap = new Map([[1, StaleNaN]]).get(1)!;
    expect(isStaleNaN(inArray)).toBe(true);
    expect(isStaleNaN(inMap)).toBe(true);
    // Writers always emit the exact pattern, whatever V8 did to the bits.
    expect(float64Bits(inArray)).toBe(STALE_NAN_BITS);
    expect(float64Bits(1)).toBe(0x3ff0000000000000n);
  });

  it('keeps its exact bits through typed arrays, object fields and function calls', () => {
    const f = new Float64Array(1);
    f[0] = StaleNaN;
    expect(bitsOf(f[0])).toBe(STALE_NAN_BITS);
    const sample = { t: 1, v: 0 };
    sample.v = StaleNaN;
    expect(bitsOf(sample.v)).toBe(STALE_NAN_BITS);
    const id = (x: number): number => x;
    expect(bitsOf(id(StaleNaN))).toBe(STALE_NAN_BITS);
  });

  it('survives the in-memory storage bit for bit', async () => {
    const storage = new MemoryStorage();
    const app = storage.appender();
    const labels = Labels.from({ __name__: 'up' });
    app.append(NO_SERIES_REF, labels, 0, 1000, 1);
    app.append(NO_SERIES_REF, labels, 0, 2000, StaleNaN);
    await app.commit();
    const set = await storage.querier(0, 5000).select(false, undefined);
    expect(set.next()).toBe(true);
    const it = set.at().iterator();
    expect(it.next()).toBe(ValueType.Float);
    expect(it.value()).toBe(1);
    expect(it.next()).toBe(ValueType.Float);
    expect(bitsOf(it.value())).toBe(STALE_NAN_BITS);
  });
});
