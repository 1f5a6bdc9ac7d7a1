import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Node } from 'yaml';
import { type AlertingConfig, readAlerting } from './alerting.ts';
import { documentContext } from './document.ts';
import { ConfigError, DecodeError } from './error.ts';
import { type GlobalConfig, readGlobal } from './global.ts';
import { resolvePath, textList } from './kinds.ts';
import { type OtlpConfig, readOtlp } from './otlp.ts';
import { type RemoteReadConfig, readRemoteRead } from './remote-read.ts';
import { type RemoteWriteConfig, readRemoteWrite } from './remote-write.ts';
import { type RuntimeConfig, readRuntime } from './runtime.ts';
import type { ScrapeJobConfig } from './scrape.ts';
import { readJobs, readScrapeConfigFiles } from './scrape-configs.ts';
import { readStorage, type StorageConfig } from './storage.ts';
import { readTracing, type TracingConfig } from './tracing.ts';
import { type DecodeContext, Mapping, readSections } from './yaml-reader.ts';

/** A whole `prometheus.yml`, validated, with every default filled in and paths made absolute. */
export interface PrometheusConfig {
  global: GlobalConfig;
  runtime: RuntimeConfig;
  /** Globs of rule files, absolute. */
  ruleFiles: string[];
  /** Globs of extra scrape-config files, absolute; their jobs are already in `scrapeConfigs`. */
  scrapeConfigFiles: string[];
  scrapeConfigs: ScrapeJobConfig[];
  alerting: AlertingConfig;
  remoteWrite: RemoteWriteConfig[];
  remoteRead: RemoteReadConfig[];
  storage: StorageConfig;
  tracing: TracingConfig;
  otlp: OtlpConfig;
}

export interface ParseConfigOptions {
  /** How errors name the file (as the user gave it, e.g. `prometheus.yml`). */
  filename: string;
  /** Directory relative paths resolve against: the configuration file's. */
  baseDir: string;
  /** Prometheus's agent mode refuses rule files, alerting and remote read. */
  agentMode?: boolean;
  /** Variables `external_labels` values expand; the process environment by default. */
  env?: NodeJS.ProcessEnv;
}

const TOP_LEVEL_KEYS = [
  'global',
  'runtime',
  'rule_files',
  'scrape_config_files',
  'scrape_configs',
  'alerting',
  'remote_write',
  'remote_read',
  'storage',
  'tracing',
  'otlp',
];

// As Prometheus: a glob may only appear in the last path element.
const FILE_GLOB = /^[^*]*(\*[^/]*)?$/;

/**
 * Parses and validates a configuration file's text. Files named by `scrape_config_files`
 * are read (synchronously) from `baseDir`. Throws `ConfigError`.
 */
export function parseConfig(text: string, options: ParseConfigOptions): PrometheusConfig {
  return withFileErrors(options.filename, () => {
    const ctx = documentContext(text, options.filename, options.baseDir);
    return readConfig(ctx.doc.contents, ctx, options);
  });
}

/** Reads and parses a configuration file; relative paths resolve against its directory. */
export async function loadConfigFile(
  path: string,
  options: Partial<ParseConfigOptions> = {},
): Promise<PrometheusConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, (err as Error).message);
  }
  return parseConfig(text, {
    ...options,
    filename: options.filename ?? path,
    baseDir: options.baseDir ?? dirname(resolve(path)),
  });
}

function withFileErrors<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof DecodeError) throw new ConfigError(file, err.message, err.position);
    throw err;
  }
}

function readConfig(node: unknown, ctx: DecodeContext, options: ParseConfigOptions): PrometheusConfig {
  const m = new Mapping(ctx, (node ?? null) as Node | null, 'config.plain', TOP_LEVEL_KEYS);
  const global = readGlobal(m.value('global'), ctx, options.env ?? process.env);
  const ruleFiles = readGlobs(m, 'rule_files', 'invalid rule file path');
  const scrapeConfigFiles = readGlobs(m, 'scrape_config_files', 'invalid scrape config file path');
  const scrapeConfigs = readJobs(m, global);
  const config: PrometheusConfig = {
    global,
    runtime: readRuntime(m.value('runtime'), ctx),
    ruleFiles,
    scrapeConfigFiles,
    scrapeConfigs,
    alerting: readAlerting(m.value('alerting'), ctx),
    remoteWrite: readSections(
      m,
      'remote_write',
      'empty or null remote write config section',
      readRemoteWrite,
    ),
    remoteRead: readSections(m, 'remote_read', 'empty or null remote read config section', readRemoteRead),
    storage: readStorage(m.value('storage'), ctx),
    tracing: readTracing(m.value('tracing'), ctx),
    otlp: readOtlp(m.value('otlp'), ctx, global.metricNameValidationScheme),
  };
  checkUniqueNames(m, 'remote_write', config.remoteWrite, 'remote write');
  checkUniqueNames(m, 'remote_read', config.remoteRead, 'remote read');
  if (options.agentMode) checkAgentMode(m, config);
  for (const pattern of scrapeConfigFiles) {
    for (const job of readScrapeConfigFiles(pattern, ctx, global)) {
      if (scrapeConfigs.some((j) => j.jobName === job.jobName)) {
        m.fail(
          'scrape_config_files',
          `found multiple scrape configs with job name ${JSON.stringify(job.jobName)}`,
        );
      }
      scrapeConfigs.push(job);
    }
  }
  return config;
}

function readGlobs(m: Mapping, key: string, problem: string): string[] {
  return m.get(key, textList, []).map((pattern) => {
    if (!FILE_GLOB.test(pattern)) m.fail(key, `${problem} ${JSON.stringify(pattern)}`);
    return resolvePath(m.ctx, pattern);
  });
}

function checkUniqueNames(m: Mapping, key: string, entries: readonly { name: string }[], what: string): void {
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (name === '') continue;
    if (seen.has(name)) m.fail(key, `found multiple ${what} configs with job name ${JSON.stringify(name)}`);
    seen.add(name);
  }
}

function checkAgentMode(m: Mapping, config: PrometheusConfig): void {
  if (config.ruleFiles.length > 0) m.fail('rule_files', 'field rule_files is not allowed in agent mode');
  const { alertmanagers, alertRelabelConfigs } = config.alerting;
  if (alertmanagers.length > 0 || alertRelabelConfigs.length > 0) {
    m.fail('alerting', 'field alerting is not allowed in agent mode');
  }
  if (config.remoteRead.length > 0) m.fail('remote_read', 'field remote_read is not allowed in agent mode');
}
