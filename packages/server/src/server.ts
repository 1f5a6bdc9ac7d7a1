import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { DiscoveryManager } from '@pyrometer/discovery';
import { Engine, type EngineOptions } from '@pyrometer/promql';
import { createRemoteWriteHandler } from '@pyrometer/remote';
import { ScrapeManager } from '@pyrometer/scrape';
import { featureNames, type ServerFlags } from './cli/flags.ts';
import { type PrometheusConfig, parseConfig } from './config/config.ts';
import { checkProvidersBuilt, providersForJob } from './config/providers.ts';
import { defaultConfigYaml, parseListenAddress, selfScrapeAddress } from './lifecycle/default-config.ts';
import { LockFile } from './lifecycle/lock-file.ts';
import { Logger } from './lifecycle/logger.ts';
import { ServerMetrics } from './lifecycle/metrics.ts';
import { openStorage, type ServerStorage } from './lifecycle/storage.ts';
import { PYROMETER_VERSION } from './lifecycle/version.ts';
import type { ApiContext } from './web/api-context.ts';
import { QueryGate } from './web/query-gate.ts';
import { createRequestListener, type RemoteWriteHandler } from './web/router.ts';

export interface PyrometerServerOptions {
  flags: ServerFlags;
  /** The flag values `/api/v1/status/flags` shows; derived from `flags` when omitted. */
  flagValues?: Record<string, string>;
  logger?: Logger;
  /** A storage to use instead of `openStorage` (tests). */
  storage?: ServerStorage;
  /** How often discovery hands targets to the scraper, ms (Prometheus: 5 s). */
  discoveryUpdateIntervalMs?: number;
}

interface LoadedConfig {
  config: PrometheusConfig;
  yaml: string;
}

/**
 * The Pyrometer server: configuration → discovery → scraping → storage, the PromQL engine
 * over the storage, and the HTTP API. `start` brings it up; `stop` shuts it down cleanly.
 */
export class PyrometerServer {
  readonly flags: ServerFlags;
  readonly logger: Logger;
  readonly storage: ServerStorage;
  readonly engine: Engine;
  readonly scrapeManager: ScrapeManager;
  readonly discoveryManager: DiscoveryManager;
  readonly metrics: ServerMetrics;
  /** Resolves once the server has stopped (after `stop`, a signal or `/-/quit`). */
  readonly stopped: Promise<void>;
  readonly #http: Server;
  readonly #lock: LockFile;
  readonly #startTime = new Date();
  readonly #flagValues: Record<string, string>;
  #loaded: LoadedConfig | undefined;
  #lastReload = { success: true, time: new Date() };
  #ready = false;
  #reloading: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  #resolveStopped!: () => void;
  #port = 0;
  #listenHost = '';

  private constructor(options: PyrometerServerOptions, storage: ServerStorage, lock: LockFile) {
    this.flags = options.flags;
    this.#flagValues = options.flagValues ?? flagValuesOf(options.flags);
    this.logger =
      options.logger ?? new Logger({ level: options.flags.logLevel, format: options.flags.logFormat });
    this.storage = storage;
    this.#lock = lock;
    this.stopped = new Promise((r) => {
      this.#resolveStopped = r;
    });
    this.engine = new Engine(engineOptions(options.flags));
    this.metrics = new ServerMetrics({
      // A storage with its own prometheus_tsdb_* metrics (the TSDB) registers them below.
      ...(storage.registerMetrics === undefined ? { headSeries: async () => storage.seriesCount() } : {}),
      discovered: () => {
        const out = new Map<string, number>();
        for (const [job, groups] of this.discoveryManager.targets()) {
          out.set(
            job,
            groups.reduce((n, g) => n + g.targets.length, 0),
          );
        }
        return out;
      },
      targets: () => {
        const out = new Map<string, { total: number; up: number }>();
        for (const [job, pool] of this.scrapeManager.pools()) {
          const active = pool.activeTargets();
          out.set(job, { total: active.length, up: active.filter((t) => t.health === 'up').length });
        }
        return out;
      },
    });
    storage.registerMetrics?.(this.metrics.registry);
    this.metrics.engineQueriesMax.set(options.flags.queryMaxConcurrency);
    const scrapeLog = this.logger.with({ component: 'scrape manager' });
    this.scrapeManager = new ScrapeManager({
      appendable: storage,
      userAgent: `Pyrometer/${PYROMETER_VERSION}`,
      onError: (message) => scrapeLog.warn(message),
    });
    const sdLog = this.logger.with({ component: 'discovery manager' });
    this.discoveryManager = new DiscoveryManager({
      ...(options.discoveryUpdateIntervalMs === undefined
        ? {}
        : { updateIntervalMs: options.discoveryUpdateIntervalMs }),
      onError: (job, err) => sdLog.error('discovery failed', { job, err: err.message }),
    });
    this.discoveryManager.subscribe((targets) => {
      this.scrapeManager
        .sync(targets)
        .catch((e: unknown) => scrapeLog.error('sync failed', { err: String(e) }));
    });
    this.#http = createServer(createRequestListener(this.#apiContext(), remoteWriteHandler(this)));
    this.#http.requestTimeout = Math.max(this.flags.queryTimeoutMs + 30_000, 300_000);
  }

