import type { Expr, ValueTypeName } from './ast.ts';
import { FUNCTIONS } from './functions.ts';

/** The type an expression evaluates to. */
export function typeOf(e: Expr): ValueTypeName {
  switch (e.kind) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
      return typeOf(e.expr);
    case 'BinaryExpr':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return FUNCTIONS.get(e.func)?.returnType ?? 'vector';
  }
}

/** The names Prometheus uses for value types in its error messages. */
export function typeName(t: ValueTypeName): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}
