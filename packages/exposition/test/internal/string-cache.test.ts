import { describe, expect, it } from 'vitest';
import { asBytes, asText, StringCache } from '../../src/internal/string-cache.ts';

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

describe('StringCache', () => {
  const lookup = (cache: StringCache, text: string) => {
    const bytes = asBytes(text);
    return cache.get(bytes, viewOf(bytes), asText(bytes), 0, bytes.length);
  };

  it('returns the same string for the same bytes', () => {
    const cache = new StringCache(16);
    const first = lookup(cache, 'instance');
    expect(first).toBe('instance');
    expect(lookup(cache, 'instance')).toBe(first);
  });

  it('never confuses different bytes, even when they share a slot', () => {
    const cache = new StringCache(1);
    expect(lookup(cache, 'abc')).toBe('abc');
    expect(lookup(cache, 'abd')).toBe('abd');
    expect(lookup(cache, 'abc')).toBe('abc');
    expect(lookup(cache, '')).toBe('');
  });

  it('decodes UTF-8, long strings and invalid bytes', () => {
    const cache = new StringCache(16);
    expect(lookup(cache, 'ünïcödé 😀')).toBe('ünïcödé 😀');
    expect(lookup(cache, 'x'.repeat(200))).toBe('x'.repeat(200));
    const bad = new Uint8Array([0x61, 0xff, 0x62]);
    expect(cache.get(bad, viewOf(bad), asText(bad), 0, 3)).toBe('a\ufffdb');
  });
});

describe('asBytes', () => {
  it('gives a plain Uint8Array view of a Buffer without copying', () => {
    const buffer = Buffer.from('abc');
    const bytes = asBytes(buffer);
    expect(bytes.constructor).toBe(Uint8Array);
    expect(bytes.buffer).toBe(buffer.buffer);
    expect(bytes.byteOffset).toBe(buffer.byteOffset);
  });

  it('encodes a string as UTF-8', () => {
    expect([...asBytes('é')]).toEqual([0xc3, 0xa9]);
  });
});
