// Runs the OpenMetrics parser test suite against the OpenMetrics parser.
// Usage: node --conditions=@pyrometer/source packages/exposition/bin/conformance-openmetrics.ts [dir]
// where dir holds the case folders (default: the copy under test/fixtures/openmetrics).
import { DEFAULT_SUITE_DIR, describeFailure, runOpenMetricsSuite } from './openmetrics-suite.ts';

const result = runOpenMetricsSuite(process.argv[2] ?? DEFAULT_SUITE_DIR);
for (const failure of result.failed) console.log(describeFailure(failure));
console.log(`${result.passed} passed, ${result.failed.length} failed`);
process.exitCode = result.failed.length > 0 ? 1 : 0;
