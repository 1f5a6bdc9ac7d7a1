import type { LogFormat, LogLevel } from '../cli/flags.ts';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, string | number | boolean | undefined>;

/** Structured logs in logfmt or JSON, one line per event, as Prometheus's `--log.*` flags give. */
export class Logger {
  readonly #level: number;
  readonly #format: LogFormat;
  readonly #context: LogFields;
  readonly #write: (line: string) => void;

  constructor(
    options: { level?: LogLevel; format?: LogFormat; write?: (line: string) => void },
    context: LogFields = {},
  ) {
    this.#level = RANK[options.level ?? 'info'];
    this.#format = options.format ?? 'logfmt';
    this.#write = options.write ?? ((line) => process.stderr.write(line));
    this.#context = context;
  }

  /** A logger whose lines also carry `fields` (e.g. `component`). */
  with(fields: LogFields): Logger {
    const level = (Object.keys(RANK) as LogLevel[]).find((l) => RANK[l] === this.#level) ?? 'info';
    return new Logger({ level, format: this.#format, write: this.#write }, { ...this.#context, ...fields });
  }

  debug(msg: string, fields?: LogFields): void {
    this.#log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#log('error', msg, fields);
  }

  #log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (RANK[level] < this.#level) return;
    const entry: LogFields = { time: new Date().toISOString(), level, ...this.#context, msg, ...fields };
    this.#write(`${this.#format === 'json' ? JSON.stringify(entry) : logfmt(entry)}\n`);
  }
}

function logfmt(entry: LogFields): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    const text = String(value);
    parts.push(`${key}=${/^[^\s"=]+$/.test(text) ? text : JSON.stringify(text)}`);
  }
  return parts.join(' ');
}
