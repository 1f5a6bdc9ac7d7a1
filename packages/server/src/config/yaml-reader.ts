import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { type ConfigPosition, DecodeError } from './error.ts';
import { closestKey } from './suggestion.ts';

/** What every decoder needs: where the text came from, to name positions and resolve paths. */
export interface DecodeContext {
  /** The file name positions are reported with. */
  readonly file: string;
  /** Directory that relative paths in this file resolve against. */
  readonly baseDir: string;
  readonly lineCounter: LineCounter;
  readonly doc: Document;
}

/** Turns one non-null YAML node into a typed value, or throws a `DecodeError`. */
export interface Kind<T> {
  decode(node: Node, ctx: DecodeContext): T;
  /** What a YAML null becomes inside a list or map, as Go's zero value ('' for text). */
  readonly zero?: T;
}

export function positionOf(ctx: DecodeContext, node: Node | Pair | null | undefined): ConfigPosition {
  const offset = node && 'range' in node ? (node.range?.[0] ?? 0) : 0;
  const { line, col } = ctx.lineCounter.linePos(offset);
  return { file: ctx.file, line, column: col };
}

export function fail(ctx: DecodeContext, node: Node | null | undefined, reason: string): never {
  throw new DecodeError(reason, node ? positionOf(ctx, node) : undefined);
}

/** The node an alias points to; `null` for a missing node or a YAML null. */
export function resolveNode(ctx: DecodeContext, node: unknown): Node | null {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(ctx.doc);
  if (current === undefined || current === null) return null;
  if (isScalar(current) && current.value === null) return null;
  return current as Node;
}

/** The YAML tag of a node as Go's yaml decoder names it in "cannot unmarshal" errors. */
export function yamlTagOf(node: Node): string {
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  if (isScalar(node)) {
    if (node.tag === 'tag:yaml.org,2002:binary') return '!!binary';
    switch (typeof node.value) {
      case 'boolean':
        return '!!bool';
      case 'number':
        return Number.isInteger(node.value) ? '!!int' : '!!float';
      case 'bigint':
        return '!!int';
      default:
        return '!!str';
    }
  }
  return '!!str';
}

/** Go's yaml wording for a value of the wrong shape. */
export function cannotUnmarshal(ctx: DecodeContext, node: Node, into: string): never {
  const source = isScalar(node) ? ` \`${scalarSource(node)}\`` : '';
  fail(ctx, node, `unmarshal errors: cannot unmarshal ${yamlTagOf(node)}${source} into ${into}`);
}

export function scalarSource(node: Node): string {
  if (!isScalar(node)) return '';
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

/** The items of a sequence, aliases resolved; YAML nulls stay null so callers can reject them. */
export function sequenceItems(ctx: DecodeContext, node: Node, into: string): (Node | null)[] {
  if (!isSeq(node)) cannotUnmarshal(ctx, node, into);
  return node.items.map((item) => resolveNode(ctx, item));
}

interface Entry {
  key: Node;
  value: Node | null;
}

/**
 * A YAML mapping read as one of Prometheus's structs: every key must be one the struct
 * knows and appear once, as Go's strict decoder demands ("field x not found in type y").
 */
export class Mapping {
  readonly ctx: DecodeContext;
  /** The mapping node; undefined when the section was absent or null. */
  readonly node: YAMLMap | undefined;
  readonly #entries = new Map<string, Entry>();

  constructor(ctx: DecodeContext, node: Node | null, typeName: string, keys: Iterable<string>) {
    this.ctx = ctx;
    if (node === null) return;
    if (!isMap(node)) cannotUnmarshal(ctx, node, typeName);
    this.node = node;
    const known = new Set(keys);
    for (const [key, value] of mappingPairs(ctx, node)) {
      const name = scalarSource(key);
      if (!known.has(name)) {
        const suggestion = closestKey(name, known);
        const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
        fail(ctx, key, `field ${name} not found in type ${typeName}${hint}`);
      }
      if (this.#entries.has(name)) fail(ctx, key, `field ${name} already set in type ${typeName}`);
      this.#entries.set(name, { key, value });
    }
  }

  /** Whether the key was written, even with a null value. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The value node of a key; null when absent or null. */
  value(key: string): Node | null {
    return this.#entries.get(key)?.value ?? null;
  }

  /** A node to report an error about `key` at: its value, else its key, else the mapping. */
  at(key?: string): Node | undefined {
    if (key === undefined) return this.node;
    const entry = this.#entries.get(key);
    return entry?.value ?? entry?.key ?? this.node;
  }

  get<T>(key: string, kind: Kind<T>): T | undefined;
  get<T>(key: string, kind: Kind<T>, fallback: T): T;
  get<T>(key: string, kind: Kind<T>, fallback?: T): T | undefined {
    const node = this.value(key);
    return node === null ? fallback : kind.decode(node, this.ctx);
  }

  fail(key: string | undefined, reason: string): never {
    fail(this.ctx, this.at(key), reason);
  }
}

/** Key and value nodes of a mapping, with `<<` merge keys expanded (explicit keys win). */
export function mappingPairs(ctx: DecodeContext, node: YAMLMap): [Node, Node | null][] {
  const own: [Node, Node | null][] = [];
  const merged: [Node, Node | null][] = [];
  for (const pair of node.items) {
    const key = resolveNode(ctx, pair.key);
    if (key === null) fail(ctx, node, 'unmarshal errors: a mapping key cannot be null');
    // The yaml package parses `<<` (with merge on) into a symbol key.
    if (isScalar(key) && typeof key.value === 'symbol') {
      const source = resolveNode(ctx, pair.value);
      const sources =
        source !== null && isSeq(source) ? source.items.map((i) => resolveNode(ctx, i)) : [source];
      for (const s of sources) {
        if (s === null || !isMap(s))
          fail(ctx, key, 'map merge requires map or sequence of maps as the value');
        merged.push(...mappingPairs(ctx, s));
      }
      continue;
    }
    if (!isScalar(key)) fail(ctx, key, 'unmarshal errors: a mapping key must be a scalar');
    own.push([key, resolveNode(ctx, pair.value)]);
  }
  const ownNames = new Set(own.map(([k]) => scalarSource(k)));
  return [...merged.filter(([k]) => !ownNames.has(scalarSource(k))), ...own];
}

/** The items of a list of sections, each read by `read`; a null item is refused with `nullItem`. */
export function readSections<T>(
  m: Mapping,
  key: string,
  nullItem: string,
  read: (node: Node, ctx: DecodeContext) => T,
): T[] {
  const list = m.value(key);
  if (list === null) return [];
  return sequenceItems(m.ctx, list, `[]*config.${key}`).map((item) => {
    if (item === null) fail(m.ctx, list, nullItem);
    return read(item, m.ctx);
  });
}
