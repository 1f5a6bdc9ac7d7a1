/** Where in which file a configuration error is; line and column are 1-based. */
export interface ConfigPosition {
  file: string;
  line: number;
  column: number;
}

/**
 * A configuration file that cannot be loaded. The message keeps Prometheus's wording
 * ("parsing YAML file <file>: <reason>") so operators can search for it, and ends with
 * the position of the offending node when there is one.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The file as the caller named it (the main configuration file). */
  readonly file: string;
  /** What was wrong, without the file prefix. */
  readonly reason: string;
  readonly position: ConfigPosition | undefined;

  constructor(file: string, reason: string, position?: ConfigPosition) {
    const where = position === undefined ? '' : ` (at ${position.file}:${position.line}:${position.column})`;
    super(`parsing YAML file ${file}: ${reason}${where}`);
    this.file = file;
    this.reason = reason;
    this.position = position;
  }
}

/** A reason raised while decoding, before the file prefix is known. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  readonly position: ConfigPosition | undefined;

  constructor(reason: string, position?: ConfigPosition) {
    super(reason);
    this.position = position;
  }
}
