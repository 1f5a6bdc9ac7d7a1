// Kubernetes selector syntax, checked the way the API server would parse it, so a typo is
// reported when the configuration loads rather than on every watch request.

const LABEL_OPERATORS =
  /^(!?[A-Za-z0-9_./-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9_.-]*)|\s+(in|notin)\s*\(([^)]*)\))?$/;
const FIELD_TERM = /^[^=!,]+(==|=|!=)[^=!,]*$/;

/**
 * Why `selector` is not a valid label (or, with `isField`, field) selector, or undefined
 * when it is. Terms are separated by commas outside parentheses.
 */
export function checkSelector(selector: string, isField: boolean): string | undefined {
  for (const term of splitTerms(selector)) {
    const trimmed = term.trim();
    if (trimmed === '') return `empty term in '${selector}'`;
    const ok = isField ? FIELD_TERM.test(trimmed) : LABEL_OPERATORS.test(trimmed);
    if (!ok) return `can't understand '${trimmed}'`;
  }
  return undefined;
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}
