import { measure, printFigures } from '../../../scripts/bench-kit.ts';
import { parseExpr, printExpr } from '../src/index.ts';
import { complianceQueries } from '../test/compliance-queries.ts';

// Parse throughput over the compliance tester's 539 expanded queries.
const queries = complianceQueries()
  .filter((q) => !q.shouldFail)
  .map((q) => q.query);
const trees = queries.map((q) => parseExpr(q));

const parse = measure(
  () => {
    let n = 0;
    for (const q of queries) n += parseExpr(q).pos.end;
    return n;
  },
  { minMs: 2000, warmupMs: 500 },
);
const print = measure(
  () => {
    let n = 0;
    for (const e of trees) n += printExpr(e).length;
    return n;
  },
  { minMs: 1000, warmupMs: 200 },
);

printFigures('PromQL parser (compliance query list)', [
  { case: `parse (${queries.length} queries)`, unit: 'expressions/s', value: parse.hz * queries.length },
  { case: 'print', unit: 'expressions/s', value: print.hz * queries.length },
]);
