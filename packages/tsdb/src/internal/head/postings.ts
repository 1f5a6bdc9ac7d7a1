/** The label values of one name: value → pair number, by a hash of the value. */
class ValueTable {
  /** The name, interned: every series with it shares this string. */
  readonly name: string;
  /** Open addressing; each entry the value's hash and its pair + 1 (0: empty), side by side. */
  #entries = new Int32Array(2 * 8);
  #mask = 7;
  size = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** The pair of `value` (whose hash is `h`), or -1; `values` holds every pair's value. */
  find(value: string, h: number, values: readonly string[]): number {
    const e = this.#entries;
    const mask = this.#mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const p = e[2 * i + 1]!;
      if (p === 0) return -1;
      if (e[2 * i] === h && values[p - 1] === value) return p - 1;
    }
  }

  insert(h: number, pair: number): void {
    if (2 * (this.size + 1) > this.#mask + 1) this.#rebuild(2 * (this.#mask + 1), undefined);
    this.#put(h, pair);
    this.size++;
  }

  #put(h: number, pair: number): void {
    const e = this.#entries;
    const mask = this.#mask;
    let i = h & mask;
    while (e[2 * i + 1] !== 0) i = (i + 1) & mask;
    e[2 * i] = h;
    e[2 * i + 1] = pair + 1;
  }

  /** Drops the pairs `live` rejects. */
  retain(live: (pair: number) => boolean): void {
    this.#rebuild(this.#mask + 1, live);
  }

  #rebuild(size: number, live: ((pair: number) => boolean) | undefined): void {
    const old = this.#entries;
    this.#entries = new Int32Array(2 * size);
    this.#mask = size - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      const p = old[i + 1]! - 1;
      if (p < 0 || (live !== undefined && !live(p))) continue;
      this.#put(old[i]!, p);
      this.size++;
    }
  }

  /** The pair numbers, in no particular order. */
  *pairs(): Generator<number> {
    const e = this.#entries;
    for (let i = 1; i < e.length; i += 2) if (e[i] !== 0) yield e[i]! - 1;
  }
}

