import { isAbsolute, resolve } from 'node:path';
import { isValidName, parseDuration } from '@pyrometer/model';
import { isMap, isScalar, type Node } from 'yaml';
import { parseByteSize } from './byte-size.ts';
import {
  cannotUnmarshal,
  type DecodeContext,
  fail,
  type Kind,
  mappingPairs,
  scalarSource,
  sequenceItems,
} from './yaml-reader.ts';

const BINARY_TAG = 'tag:yaml.org,2002:binary';
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * A scalar's text. `!!binary` scalars are decoded as Go does, and their bytes must be
 * UTF-8 here, since JavaScript strings cannot hold anything else: `invalid` words the
 * error for the field at hand, given the bytes quoted Go's way (`"\xff"`).
 */
function scalarText(node: Node, ctx: DecodeContext, invalid: (quoted: string) => string): string {
  if (!isScalar(node)) cannotUnmarshal(ctx, node, 'string');
  if (node.tag !== BINARY_TAG) return scalarSource(node);
  const source = (node.source ?? '').replace(/\s+/g, '');
  if (!BASE64.test(source) || source.length % 4 !== 0) {
    fail(ctx, node, '!!binary value contains invalid base64 data');
  }
  const bytes = Buffer.from(source, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(ctx, node, invalid(goQuoteBytes(bytes)));
  }
}

/** Bytes quoted as Go's %q prints a string holding them. */
function goQuoteBytes(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** Any scalar as text: Go's decoder puts a number's or boolean's source into a string field. */
export const text: Kind<string> = {
  decode: (node, ctx) => scalarText(node, ctx, (q) => `${q} is not valid UTF-8`),
  zero: '',
};

export const labelName: Kind<string> = {
  decode(node, ctx) {
    const name = scalarText(node, ctx, (q) => `${q} is not a valid label name`);
    if (!isValidName(name)) fail(ctx, node, `${JSON.stringify(name)} is not a valid label name`);
    return name;
  },
};

export const labelValue: Kind<string> = {
  decode: (node, ctx) => scalarText(node, ctx, (q) => `${q} is not a valid label value`),
  zero: '',
};

export const bool: Kind<boolean> = {
  decode(node, ctx) {
    if (!isScalar(node) || typeof node.value !== 'boolean') cannotUnmarshal(ctx, node, 'bool');
    return node.value;
  },
};

function integer(into: string, min: number): Kind<number> {
  return {
    decode(node, ctx) {
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
        cannotUnmarshal(ctx, node, into);
      }
      if (node.value < min) cannotUnmarshal(ctx, node, into);
      return node.value;
    },
  };
}

export const int = integer('int', Number.MIN_SAFE_INTEGER);
export const uint = integer('uint', 0);

export const float: Kind<number> = {
  decode(node, ctx) {
    if (!isScalar(node) || typeof node.value !== 'number') cannotUnmarshal(ctx, node, 'float64');
    return node.value;
  },
};

/** A Prometheus duration (`30s`, `1h30m`), in milliseconds. */
export const duration: Kind<number> = {
  decode(node, ctx) {
    const source = text.decode(node, ctx);
    try {
      return parseDuration(source);
    } catch (err) {
      fail(ctx, node, (err as Error).message);
    }
  },
};

/** A size with a unit (`15MB`, `1GiB`), in bytes, as Prometheus's `units.Base2Bytes`. */
export const byteSize: Kind<number> = {
  decode(node, ctx) {
    const source = text.decode(node, ctx);
    const bytes = parseByteSize(source);
    if (typeof bytes === 'string') fail(ctx, node, bytes);
    return bytes;
  },
};

/** A file path, made absolute against the configuration file's directory as Prometheus does. */
export const path: Kind<string> = {
  decode: (node, ctx) => resolvePath(ctx, text.decode(node, ctx)),
  zero: '',
};

export function resolvePath(ctx: DecodeContext, value: string): string {
  return value === '' || isAbsolute(value) ? value : resolve(ctx.baseDir, value);
}

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * A URL as Go's `url.Parse` accepts it: anything but a leading colon or control
 * characters; relative references such as `localhost:9090` or `foo` pass.
 */
export const url: Kind<string> = {
  decode(node, ctx) {
    const value = text.decode(node, ctx);
    if (value.startsWith(':')) fail(ctx, node, `parse "${value}": missing protocol scheme`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Go rejects control characters in URLs
    if (/[\u0000-\u001f\u007f]/.test(value))
      fail(ctx, node, `parse "${value}": invalid control character in URL`);
    return value;
  },
};

/** Why `value` is not an http(s) URL with a host, worded as Prometheus's SD checks, or undefined. */
export function httpUrlProblem(value: string): string | undefined {
  const scheme = URL_SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return "URL scheme must be 'http' or 'https'";
  let host = '';
  try {
    host = new URL(value).host;
  } catch {
    host = '';
  }
  if (host === '') return 'host is missing in URL';
  return undefined;
}

export function list<T>(item: Kind<T>, into = '[]string'): Kind<T[]> {
  return {
    decode: (node, ctx) =>
      sequenceItems(ctx, node, into).map((n) => (n === null ? (item.zero as T) : item.decode(n, ctx))),
  };
}

export const textList = list(text);

/** A mapping of names to values; keys must be unique, as Go's decoder into a map demands. */
export function stringMap<T>(value: Kind<T>, key: Kind<string> = text): Kind<Record<string, T>> {
  return {
    decode(node, ctx) {
      if (!isMap(node)) cannotUnmarshal(ctx, node, 'map[string]string');
      const entries = new Map<string, T>();
      for (const [k, v] of mappingPairs(ctx, node)) {
        const name = key.decode(k, ctx);
        if (entries.has(name)) fail(ctx, k, `mapping key ${JSON.stringify(name)} already defined`);
        entries.set(name, v === null ? (value.zero as T) : value.decode(v, ctx));
      }
      // fromEntries defines own properties, so a key such as `__proto__` stays a key.
      return Object.fromEntries(entries);
    },
  };
}

/** One of a fixed set of words; `problem` words the error for anything else. */
export function oneOf<const T extends string>(values: readonly T[], problem: (v: string) => string): Kind<T> {
  return {
    decode(node, ctx) {
      const value = text.decode(node, ctx);
      if (!(values as readonly string[]).includes(value)) fail(ctx, node, problem(value));
      return value as T;
    },
  };
}
