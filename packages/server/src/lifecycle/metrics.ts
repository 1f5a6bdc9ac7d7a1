import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry, Summary } from '@pyrometer/client';
import { BUILD_INFO } from './version.ts';

/** The server's own metrics, with Prometheus's names for the same figures. */
export class ServerMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'handler' | 'code'>;
  readonly httpDuration: Histogram<'handler'>;
  readonly engineQueries: Gauge;
  readonly engineQueriesMax: Gauge;
  readonly engineQueryDuration: Summary<'slice'>;
  readonly engineQueryTimeouts: Counter;
  readonly reloadSuccessful: Gauge;
  readonly reloadSuccessTime: Gauge;
  readonly ready: Gauge;
  readonly scrapePoolTargets: Gauge<'scrape_job'>;
  readonly scrapePools: Counter;
  readonly targetsHealthy: Gauge<'scrape_job'>;
  /** Only when the storage does not register its own prometheus_tsdb_* metrics. */
  readonly headSeries: Gauge | undefined;
  readonly #stopDefault: () => void;

  constructor(options: {
    headSeries?: () => Promise<number>;
    targets: () => Map<string, { total: number; up: number }>;
    discovered: () => Map<string, number>;
  }) {
    const registers = [(this.registry = new Registry())];
    this.httpRequests = new Counter({
      name: 'prometheus_http_requests_total',
      help: 'Counter of HTTP requests.',
      labelNames: ['handler', 'code'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'prometheus_http_request_duration_seconds',
      help: 'Histogram of latencies for HTTP requests.',
      labelNames: ['handler'],
      buckets: [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
      registers,
    });
    this.engineQueries = new Gauge({
      name: 'prometheus_engine_queries',
      help: 'The current number of queries being executed or waiting.',
      registers,
    });
    this.engineQueriesMax = new Gauge({
      name: 'prometheus_engine_queries_concurrent_max',
      help: 'The max number of concurrent queries.',
      registers,
    });
    this.engineQueryDuration = new Summary({
      name: 'prometheus_engine_query_duration_seconds',
      help: 'Query timings',
      labelNames: ['slice'],
      percentiles: [0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.engineQueryTimeouts = new Counter({
      name: 'pyrometer_engine_query_timeouts_total',
      help: 'Queries that ran past --query.timeout.',
      registers,
    });
    this.reloadSuccessful = new Gauge({
      name: 'prometheus_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers,
    });
    this.reloadSuccessTime = new Gauge({
      name: 'prometheus_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers,
    });
    this.ready = new Gauge({
      name: 'prometheus_ready',
      help: 'Whether Prometheus startup was fully completed and the server is ready for normal operation.',
      registers,
    });
    const targets = options.targets;
    this.scrapePoolTargets = new Gauge({
      name: 'prometheus_target_scrape_pool_targets',
      help: 'Current number of targets in this scrape pool.',
      labelNames: ['scrape_job'],
      registers,
      collect() {
        this.reset();
        for (const [job, t] of targets()) this.set({ scrape_job: job }, t.total);
      },
    });
    this.targetsHealthy = new Gauge({
      name: 'pyrometer_target_scrape_pool_targets_up',
      help: 'Targets of this scrape pool whose last scrape succeeded.',
      labelNames: ['scrape_job'],
      registers,
      collect() {
        this.reset();
        for (const [job, t] of targets()) this.set({ scrape_job: job }, t.up);
      },
    });
    const discovered = options.discovered;
    new Gauge({
      name: 'prometheus_sd_discovered_targets',
      help: 'Current number of discovered targets.',
      labelNames: ['config', 'name'],
      registers,
      collect() {
        this.reset();
        for (const [job, n] of discovered()) this.set({ config: job, name: 'scrape' }, n);
      },
    });
    this.scrapePools = new Counter({
      name: 'prometheus_target_scrape_pools_total',
      help: 'Total number of scrape pool creation attempts.',
      registers,
    });
    const headSeries = options.headSeries;
    this.headSeries =
      headSeries === undefined
        ? undefined
        : new Gauge({
            name: 'prometheus_tsdb_head_series',
            help: 'Total number of series in the head block.',
            registers,
            async collect() {
              this.set(await headSeries());
            },
          });
    const build = new Gauge({
      name: 'prometheus_build_info',
      help: 'A metric with a constant 1 value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.',
      labelNames: ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch'],
      registers,
    });
    build.set(
      {
        version: BUILD_INFO.version,
        revision: BUILD_INFO.revision,
        branch: BUILD_INFO.branch,
        goversion: BUILD_INFO.goVersion,
        goos: process.platform,
        goarch: process.arch,
      },
      1,
    );
    // The event loop delay monitor wakes the loop at each of its samples: at the client's
    // default 10 ms that cost ~3.5 ms of CPU a second here, a tenth of what scraping 10k samples
    // a second costs. 100 ms still shows the lag a user would care about.
    this.#stopDefault = collectDefaultMetrics({
      register: this.registry,
      eventLoopMonitoringPrecision: 100,
    }).stop;
  }

  stop(): void {
    this.#stopDefault();
  }
}
