import type { Querier, Queryable } from '@pyrometer/model';
import type { AtModifier, DurationExpr, PosRange } from '../parser/ast.ts';
import { type Annotation, QueryError } from './values.ts';

export interface EngineSettings {
  lookbackDelta: number;
  maxSamples: number;
  noStepSubqueryInterval: number;
  delayedNameRemoval: boolean;
  enableExperimentalFunctions: boolean;
}

export interface QueryStats {
  /** Samples read from storage. */
  totalQueryableSamples: number;
  /** The most samples held at once while evaluating (an approximation of Prometheus's figure). */
  peakSamples: number;
  /** Native-histogram samples that were read but left out: the engine evaluates floats only. */
  histogramSamples: number;
}

/** Shared state of one query: settings, storage, limits, annotations. */
export class QueryContext {
  readonly settings: EngineSettings;
  readonly queryable: Queryable;
  readonly queryStart: number;
  readonly queryEnd: number;
  readonly queryStep: number;
  readonly annotations: Annotation[] = [];
  readonly stats: QueryStats = { totalQueryableSamples: 0, peakSamples: 0, histogramSamples: 0 };
  readonly #signal: AbortSignal | undefined;
  readonly #deadline: number;
  readonly #queriers: Querier[] = [];
  readonly #seen = new Set<string>();
  readonly input: string;

  constructor(
    settings: EngineSettings,
    queryable: Queryable,
    input: string,
    range: { start: number; end: number; step: number },
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.settings = settings;
    this.queryable = queryable;
    this.input = input;
    this.queryStart = range.start;
    this.queryEnd = range.end;
    this.queryStep = range.step;
    this.#signal = signal;
    this.#deadline = Number.isFinite(timeoutMs) ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
  }

  /** Throws when the query was cancelled or ran out of time. */
  check(): void {
    if (this.#signal?.aborted) throw new QueryError('canceled', 'query was canceled');
    if (performance.now() > this.#deadline)
      throw new QueryError('timeout', 'query timed out in query execution');
  }

  async querier(mint: number, maxt: number): Promise<Querier> {
    const q = await this.queryable.querier(mint, maxt);
    this.#queriers.push(q);
    return q;
  }

  close(): void {
    for (const q of this.#queriers) q.close();
    this.#queriers.length = 0;
  }

  /** Counts samples held at once against the query's limit, as Prometheus's maxSamples. */
  holdSamples(n: number): void {
    if (n > this.stats.peakSamples) this.stats.peakSamples = n;
    if (n > this.settings.maxSamples) {
      throw new QueryError(
        'too_many_samples',
        'query processing would load too many samples into memory in query execution',
      );
    }
  }

  warn(message: string, pos?: PosRange): void {
    this.#annotate('warning', message, pos);
  }

  info(message: string, pos?: PosRange): void {
    this.#annotate('info', message, pos);
  }

  #annotate(severity: 'warning' | 'info', message: string, pos?: PosRange): void {
    const key = `${severity}\u0000${message}\u0000${pos?.start}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const a: Annotation = { severity, message };
    if (pos !== undefined) a.pos = pos;
    this.annotations.push(a);
  }

  atTime(at: AtModifier): number {
    if (at.kind === 'start') return this.queryStart;
    if (at.kind === 'end') return this.queryEnd;
    return at.ms;
  }

  /** A duration expression's value in ms; `step()` and `range()` refer to the whole query. */
  durationMs(d: DurationExpr): number {
    return Math.round(this.#durationSeconds(d) * 1000);
  }

  #durationSeconds(d: DurationExpr): number {
    switch (d.kind) {
      case 'DurationLiteral':
        return d.ms / 1000;
      case 'DurationParen':
        return this.#durationSeconds(d.expr);
      case 'DurationUnary':
        return d.op === '-' ? -this.#durationSeconds(d.expr) : this.#durationSeconds(d.expr);
      case 'DurationCall': {
        if (d.func === 'step') return this.queryStep / 1000;
        if (d.func === 'range') return (this.queryEnd - this.queryStart) / 1000;
        const a = this.#durationSeconds(d.args[0]!);
        const b = this.#durationSeconds(d.args[1]!);
        return d.func === 'min_of' ? Math.min(a, b) : Math.max(a, b);
      }
      case 'DurationBinary': {
        const a = this.#durationSeconds(d.lhs);
        const b = this.#durationSeconds(d.rhs);
        switch (d.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            if (b === 0) throw new QueryError('execution', 'division by zero in duration expression');
            return a / b;
          case '%':
            if (b === 0) throw new QueryError('execution', 'modulo by zero in duration expression');
            return a % b;
          case '^':
            return a ** b;
        }
      }
    }
  }
}

/** The steps one evaluation runs over: `start + k * interval` for k in [0, steps). */
export interface StepRange {
  start: number;
  end: number;
  interval: number;
  steps: number;
}

export function stepRange(start: number, end: number, interval: number): StepRange {
  const steps = interval > 0 ? Math.floor((end - start) / interval) + 1 : 1;
  return { start, end, interval, steps };
}

export function stepTime(r: StepRange, k: number): number {
  return r.start + k * r.interval;
}
