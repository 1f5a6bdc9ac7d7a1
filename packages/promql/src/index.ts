export type { QueryStats } from './engine/context.ts';
export {
  Engine,
  type EngineOptions,
  formatAnnotation,
  type QueryOptions,
  type QueryResult,
} from './engine/engine.ts';
export { type Annotation, QueryError, type QueryValue, type SeriesPoints } from './engine/values.ts';
export type * from './parser/ast.ts';
export { FUNCTIONS, type FunctionSignature } from './parser/functions.ts';
export { ParseError, type ParseOptions, parseDuration, parseExpr } from './parser/parser.ts';
export { formatDuration, formatNumber, prettifyExpr, printExpr } from './parser/printer.ts';
export { typeOf } from './parser/types.ts';
export { almostEqual } from './testing/compare.ts';
export { type FileOutcomes, formatReport } from './testing/report.ts';
export {
  type CommandClass,
  type CommandOutcome,
  runTestScript,
  TEST_ENGINE_OPTIONS,
} from './testing/runner.ts';
export { type Command, parseScript } from './testing/script.ts';