  /**
   * Starts the server: takes the data directory's lock, opens the storage, listens, loads
   * the configuration (refusing unbuilt service-discovery providers) and starts scraping.
   */
  static async start(options: PyrometerServerOptions): Promise<PyrometerServer> {
    const { flags } = options;
    const { host, port } = parseListenAddress(flags.listenAddress);
    const configPath = resolve(flags.configFile);
    const useDefault = !flags.configFileExplicit && !existsSync(configPath);
    // A bad file is refused before anything starts.
    const fromFile = useDefault ? undefined : await readConfig(configPath);
    if (fromFile !== undefined) checkProvidersBuilt(fromFile.config, configPath);
    const lock = await LockFile.acquire(resolve(flags.storagePath));
    let storage: ServerStorage | undefined;
    try {
      storage =
        options.storage ??
        (await openStorage({
          path: resolve(flags.storagePath),
          retentionTimeMs: flags.retentionTimeMs,
          retentionSizeBytes: flags.retentionSizeBytes,
        }));
      const server = new PyrometerServer(options, storage, lock);
      server.#listenHost = host;
      try {
        await server.#listen(host, port);
        const loaded = fromFile ?? defaultConfig(selfScrapeAddress(host, server.#port));
        if (useDefault)
          server.logger.info('no configuration file; running the built-in default that scrapes this server', {
            file: configPath,
          });
        await server.#apply(loaded);
        server.metrics.reloadSuccessful.set(1);
        server.metrics.reloadSuccessTime.set(Date.now() / 1000);
      } catch (e) {
        await server.stop();
        throw e;
      }
      server.#ready = true;
      server.metrics.ready.set(1);
      server.logger.info('ready: serving HTTP', { address: `${host}:${server.#port}` });
      return server;
    } catch (e) {
      if (storage !== undefined && options.storage === undefined) await storage.close().catch(() => {});
      await lock.release();
      throw e;
    }
  }

  /** The port the server listens on (the bound one when `:0` was asked for). */
  get port(): number {
    return this.#port;
  }

  get config(): PrometheusConfig | undefined {
    return this.#loaded?.config;
  }

  /**
   * Reloads the configuration atomically: the new file is read and validated first; a bad
   * one is rejected (logged, `prometheus_config_last_reload_successful` 0) and the old one
   * keeps running.
   */
  reload(): Promise<void> {
    const run = async (): Promise<void> => {
      const log = this.logger.with({ component: 'config' });
      log.info('Loading configuration file', { filename: this.flags.configFile });
      try {
        const path = resolve(this.flags.configFile);
        const next =
          !this.flags.configFileExplicit && !existsSync(path)
            ? defaultConfig(selfScrapeAddress(this.#listenHost, this.#port))
            : await readConfig(path);
        await this.#apply(next);
      } catch (e) {
        this.metrics.reloadSuccessful.set(0);
        this.#lastReload = { success: false, time: this.#lastReload.time };
        log.error('Error reloading config', { err: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      this.metrics.reloadSuccessful.set(1);
      this.metrics.reloadSuccessTime.set(Date.now() / 1000);
      log.info('Completed loading of configuration file', { filename: this.flags.configFile });
    };
    const next = this.#reloading.then(run, run);
    this.#reloading = next.catch(() => {});
    return next;
  }

  /** Graceful shutdown: stop discovery and scraping, stop serving, close the storage, drop the lock. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#ready = false;
      this.metrics.ready.set(0);
      this.logger.info('stopping service discovery');
      await this.discoveryManager.stop();
      this.logger.info('stopping scrapes');
      await this.scrapeManager.stop();
      await new Promise<void>((r) => {
        this.#http.close(() => r());
        this.#http.closeIdleConnections();
        setTimeout(() => this.#http.closeAllConnections(), 5000).unref();
      });
      this.logger.info('closing storage');
      await this.storage.close();
      await this.#lock.release();
      this.metrics.stop();
      this.logger.info('stopped');
      this.#resolveStopped();
    })();
    return this.#stopping;
  }

  async #apply(loaded: LoadedConfig): Promise<void> {
    checkProvidersBuilt(loaded.config, this.flags.configFile);
    const sdLog = this.logger.with({ component: 'discovery manager' });
    const jobs: Record<string, ReturnType<typeof providersForJob>> = {};
    for (const job of loaded.config.scrapeConfigs) {
      jobs[job.jobName] = providersForJob(job, {
        onError: (err) => sdLog.error('discovery failed', { job: job.jobName, err: err.message }),
      });
    }
    const before = new Set(this.scrapeManager.pools().keys());
    await this.scrapeManager.applyConfig(loaded.config.scrapeConfigs);
    this.discoveryManager.applyConfig(jobs);
    for (const job of loaded.config.scrapeConfigs)
      if (!before.has(job.jobName)) this.metrics.scrapePools.inc();
    this.#loaded = loaded;
    this.#lastReload = { success: true, time: new Date() };
  }

  async #listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolveListen, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host === '' ? undefined : host, () => {
        this.#http.off('error', reject);
        resolveListen();
      });
    });
    this.#port = (this.#http.address() as AddressInfo).port;
  }

  #apiContext(): ApiContext {
    return {
      flags: this.flags,
      flagValues: this.#flagValues,
      engine: this.engine,
      engineOptions: engineOptions(this.flags),
      storage: this.storage,
      scrapeManager: this.scrapeManager,
      metrics: this.metrics,
      logger: this.logger.with({ component: 'web' }),
      gate: new QueryGate(this.flags.queryMaxConcurrency),
      startTime: this.#startTime,
      config: () => {
        if (this.#loaded === undefined) throw new Error('configuration not loaded yet');
        return this.#loaded;
      },
      lastReload: () => this.#lastReload,
      isReady: () => this.#ready,
      reload: () => this.reload(),
      quit: () => {
        void this.stop();
      },
      externalUrl: () =>
        this.flags.externalUrl !== '' ? this.flags.externalUrl : `http://${hostname()}:${this.#port}/`,
    };
  }
}

async function readConfig(path: string): Promise<LoadedConfig> {
  const yaml = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`couldn't load configuration (--config.file=${JSON.stringify(path)}): ${e.message}`);
  });
  const config = parseConfig(yaml, { filename: path, baseDir: dirname(path) });
  return { config, yaml };
}

function defaultConfig(selfAddress: string): LoadedConfig {
  const yaml = defaultConfigYaml(selfAddress);
  return { yaml, config: parseConfig(yaml, { filename: 'built-in default', baseDir: process.cwd() }) };
}

function engineOptions(flags: ServerFlags): EngineOptions {
  const options: EngineOptions & Record<string, unknown> = {
    lookbackDelta: flags.lookbackDeltaMs,
    timeout: flags.queryTimeoutMs,
    maxSamples: flags.queryMaxSamples,
  };
  const names = featureNames();
  for (const feature of flags.features) {
    const option = names[feature];
    if (option !== undefined) options[option] = true;
  }
  return options;
}

/** `@pyrometer/remote`'s receiver, appending to the server's storage. */
function remoteWriteHandler(server: PyrometerServer): RemoteWriteHandler {
  return createRemoteWriteHandler({
    appendable: server.storage,
    maxBodyBytes: server.flags.maxRequestBodyBytes,
    log: server.logger.with({ component: 'remote' }),
  });
}

function flagValuesOf(flags: ServerFlags): Record<string, string> {
  return {
    'config.file': flags.configFile,
    'storage.tsdb.path': flags.storagePath,
    'web.listen-address': flags.listenAddress,
    'web.enable-lifecycle': String(flags.enableLifecycle),
    'web.enable-admin-api': String(flags.enableAdminApi),
    'web.enable-remote-write-receiver': String(flags.enableRemoteWriteReceiver),
    'log.level': flags.logLevel,
    'log.format': flags.logFormat,
    'enable-feature': flags.features.join(','),
  };
}
