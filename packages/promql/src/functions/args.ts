import { QueryError } from '../engine/values.ts';
import type { Expr } from '../parser/ast.ts';

export function unparen(e: Expr): Expr {
  let n = e;
  while (n.kind === 'ParenExpr') n = n.expr;
  return n;
}

export function stringArg(e: Expr): string {
  const n = unparen(e);
  if (n.kind !== 'StringLiteral') throw new QueryError('execution', 'expected a string literal');
  return n.value;
}
