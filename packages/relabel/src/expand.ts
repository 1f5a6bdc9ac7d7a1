/**
 * Expands `$1`, `${1}`, `$name`, `${name}` and `$$` in `template` from a regex match, with
 * Go's regexp.Expand rules, which Prometheus uses for `replacement` and `target_label`:
 * in the `$name` form the name is as long as possible (`$1x` means `${1x}`, not `${1}x`);
 * an unknown or unmatched group expands to nothing; a malformed reference stays as text.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    if (template[dollar + 1] === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    const ref = readReference(template, dollar + 1);
    if (ref === undefined) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    out += groupValue(match, ref.name);
    i = ref.end;
  }
  return out;
}

const NAME_CHARS = /^[\p{L}\p{Nd}_]+/u;

function readReference(template: string, from: number): { name: string; end: number } | undefined {
  if (template[from] === '{') {
    const close = template.indexOf('}', from + 1);
    if (close < 0) return undefined;
    const name = template.slice(from + 1, close);
    const m = NAME_CHARS.exec(name);
    if (m === null || m[0] !== name) return undefined;
    return { name, end: close + 1 };
  }
  const m = NAME_CHARS.exec(template.slice(from));
  if (m === null) return undefined;
  return { name: m[0], end: from + m[0].length };
}

function groupValue(match: RegExpExecArray, name: string): string {
  if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
  return match.groups?.[name] ?? '';
}

/** True when `template` refers to a capture group (so it can only be checked after expansion). */
export function hasGroupReference(template: string): boolean {
  return /\$(?:\{[\p{L}\p{Nd}_]+\}|[\p{L}\p{Nd}_])/u.test(template);
}
