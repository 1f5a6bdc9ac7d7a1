/**
 * The children of a labelled metric, found by their label values without building a key:
 * one Map level per label name, so `labels('GET', '200')` is two Map lookups and allocates
 * nothing. Children are also kept in creation order, the order they are written out in.
 */
export class ChildIndex<C> {
  readonly #depth: number;
  // Depth 0: the only child lives in #only. Otherwise nested Maps, value → (Map | child).
  #only: C | undefined;
  readonly #root = new Map<string, unknown>();
  #all: C[] = [];

  constructor(depth: number) {
    this.#depth = depth;
  }

  /** Every child, in creation order. The array is owned by the index: do not keep or modify it. */
  get all(): readonly C[] {
    return this.#all;
  }

  get size(): number {
    return this.#all.length;
  }

  /** The child for positional label values (strings or numbers), if it exists. */
  findByPosition(values: readonly unknown[]): C | undefined {
    if (values.length !== this.#depth) return undefined;
    if (this.#depth === 0) return this.#only;
    let node: unknown = this.#root;
    for (let i = 0; i < values.length; i++) {
      node = (node as Map<string, unknown>).get(labelValueOf(values[i]));
      if (node === undefined) return undefined;
    }
    return node as C;
  }

  /**
   * The child for a `{ name: value }` object, if it exists and the object names no label
   * other than `names`. Anything doubtful returns undefined, for the caller's slow path to
   * validate.
   */
  findByName(names: readonly string[], labels: Readonly<Record<string, unknown>>): C | undefined {
    let given = 0;
    let node: unknown = this.#depth === 0 ? this.#only : this.#root;
    for (let i = 0; i < names.length; i++) {
      const raw = labels[names[i]!];
      if (raw !== undefined) given++;
      node = (node as Map<string, unknown>).get(labelValueOf(raw));
      if (node === undefined) return undefined;
    }
    let keys = 0;
    for (const _ in labels) keys++;
    return keys === given ? (node as C | undefined) : undefined;
  }

  /** Finds by already-normalised string values. */
  get(values: readonly string[]): C | undefined {
    return this.findByPosition(values);
  }

  /** Adds a child; `values` are normalised strings and must not be present yet. */
  add(values: readonly string[], child: C): void {
    if (this.#depth === 0) {
      this.#only = child;
    } else {
      let map = this.#root;
      for (let i = 0; i < values.length - 1; i++) {
        let next = map.get(values[i]!) as Map<string, unknown> | undefined;
        if (next === undefined) {
          next = new Map();
          map.set(values[i]!, next);
        }
        map = next;
      }
      map.set(values[values.length - 1]!, child);
    }
    this.#all.push(child);
  }

  /** Removes the child with these normalised values; returns it, or undefined if there was none. */
  delete(values: readonly string[]): C | undefined {
    const child = this.get(values);
    if (child === undefined) return undefined;
    if (this.#depth === 0) this.#only = undefined;
    else this.#deletePath(this.#root, values, 0);
    this.#all = this.#all.filter((c) => c !== child);
    return child;
  }

  clear(): void {
    this.#only = undefined;
    this.#root.clear();
    this.#all = [];
  }

  // Removes the leaf and any Map left empty on the way back up, so removed series free their memory.
  #deletePath(map: Map<string, unknown>, values: readonly string[], level: number): void {
    const key = values[level]!;
    if (level === values.length - 1) {
      map.delete(key);
      return;
    }
    const next = map.get(key) as Map<string, unknown>;
    this.#deletePath(next, values, level + 1);
    if (next.size === 0) map.delete(key);
  }
}

/**
 * A label value as it is stored: numbers are written in decimal (V8 caches small numbers'
 * strings, so this rarely allocates) and a missing label is the empty value.
 */
export function labelValueOf(raw: unknown): string {
  return typeof raw === 'string' ? raw : raw === undefined ? '' : String(raw);
}
