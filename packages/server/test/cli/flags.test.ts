import { describe, expect, it } from 'vitest';
import { FlagError, parseCommandLine } from '../../src/index.ts';

function flags(...argv: string[]) {
  const parsed = parseCommandLine(argv);
  if (parsed.action !== 'run') throw new Error(parsed.action);
  return parsed.flags;
}

describe('parseCommandLine', () => {
  it("uses Prometheus's defaults", () => {
    expect(flags()).toMatchObject({
      configFile: 'prometheus.yml',
      configFileExplicit: false,
      storagePath: 'data/',
      retentionTimeMs: 15 * 86_400_000,
      retentionSizeBytes: 0,
      listenAddress: '0.0.0.0:9090',
      enableLifecycle: false,
      enableAdminApi: false,
      enableRemoteWriteReceiver: false,
      lookbackDeltaMs: 300_000,
      queryTimeoutMs: 120_000,
      queryMaxSamples: 50_000_000,
      queryMaxConcurrency: 20,
      logLevel: 'info',
      logFormat: 'logfmt',
      features: [],
    });
  });

  it('takes --flag=value and --flag value, booleans bare, =true/false and --no-', () => {
    expect(
      flags(
        '--config.file',
        'a.yml',
        '--web.listen-address=:9999',
        '--web.enable-lifecycle',
        '--web.enable-admin-api=true',
        '--web.enable-remote-write-receiver',
        '--no-web.enable-remote-write-receiver',
        '--storage.tsdb.retention.time=30d',
        '--storage.tsdb.retention.size',
        '512MB',
        '--query.lookback-delta=1m',
        '--query.timeout=10s',
        '--query.max-samples=100',
        '--query.max-concurrency=2',
        '--log.level=debug',
        '--log.format=json',
        '--enable-feature=promql-experimental-functions,promql-duration-expr',
        '--enable-feature=promql-delayed-name-removal',
      ),
    ).toMatchObject({
      configFile: 'a.yml',
      configFileExplicit: true,
      listenAddress: ':9999',
      enableLifecycle: true,
      enableAdminApi: true,
      enableRemoteWriteReceiver: false,
      retentionTimeMs: 30 * 86_400_000,
      retentionSizeBytes: 512 * 1024 * 1024,
      lookbackDeltaMs: 60_000,
      queryTimeoutMs: 10_000,
      queryMaxSamples: 100,
      queryMaxConcurrency: 2,
      logLevel: 'debug',
      logFormat: 'json',
      features: ['promql-experimental-functions', 'promql-duration-expr', 'promql-delayed-name-removal'],
    });
  });

  it('--help and --version', () => {
    expect(parseCommandLine(['--log.level=info', '--help'])).toEqual({ action: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ action: 'version' });
  });

  it.each([
    [['--nope'], "unknown long flag '--nope', try --help"],
    [['--no-config.file'], "unknown long flag '--no-config.file', try --help"],
    [['serve'], "unexpected argument 'serve', try --help"],
    [['--config.file'], "expected argument for flag '--config.file'"],
    [
      ['--query.timeout=soon'],
      "invalid value 'soon' for flag '--query.timeout': not a valid duration (e.g. 30s, 5m, 15d)",
    ],
    [
      ['--query.max-samples=-1'],
      "invalid value '-1' for flag '--query.max-samples': expected a non-negative integer",
    ],
    [
      ['--log.level=loud'],
      "invalid value 'loud' for flag '--log.level': expected one of debug, info, warn, error",
    ],
    [['--log.format=xml'], "invalid value 'xml' for flag '--log.format': expected one of logfmt, json"],
    [
      ['--web.enable-lifecycle=yes'],
      "invalid value 'yes' for flag '--web.enable-lifecycle': expected true or false",
    ],
    [
      ['--storage.tsdb.retention.size=lots'],
      "invalid value 'lots' for flag '--storage.tsdb.retention.size': not a valid size (e.g. 512MB, 10GB)",
    ],
    [
      ['--web.external-url=not a url'],
      "invalid value 'not a url' for flag '--web.external-url': expected an http(s) URL",
    ],
    [['--enable-feature=warp-drive'], "unknown feature 'warp-drive' in --enable-feature"],
  ])('%j → %s', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(FlagError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
