import type { Engine, EngineOptions } from '@pyrometer/promql';
import type { ScrapeManager } from '@pyrometer/scrape';
import type { ServerFlags } from '../cli/flags.ts';
import type { PrometheusConfig } from '../config/config.ts';
import type { Logger } from '../lifecycle/logger.ts';
import type { ServerMetrics } from '../lifecycle/metrics.ts';
import type { ServerStorage } from '../lifecycle/storage.ts';
import type { QueryGate } from './query-gate.ts';

/** What the API handlers read from the running server. */
export interface ApiContext {
  readonly flags: ServerFlags;
  /** The flag values as given (`/api/v1/status/flags`). */
  readonly flagValues: Record<string, string>;
  readonly engine: Engine;
  /** The options `engine` was built with (a request's own `timeout` builds another). */
  readonly engineOptions: EngineOptions;
  readonly storage: ServerStorage;
  readonly scrapeManager: ScrapeManager;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  readonly gate: QueryGate;
  readonly startTime: Date;
  /** The running configuration and its YAML text. */
  config(): { config: PrometheusConfig; yaml: string };
  lastReload(): { success: boolean; time: Date };
  isReady(): boolean;
  /** Re-reads the configuration file; rejects (keeping the old one) when it is bad. */
  reload(): Promise<void>;
  /** Starts a graceful shutdown. */
  quit(): void;
  /** The URL the server is reachable at: `--web.external-url`, or this host's name and port. */
  externalUrl(): string;
}