/** The hash of a label value in `ValueTable`s (FNV-1a over UTF-16 units, then mixed), an int32. */
function hashValue(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

const NO_IDS = new Uint32Array(0);
/** How many refs the index collects before putting them in their lists. */
const PENDING = 1 << 15;

/**
 * The inverted index of the head: label name → value → sorted series refs. Every label pair
 * has a number, `pair`, and its refs in arrays by pair (no object per pair: most values, an
 * instance or a pod, belong to a few series, and a million small objects are what V8's
 * collector spends its time on). A label set known to the index is so a short list of
 * numbers: the head finds series by a hash of those (`hashPairs`) instead of their strings.
 */
export class MemPostings {
  readonly #names = new Map<string, ValueTable>();
  /** The name tables the last label set had, by position: label sets mostly share names. */
  readonly #recent: (ValueTable | undefined)[] = [];
  /** The values' hashes of the label set `find` looked up last, for `add`. */
  readonly #hashes: number[] = [];
  // Pair 0 is every series (`all`). Per pair: its value, interned, or undefined when the pair
  // number is free; its name's table; its length; its ref when it has one; its refs, sorted,
  // when it has two or more.
  readonly #values: (string | undefined)[] = [''];
  readonly #tables: (ValueTable | undefined)[] = [undefined];
  #lengths = new Int32Array(1024);
  #ones = new Uint32Array(1024);
  readonly #ids: (Uint32Array | undefined)[] = [undefined];
  readonly #freePairs: number[] = [];
  // Refs not yet in their pairs' lists: (pair, ref) in order of arrival. Appending each as it
  // comes touches one list per label, far apart in memory; in batches grouped by pair, each
  // list's end is touched once a batch. Every read of the lists first puts them in.
  readonly #pendingPairs = new Int32Array(PENDING);
  readonly #pendingIds = new Uint32Array(PENDING);
  #pending = 0;
  readonly #order = new Int32Array(PENDING);
  #counts = new Int32Array(1024);

  /**
   * Finds the pair of each label of `flat` ([name, value, ...]): `pairs[i]` for label i, or
   * -1 where the index has no such pair. Returns whether every pair was found.
   */
  find(flat: readonly string[], pairs: number[]): boolean {
    let all = true;
    const values = this.#values as string[];
    for (let i = 0; i < flat.length; i += 2) {
      const table = this.#table(flat[i]!, i >> 1);
      const value = flat[i + 1]!;
      const h = hashValue(value);
      this.#hashes[i >> 1] = h;
      const p = table === undefined ? -1 : table.find(value, h, values);
      pairs[i >> 1] = p;
      if (p < 0) all = false;
    }
    return all;
  }

  #table(name: string, at: number): ValueTable | undefined {
    const recent = this.#recent[at];
    if (recent !== undefined && recent.name === name) return recent;
    const table = this.#names.get(name);
    if (table !== undefined) this.#recent[at] = table;
    return table;
  }

  /**
   * Indexes series `id` under the labels of `flat`, just looked up by `find` into `pairs`;
   * missing pairs are made and put in `pairs`.
   */
  add(id: number, flat: readonly string[], pairs: number[]): void {
    this.#defer(0, id);
    for (let i = 0; i < flat.length; i += 2) {
      let p = pairs[i >> 1]!;
      if (p >= 0) {
        this.#defer(p, id);
        continue;
      }
      const name = flat[i]!;
      let table = this.#table(name, i >> 1);
      if (table === undefined) {
        table = new ValueTable(name);
        this.#names.set(name, table);
        this.#recent[i >> 1] = table;
      }
      p = this.#newPair(flat[i + 1]!, table);
      table.insert(this.#hashes[i >> 1]!, p);
      pairs[i >> 1] = p;
      this.#defer(p, id);
    }
  }

  #newPair(value: string, table: ValueTable): number {
    const p = this.#freePairs.pop() ?? this.#values.length;
    if (p === this.#values.length) {
      this.#values.push(value);
      this.#tables.push(table);
      this.#ids.push(undefined);
      if (p === this.#lengths.length) {
        const lengths = new Int32Array(2 * p);
        lengths.set(this.#lengths);
        this.#lengths = lengths;
        const ones = new Uint32Array(2 * p);
        ones.set(this.#ones);
        this.#ones = ones;
      }
    } else {
      this.#values[p] = value;
      this.#tables[p] = table;
    }
    this.#lengths[p] = 0;
    return p;
  }

  #defer(p: number, id: number): void {
    if (this.#pending === PENDING) this.#flush();
    this.#pendingPairs[this.#pending] = p;
    this.#pendingIds[this.#pending++] = id;
  }

  /** Puts the pending refs in their lists, a counting sort by pair keeping arrival order. */
  #flush(): void {
    const n = this.#pending;
    if (n === 0) return;
    const pairs = this.#pendingPairs;
    const ids = this.#pendingIds;
    const np = this.#values.length;
    if (this.#counts.length <= np) this.#counts = new Int32Array(2 * np + 1);
    const counts = this.#counts;
    counts.fill(0, 0, np + 1);
    for (let i = 0; i < n; i++) counts[pairs[i]! + 1]!++;
    for (let p = 1; p <= np; p++) counts[p]! += counts[p - 1]!;
    const order = this.#order;
    for (let i = 0; i < n; i++) order[counts[pairs[i]!]!++] = i;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      this.#addId(pairs[i]!, ids[i]!);
    }
    this.#pending = 0;
  }

  #addId(p: number, id: number): void {
    const n = this.#lengths[p]!;
    this.#lengths[p] = n + 1;
    if (n === 0) {
      this.#ones[p] = id;
      return;
    }
    let ids = this.#ids[p];
    if (ids === undefined) {
      ids = this.#ids[p] = new Uint32Array(4);
      ids[0] = this.#ones[p]!;
    } else if (n === ids.length) {
      const next = new Uint32Array(n * 2);
      next.set(ids);
      ids = this.#ids[p] = next;
    }
    // Refs usually arrive in increasing order; WAL replay may bring an older one.
    let i = n;
    while (i > 0 && ids[i - 1]! > id) {
      ids[i] = ids[i - 1]!;
      i--;
    }
    ids[i] = id;
  }

  /** The name of pair `p`. */
  name(p: number): string {
    return this.#tables[p]!.name;
  }

  /** The value of pair `p`. */
  value(p: number): string {
    return this.#values[p]!;
  }

  /** How many series pair `p` has. */
  count(p: number): number {
    this.#flush();
    return this.#lengths[p]!;
  }

  /** The refs of pair `p`, sorted; a view valid until the index changes. */
  #view(p: number): Uint32Array {
    this.#flush();
    const n = this.#lengths[p]!;
    const ids = this.#ids[p];
    if (ids === undefined) return n === 0 ? NO_IDS : Uint32Array.of(this.#ones[p]!);
    return ids.subarray(0, n);
  }

  /** Every series' ref, sorted. */
  all(): Uint32Array {
    return this.#view(0);
  }

  get(name: string, value: string): Uint32Array | undefined {
    const table = this.#names.get(name);
    const p = table?.find(value, hashValue(value), this.#values as string[]) ?? -1;
    return p < 0 ? undefined : this.#view(p);
  }

  /** The label names of the indexed series. */
  names(): Iterable<string> {
    return this.#names.keys();
  }

  /** The values of label `name` among the indexed series. */
  *values(name: string): Generator<string> {
    const table = this.#names.get(name);
    if (table !== undefined) for (const p of table.pairs()) yield this.#values[p]!;
  }

  /** Every label pair: name, value and how many series have it. */
  *pairs(): Generator<[name: string, value: string, count: number]> {
    this.#flush();
    for (const [name, table] of this.#names) {
      for (const p of table.pairs()) yield [name, this.#values[p]!, this.#lengths[p]!];
    }
  }

  /** Removes every ref in `dead`; pairs left without refs are dropped. */
  delete(dead: ReadonlySet<number>): void {
    this.#flush();
    const emptied = new Set<ValueTable>();
    for (let p = 0; p < this.#values.length; p++) {
      if (this.#values[p] === undefined || this.#removeAll(p, dead) > 0 || p === 0) continue;
      emptied.add(this.#tables[p]!);
      this.#values[p] = undefined;
      this.#tables[p] = undefined;
      this.#ids[p] = undefined;
      this.#freePairs.push(p);
    }
    for (const table of emptied) {
      table.retain((p) => this.#values[p] !== undefined);
      if (table.size === 0) this.#names.delete(table.name);
    }
    this.#recent.length = 0;
  }

  #removeAll(p: number, dead: ReadonlySet<number>): number {
    const n = this.#lengths[p]!;
    const ids = this.#ids[p];
    if (ids === undefined) {
      if (n === 1 && dead.has(this.#ones[p]!)) this.#lengths[p] = 0;
      return this.#lengths[p]!;
    }
    let w = 0;
    for (let r = 0; r < n; r++) {
      const id = ids[r]!;
      if (!dead.has(id)) ids[w++] = id;
    }
    // A list of one ref is kept as that ref, as when it was first made.
    if (w < 2) {
      this.#ids[p] = undefined;
      if (w === 1) this.#ones[p] = ids[0]!;
    }
    this.#lengths[p] = w;
    return w;
  }
}

/** A 32-bit hash of a label set from its first `n` pairs' numbers. */
export function hashPairs(pairs: readonly number[], n: number): number {
  // Murmur3's mixing of 32-bit blocks, one block a pair.
  let h = n;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(pairs[i]!, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
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
