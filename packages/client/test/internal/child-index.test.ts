import { describe, expect, it } from 'vitest';
import { ChildIndex, labelValueOf } from '../../src/internal/child-index.ts';

describe('ChildIndex', () => {
  it('finds children by position and by name, in creation order', () => {
    const index = new ChildIndex<string>(2);
    index.add(['GET', '200'], 'a');
    index.add(['GET', '500'], 'b');
    index.add(['POST', '200'], 'c');
    expect(index.findByPosition(['GET', '500'])).toBe('b');
    expect(index.findByPosition(['GET', 200])).toBe('a');
    expect(index.findByPosition(['GET'])).toBeUndefined();
    expect(index.findByPosition(['PUT', '200'])).toBeUndefined();
    expect(index.findByName(['method', 'code'], { code: '200', method: 'POST' })).toBe('c');
    expect(index.all).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['an unknown key', { method: 'GET', code: '200', other: 'x' }],
    ['a missing key when no child has it empty', { method: 'GET' }],
  ])('finds nothing for %s, leaving it to the caller to validate', (_, labels) => {
    const index = new ChildIndex<string>(2);
    index.add(['GET', '200'], 'a');
    expect(index.findByName(['method', 'code'], labels)).toBeUndefined();
  });

  it('treats a missing label as the empty value', () => {
    const index = new ChildIndex<string>(2);
    index.add(['GET', ''], 'a');
    expect(index.findByName(['method', 'code'], { method: 'GET' })).toBe('a');
  });

  it('deletes a child and the maps left empty', () => {
    const index = new ChildIndex<string>(2);
    index.add(['GET', '200'], 'a');
    index.add(['GET', '500'], 'b');
    expect(index.delete(['GET', '200'])).toBe('a');
    expect(index.delete(['GET', '200'])).toBeUndefined();
    expect(index.all).toEqual(['b']);
    index.delete(['GET', '500']);
    expect(index.size).toBe(0);
    index.add(['GET', '200'], 'c');
    expect(index.findByPosition(['GET', '200'])).toBe('c');
  });

  it('holds a single child at depth 0', () => {
    const index = new ChildIndex<string>(0);
    expect(index.findByPosition([])).toBeUndefined();
    index.add([], 'only');
    expect(index.findByPosition([])).toBe('only');
    expect(index.findByName([], {})).toBe('only');
    index.clear();
    expect(index.all).toEqual([]);
  });

  it.each([
    ['GET', 'GET'],
    [200, '200'],
    [1.5, '1.5'],
    [undefined, ''],
  ])('stores %j as %j', (raw, stored) => {
    expect(labelValueOf(raw)).toBe(stored);
  });
});
