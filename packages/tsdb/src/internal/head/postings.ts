/**
 * A sorted list of series refs. Most label values (an instance, a pod) belong to one series,
 * so a single ref is kept inline and the typed array is made only for a second one.
 */
export class PostingList {
  /** The label value, interned: every series with this value shares this string. */
  readonly value: string;
  #one = 0;
  #ids: Uint32Array | undefined;
  length = 0;

  constructor(value: string) {
    this.value = value;
  }

  add(id: number): void {
    if (this.length === 0) {
      this.#one = id;
      this.length = 1;
      return;
    }
    let ids = this.#ids;
    if (ids === undefined) {
      ids = this.#ids = new Uint32Array(4);
      ids[0] = this.#one;
    } else if (this.length === ids.length) {
      const next = new Uint32Array(ids.length * 2);
      next.set(ids);
      ids = this.#ids = next;
    }
    // Refs usually arrive in increasing order; WAL replay may bring an older one.
    let i = this.length;
    while (i > 0 && ids[i - 1]! > id) {
      ids[i] = ids[i - 1]!;
      i--;
    }
    ids[i] = id;
    this.length++;
  }

  /** Removes every ref in `dead`; returns the new length. */
  removeAll(dead: ReadonlySet<number>): number {
    const ids = this.#ids;
    if (ids === undefined) {
      if (this.length === 1 && dead.has(this.#one)) this.length = 0;
      return this.length;
    }
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      const id = ids[r]!;
      if (!dead.has(id)) ids[w++] = id;
    }
    this.length = w;
    return w;
  }

  view(): Uint32Array {
    if (this.#ids === undefined) return this.length === 0 ? new Uint32Array(0) : Uint32Array.of(this.#one);
    return this.#ids.subarray(0, this.length);
  }
}

/** One label name of the index: the name interned, and its values. */
interface NameEntry {
  name: string;
  values: Map<string, PostingList>;
}

/** The inverted index of the head: label name → value → sorted series refs. */
export class MemPostings {
  readonly byName = new Map<string, Map<string, PostingList>>();
  readonly #names = new Map<string, NameEntry>();
  readonly all = new PostingList('');

  /**
   * Indexes series `id`; returns its label strings interned (names and values shared with
   * every other series that has them), so the head keeps one copy of each.
   */
  add(id: number, flat: readonly string[]): string[] {
    this.all.add(id);
    const interned = new Array<string>(flat.length);
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i]!;
      let entry = this.#names.get(name);
      if (entry === undefined) {
        entry = { name, values: new Map() };
        this.#names.set(name, entry);
        this.byName.set(name, entry.values);
      }
      const value = flat[i + 1]!;
      let list = entry.values.get(value);
      if (list === undefined) entry.values.set(value, (list = new PostingList(value)));
      list.add(id);
      interned[i] = entry.name;
      interned[i + 1] = list.value;
    }
    return interned;
  }

  delete(dead: ReadonlySet<number>): void {
    this.all.removeAll(dead);
    for (const [name, values] of this.byName) {
      for (const [value, list] of values) if (list.removeAll(dead) === 0) values.delete(value);
      if (values.size === 0) {
        this.byName.delete(name);
        this.#names.delete(name);
      }
    }
  }

  get(name: string, value: string): Uint32Array | undefined {
    return this.byName.get(name)?.get(value)?.view();
  }
}

/** Intersection of sorted ref lists. */
export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

/** Union of sorted ref lists, sorted and without duplicates. */
export function union(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return new Uint32Array(0);
  if (lists.length === 1) return lists[0]!;
  let total = 0;
  for (const l of lists) total += l.length;
  const out = new Uint32Array(total);
  let n = 0;
  for (const l of lists) {
    out.set(l, n);
    n += l.length;
  }
  out.sort();
  let w = 0;
  for (let r = 0; r < out.length; r++) if (w === 0 || out[w - 1] !== out[r]) out[w++] = out[r]!;
  return out.subarray(0, w);
}
