import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The promql-compliance query list, copied byte-exact into the promql package's fixtures. */
const FIXTURES = new URL('../../../promql/test/fixtures/promql-compliance/', import.meta.url);

export interface ComplianceQuery {
  query: string;
  shouldFail: boolean;
}

interface TestCase {
  query: string;
  variant_args?: string[];
  should_fail?: boolean;
  skip_comparison?: boolean;
}

/**
 * The 539 concrete queries: every template expanded over the Cartesian product of its
 * `variant_args` (first name outermost), with the values of `variant-args.json`.
 */
export function complianceQueries(): ComplianceQuery[] {
  const doc = parse(readFileSync(new URL('promql/promql-test-queries.yml', FIXTURES), 'utf8')) as {
    test_cases: TestCase[];
  };
  const args = (
    JSON.parse(readFileSync(new URL('variant-args.json', FIXTURES), 'utf8')) as {
      variant_args: Record<string, string[]>;
    }
  ).variant_args;
  const out: ComplianceQuery[] = [];
  for (const tc of doc.test_cases) {
    let texts = [tc.query];
    // Expanding the names innermost-first leaves the first name as the outermost loop.
    for (const name of [...(tc.variant_args ?? [])].reverse()) {
      const values = args[name];
      if (values === undefined) throw new Error(`no values for variant arg ${name}`);
      texts = values.flatMap((v) => texts.map((t) => t.replaceAll(`{{.${name}}}`, v)));
    }
    for (const query of texts) {
      if (query.includes('{{')) throw new Error(`unexpanded placeholder in ${query}`);
      out.push({ query, shouldFail: tc.should_fail === true });
    }
  }
  return out;
}
