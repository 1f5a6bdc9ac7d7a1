import type { Matcher } from '@pyrometer/model';

/** Offsets into the query text: `start` inclusive, `end` exclusive. */
export interface PosRange {
  start: number;
  end: number;
}

export type ValueTypeName = 'scalar' | 'vector' | 'matrix' | 'string';

/** A duration written in a range, offset or step; evaluates to milliseconds. */
export type DurationExpr =
  | {
      kind: 'DurationLiteral';
      ms: number /** written with units (`5m`) rather than seconds */;
      unit: boolean;
      pos: PosRange;
    }
  | {
      kind: 'DurationBinary';
      op: '+' | '-' | '*' | '/' | '%' | '^';
      lhs: DurationExpr;
      rhs: DurationExpr;
      pos: PosRange;
    }
  | { kind: 'DurationUnary'; op: '-' | '+'; expr: DurationExpr; pos: PosRange }
  | { kind: 'DurationParen'; expr: DurationExpr; pos: PosRange }
  | {
      kind: 'DurationCall';
      func: 'step' | 'range' | 'min_of' | 'max_of';
      args: DurationExpr[];
      pos: PosRange;
    };

/** What `@` pins evaluation to. */
export type AtModifier = { kind: 'time'; ms: number } | { kind: 'start' } | { kind: 'end' };

export interface NumberLiteral {
  kind: 'NumberLiteral';
  value: number;
  /** The literal was a duration (`5m`), printed back as one. */
  duration?: boolean;
  pos: PosRange;
}

export interface StringLiteral {
  kind: 'StringLiteral';
  value: string;
  pos: PosRange;
}

export interface VectorSelector {
  kind: 'VectorSelector';
  /** The metric name when written in front of or inside the braces as a plain equality. */
  name: string;
  matchers: Matcher[];
  offset?: DurationExpr;
  at?: AtModifier;
  /** `anchored`/`smoothed` written after an instant selector. */
  modifier?: RangeModifier;
  pos: PosRange;
}

export type RangeModifier = 'anchored' | 'smoothed';

export interface MatrixSelector {
  kind: 'MatrixSelector';
  selector: VectorSelector;
  range: DurationExpr;
  modifier?: RangeModifier;
  pos: PosRange;
}

export interface SubqueryExpr {
  kind: 'SubqueryExpr';
  expr: Expr;
  range: DurationExpr;
  step?: DurationExpr;
  offset?: DurationExpr;
  at?: AtModifier;
  pos: PosRange;
}

export interface ParenExpr {
  kind: 'ParenExpr';
  expr: Expr;
  pos: PosRange;
}

export interface UnaryExpr {
  kind: 'UnaryExpr';
  op: '-' | '+';
  expr: Expr;
  pos: PosRange;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '<'
  | '>'
  | '<='
  | '>='
  | 'and'
  | 'or'
  | 'unless'
  /** Histogram trim operators: keep the part of each histogram below / above a value. */
  | '</'
  | '>/';

export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` when false. */
  on: boolean;
  labels: string[];
  /** Labels listed in group_left/group_right. */
  include: string[];
  /** Whether `on`/`ignoring` was written at all (`on()` differs from nothing). */
  explicit: boolean;
}

export interface FillModifier {
  left?: number;
  right?: number;
}

export interface BinaryExpr {
  kind: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching?: VectorMatching;
  fill?: FillModifier;
  pos: PosRange;
}

export interface Call {
  kind: 'Call';
  func: string;
  args: Expr[];
  pos: PosRange;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  kind: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  param?: Expr;
  grouping: string[];
  without: boolean;
  /** `by`/`without` was written (an empty `by ()` still prints). */
  hasGrouping: boolean;
  pos: PosRange;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | Call
  | AggregateExpr;
