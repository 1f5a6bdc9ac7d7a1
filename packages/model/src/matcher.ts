import { compileAnchoredRegex } from './regex.ts';

export type MatchType = '=' | '!=' | '=~' | '!~';

const REGEX_META = /[\\.+*?()|[\]{}^$]/;

/**
 * A label matcher, `name op "value"`. Regex matchers are fully anchored, and `.` matches a
 * newline (Prometheus 3 compiles `^(?s:value)$`). A missing label matches as the empty string.
 */
export class Matcher {
  readonly #test: (value: string) => boolean;
  readonly #setMatches: readonly string[] | undefined;

  readonly type: MatchType;
  readonly name: string;
  readonly value: string;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    if (type === '=' || type === '!=') {
      this.#test = (v) => v === value;
      this.#setMatches = [value];
    } else if (type === '=~' || type === '!~') {
      const fast = literalRegexFastPath(value);
      this.#setMatches = fast.set;
      this.#test = fast.test ?? testerFor(compileAnchoredRegex(value));
    } else {
      throw new Error(`invalid match type "${type as string}"`);
    }
  }

  /** True when a label with value `value` ('' for a missing label) satisfies the matcher. */
  matches(value: string): boolean {
    const hit = this.#test(value);
    return this.type === '!=' || this.type === '!~' ? !hit : hit;
  }

  /**
   * For `=` and for regexes that are an alternation of literals (`a|b|c`), the exact values
   * the positive form matches, so an index can look them up instead of scanning.
   */
  setMatches(): readonly string[] | undefined {
    return this.#setMatches;
  }

  /** True when the matcher matches the empty string, i.e. also selects series without the label. */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  toString(): string {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.name) ? this.name : JSON.stringify(this.name);
    return `${name}${this.type}${JSON.stringify(this.value)}`;
  }
}

function testerFor(re: RegExp): (value: string) => boolean {
  return (v) => re.test(v);
}

interface FastPath {
  test?: (value: string) => boolean;
  set?: readonly string[];
}

// Shapes that dashboards use all the time and that need no regex engine.
function literalRegexFastPath(value: string): FastPath {
  if (value === '.*') return { test: () => true };
  if (value === '.+') return { test: (v) => v !== '' };
  if (!REGEX_META.test(value)) return { test: (v) => v === value, set: [value] };
  const parts = value.split('|');
  if (parts.length > 1 && parts.every((p) => !REGEX_META.test(p))) {
    const set = new Set(parts);
    return { test: (v) => set.has(v), set: [...set] };
  }
  if (value.endsWith('.*') && !REGEX_META.test(value.slice(0, -2))) {
    const prefix = value.slice(0, -2);
    return { test: (v) => v.startsWith(prefix) };
  }
  return {};
}

/** True when every matcher accepts the label set `get` describes. */
export function matchesAll(matchers: readonly Matcher[], get: (name: string) => string): boolean {
  for (const m of matchers) if (!m.matches(get(m.name))) return false;
  return true;
}
