import { compileAnchoredRegex, type Labels, METRIC_NAME } from '@pyrometer/model';
import { QueryError } from '../engine/values.ts';

/** Expands `$1`, `${1}`, `$name`, `${name}` and `$$` as Go's Regexp.Expand does. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[a-zA-Z0-9_]+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      i = close;
    } else {
      const m = /^[a-zA-Z0-9_]+/.exec(template.slice(i + 1));
      if (m === null) {
        out += c;
        continue;
      }
      name = m[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += match[Number(name)] ?? '';
    else out += match.groups?.[name] ?? '';
  }
  return out;
}

export interface Relabeled {
  labels: Labels;
  /** The metric name was written by the function, so it is no longer to be dropped. */
  setsName: boolean;
}

export function labelReplacer(
  dst: string,
  replacement: string,
  src: string,
  regex: string,
): (labels: Labels) => Labels {
  let re: RegExp;
  try {
    re = compileAnchoredRegex(regex);
  } catch (e) {
    throw new QueryError(
      'execution',
      `invalid regular expression in label_replace(): ${regex}: ${(e as Error).message}`,
    );
  }
  if (dst === '' || !dst.isWellFormed()) {
    throw new QueryError('execution', `invalid destination label name in label_replace(): ${dst}`);
  }
  return (labels) => {
    const m = re.exec(labels.get(src));
    if (m === null) return labels;
    const value = expandTemplate(replacement, m);
    return labels.builder().set(dst, value).labels();
  };
}

export function labelJoiner(dst: string, sep: string, srcs: string[]): (labels: Labels) => Labels {
  if (dst === '' || !dst.isWellFormed()) {
    throw new QueryError('execution', `invalid destination label name in label_join(): ${dst}`);
  }
  for (const s of srcs) {
    if (!s.isWellFormed())
      throw new QueryError('execution', `invalid source label name in label_join(): ${s}`);
  }
  return (labels) => {
    const value = srcs.map((s) => labels.get(s)).join(sep);
    return labels.builder().set(dst, value).labels();
  };
}

export { METRIC_NAME };
