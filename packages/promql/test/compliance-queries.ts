import { readFileSync } from 'node:fs';

const dir = new URL('./fixtures/promql-compliance/', import.meta.url);

export interface ComplianceQuery {
  query: string;
  shouldFail: boolean;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) return v.slice(1, -1).replaceAll("''", "'");
  if (v.startsWith('"')) return JSON.parse(v) as string;
  return v;
}

/**
 * The compliance tester's query list with every `{{.placeholder}}` expanded (first variant
 * argument outermost), read with a small line reader: the file uses only `query`,
 * `variant_args` and `should_fail` keys, one per line.
 */
export function complianceQueries(): ComplianceQuery[] {
  const text = readFileSync(new URL('promql/promql-test-queries.yml', dir), 'utf8');
  const args = (
    JSON.parse(readFileSync(new URL('variant-args.json', dir), 'utf8')) as {
      variant_args: Record<string, string[]>;
    }
  ).variant_args;
  const cases: { query: string; variants: string[]; shouldFail: boolean }[] = [];
  for (const line of text.split('\n')) {
    const q = /^\s*(?:-\s+)?query:\s*(.*)$/.exec(line);
    if (q !== null) {
      cases.push({ query: unquote(q[1]!), variants: [], shouldFail: false });
      continue;
    }
    const last = cases[cases.length - 1];
    const v = /^\s*variant_args:\s*\[(.*)\]\s*$/.exec(line);
    if (v !== null && last !== undefined) last.variants = v[1]!.split(',').map(unquote);
    if (/^\s*should_fail:\s*true/.test(line) && last !== undefined) last.shouldFail = true;
  }
  const out: ComplianceQuery[] = [];
  for (const c of cases) {
    let queries = [c.query];
    for (const name of c.variants) {
      const values = args[name] ?? [];
      const next: string[] = [];
      for (const q of queries) for (const value of values) next.push(q.replaceAll(`{{.${name}}}`, value));
      queries = next;
    }
    for (const query of queries) out.push({ query, shouldFail: c.shouldFail });
  }
  return out;
}
