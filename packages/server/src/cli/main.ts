import { ConfigError } from '../config/error.ts';
import { Logger } from '../lifecycle/logger.ts';
import { API_VERSION, PYROMETER_VERSION } from '../lifecycle/version.ts';
import { PyrometerServer } from '../server.ts';
import { FlagError, parseCommandLine, usage } from './flags.ts';

/**
 * The `pyrometer` command: parses the flags, starts the server and runs it until SIGTERM,
 * SIGINT or `/-/quit`; SIGHUP reloads the configuration. Resolves to the exit code.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`pyrometer: error: ${e.message}\n`);
    return 1;
  }
  if (parsed.action === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (parsed.action === 'version') {
    process.stdout.write(
      `pyrometer, version ${PYROMETER_VERSION} (Prometheus API ${API_VERSION})\n  node version: ${process.version}\n  platform: ${process.platform}/${process.arch}\n`,
    );
    return 0;
  }
  const { flags, values } = parsed;
  const logger = new Logger({ level: flags.logLevel, format: flags.logFormat });
  logger.info('starting Pyrometer', { version: PYROMETER_VERSION, pid: process.pid });
  let server: PyrometerServer;
  try {
    server = await PyrometerServer.start({ flags, flagValues: values, logger });
  } catch (e) {
    const what = e instanceof ConfigError ? 'Error loading config' : 'Error starting Pyrometer';
    logger.error(what, { err: e instanceof Error ? e.message : String(e) });
    return 1;
  }
  const shutdown = (signal: string): void => {
    logger.warn('signal received: shutting down', { signal });
    void server.stop();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    server.reload().catch(() => {
      // Logged by reload; the running configuration stays.
    });
  });
  await server.stopped;
  return 0;
}
