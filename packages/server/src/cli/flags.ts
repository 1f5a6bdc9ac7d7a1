import { parseDuration } from '@pyrometer/model';

/** The server's settings, from the command line; names follow Prometheus's flags. */
export interface ServerFlags {
  configFile: string;
  /** Whether `--config.file` was given: a missing default file means the built-in config. */
  configFileExplicit: boolean;
  storagePath: string;
  retentionTimeMs: number;
  retentionSizeBytes: number;
  listenAddress: string;
  externalUrl: string;
  enableLifecycle: boolean;
  enableAdminApi: boolean;
  enableRemoteWriteReceiver: boolean;
  lookbackDeltaMs: number;
  queryTimeoutMs: number;
  queryMaxSamples: number;
  queryMaxConcurrency: number;
  /** Pyrometer's bounds on untrusted input. */
  maxRequestBodyBytes: number;
  maxQueryLength: number;
  maxMatchParams: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  features: string[];
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';

/** A command line that cannot be run; the CLI prints it and exits 1. */
export class FlagError extends Error {
  override name = 'FlagError';
}

type Kind = 'string' | 'url' | 'bool' | 'duration' | 'int' | 'bytes' | 'enum' | 'list';

interface FlagSpec {
  name: string;
  kind: Kind;
  help: string;
  default: string;
  choices?: readonly string[];
}

/** Every flag, with Prometheus's default (as `--help` and `/api/v1/status/flags` show it). */
export const FLAGS: readonly FlagSpec[] = [
  {
    name: 'config.file',
    kind: 'string',
    default: 'prometheus.yml',
    help: 'Prometheus configuration file path.',
  },
  {
    name: 'web.listen-address',
    kind: 'string',
    default: '0.0.0.0:9090',
    help: 'Address to listen on for the API and telemetry.',
  },
  {
    name: 'web.external-url',
    kind: 'url',
    default: '',
    help: 'The URL under which Pyrometer is externally reachable (used for globalUrl).',
  },
  {
    name: 'web.enable-lifecycle',
    kind: 'bool',
    default: 'false',
    help: 'Enable shutdown and reload via HTTP request.',
  },
  {
    name: 'web.enable-admin-api',
    kind: 'bool',
    default: 'false',
    help: 'Enable API endpoints for admin control actions.',
  },
  {
    name: 'web.enable-remote-write-receiver',
    kind: 'bool',
    default: 'false',
    help: 'Enable API endpoint accepting remote write requests.',
  },
  {
    name: 'web.max-request-body-size',
    kind: 'bytes',
    default: '32MB',
    help: 'Largest request body accepted (Pyrometer).',
  },
  {
    name: 'web.max-match-params',
    kind: 'int',
    default: '1000',
    help: 'Most match[] parameters accepted in one request (Pyrometer).',
  },
  { name: 'storage.tsdb.path', kind: 'string', default: 'data/', help: 'Base path for metrics storage.' },
  {
    name: 'storage.tsdb.retention.time',
    kind: 'duration',
    default: '15d',
    help: 'How long to retain samples in storage.',
  },
  {
    name: 'storage.tsdb.retention.size',
    kind: 'bytes',
    default: '0B',
    help: 'Maximum number of bytes that can be stored for blocks (0: no limit).',
  },
  {
    name: 'query.lookback-delta',
    kind: 'duration',
    default: '5m',
    help: 'The maximum lookback duration for retrieving metrics during expression evaluations.',
  },
  {
    name: 'query.timeout',
    kind: 'duration',
    default: '2m',
    help: 'Maximum time a query may take before being aborted.',
  },
  {
    name: 'query.max-samples',
    kind: 'int',
    default: '50000000',
    help: 'Maximum number of samples a single query can load into memory.',
  },
  {
    name: 'query.max-concurrency',
    kind: 'int',
    default: '20',
    help: 'Maximum number of queries executed concurrently.',
  },
  {
    name: 'query.max-length',
    kind: 'int',
    default: '65536',
    help: 'Longest query text accepted, in characters (Pyrometer).',
  },
  {
    name: 'log.level',
    kind: 'enum',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    help: 'Only log messages with the given severity or above.',
  },
  {
    name: 'log.format',
    kind: 'enum',
    default: 'logfmt',
    choices: ['logfmt', 'json'],
    help: 'Output format of log messages.',
  },
  {
    name: 'enable-feature',
    kind: 'list',
    default: '',
    help: `Comma separated feature names to enable: ${Object.keys(featureNames()).join(', ')}.`,
  },
];

/** `--enable-feature` names and the PromQL engine option each switches on. */
export function featureNames(): Record<string, string> {
  return {
    'promql-experimental-functions': 'enableExperimentalFunctions',
    'promql-delayed-name-removal': 'enableDelayedNameRemoval',
    'promql-duration-expr': 'enableDurationExpressions',
    'promql-extended-range-selectors': 'enableExtendedRangeSelectors',
    'promql-binop-fill-modifiers': 'enableBinopFillModifiers',
  };
}

export type ParsedCommandLine =
  | { action: 'run'; flags: ServerFlags; values: Record<string, string> }
  | { action: 'help' }
  | { action: 'version' };

/** Parses `--flag=value`, `--flag value`, `--flag` / `--no-flag` for booleans, as kingpin does. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const raw = new Map<string, string>();
  const features: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { action: 'help' };
    if (arg === '--version') return { action: 'version' };
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument '${arg}', try --help`);
    const eq = arg.indexOf('=');
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    let spec = FLAGS.find((f) => f.name === name);
    if (spec === undefined && name.startsWith('no-')) {
      const negated = FLAGS.find((f) => f.name === name.slice(3) && f.kind === 'bool');
      if (negated !== undefined && value === undefined) {
        spec = negated;
        name = negated.name;
        value = 'false';
      }
    }
    if (spec === undefined) throw new FlagError(`unknown long flag '--${name}', try --help`);
    if (value === undefined) {
      if (spec.kind === 'bool') value = 'true';
      else {
        const next = argv[i + 1];
        if (next === undefined) throw new FlagError(`expected argument for flag '--${name}'`);
        value = next;
        i++;
      }
    }
    checkValue(spec, value);
    if (spec.kind === 'list') features.push(...value.split(',').filter((v) => v !== ''));
    else raw.set(name, value);
  }
  for (const feature of features) {
    if (!(feature in featureNames())) throw new FlagError(`unknown feature '${feature}' in --enable-feature`);
  }
  const values: Record<string, string> = {};
  for (const f of FLAGS)
    values[f.name] = f.kind === 'list' ? features.join(',') : (raw.get(f.name) ?? f.default);
  const get = (name: string): string => values[name] ?? '';
  return {
    action: 'run',
    values,
    flags: {
      configFile: get('config.file'),
      configFileExplicit: raw.has('config.file'),
      storagePath: get('storage.tsdb.path'),
      retentionTimeMs: parseDuration(get('storage.tsdb.retention.time')),
      retentionSizeBytes: parseBytes(get('storage.tsdb.retention.size')),
      listenAddress: get('web.listen-address'),
      externalUrl: get('web.external-url'),
      enableLifecycle: get('web.enable-lifecycle') === 'true',
      enableAdminApi: get('web.enable-admin-api') === 'true',
      enableRemoteWriteReceiver: get('web.enable-remote-write-receiver') === 'true',
      lookbackDeltaMs: parseDuration(get('query.lookback-delta')),
      queryTimeoutMs: parseDuration(get('query.timeout')),
      queryMaxSamples: Number(get('query.max-samples')),
      queryMaxConcurrency: Number(get('query.max-concurrency')),
      maxRequestBodyBytes: parseBytes(get('web.max-request-body-size')),
      maxQueryLength: Number(get('query.max-length')),
      maxMatchParams: Number(get('web.max-match-params')),
      logLevel: get('log.level') as LogLevel,
      logFormat: get('log.format') as LogFormat,
      features,
    },
  };
}

function checkValue(spec: FlagSpec, value: string): void {
  const bad = (what: string): FlagError =>
    new FlagError(`invalid value '${value}' for flag '--${spec.name}': ${what}`);
  switch (spec.kind) {
    case 'url':
      if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
        throw bad('expected an http(s) URL');
      return;
    case 'bool':
      if (value !== 'true' && value !== 'false') throw bad('expected true or false');
      return;
    case 'duration':
      try {
        parseDuration(value);
      } catch {
        throw bad('not a valid duration (e.g. 30s, 5m, 15d)');
      }
      return;
    case 'int':
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
        throw bad('expected a non-negative integer');
      return;
    case 'bytes':
      if (Number.isNaN(parseBytes(value))) throw bad('not a valid size (e.g. 512MB, 10GB)');
      return;
    case 'enum':
      if (!spec.choices?.includes(value)) throw bad(`expected one of ${spec.choices?.join(', ')}`);
      return;
    default:
      return;
  }
}

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  EB: 1024 ** 6,
};

/** Sizes as Prometheus writes them (`512MB`, base 1024); NaN when malformed. */
export function parseBytes(text: string): number {
  const m = /^(\d+)([KMGTPE]?B)$/i.exec(text.trim());
  if (m === null) return text.trim() === '0' ? 0 : Number.NaN;
  return Number(m[1]) * (BYTE_UNITS[m[2]!.toUpperCase()] ?? Number.NaN);
}

/** `--help`: every flag with its default. */
export function usage(): string {
  const lines = ['usage: pyrometer [<flags>]', '', 'The Pyrometer monitoring server', '', 'Flags:'];
  lines.push('  -h, --help  Show context-sensitive help.');
  lines.push('      --version  Show application version.');
  for (const f of FLAGS) {
    const arg = f.kind === 'bool' ? `--[no-]${f.name}` : `--${f.name}=${f.kind.toUpperCase()}`;
    const def = f.default === '' || f.kind === 'bool' ? '' : ` Default: "${f.default}"`;
    lines.push(`      ${arg}`, `          ${f.help}${def}`);
  }
  return `${lines.join('\n')}\n`;
}
