/**
 * The one error the parsers throw: what was wrong, on which line and column of the input
 * (both 1-based; the column counts Unicode code points), and what was expected there.
 */
export class ExpositionError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(line: number, column: number, detail: string) {
    super(`exposition: line ${line}, column ${column}: ${detail}`);
    this.name = 'ExpositionError';
    this.line = line;
    this.column = column;
  }
}
