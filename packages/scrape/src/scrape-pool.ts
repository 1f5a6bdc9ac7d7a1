import type { Appendable, Labels, TargetGroup } from '@pyrometer/model';
import { HttpClient } from '@pyrometer/transport';
import type { ScrapeConfig } from './config.ts';
import { ScrapeLoop } from './scrape-loop.ts';
import { type Target, targetsFromGroup } from './target.ts';

export interface ScrapePoolOptions {
  appendable: Appendable;
  /** Directory the job's relative file paths (CA, credentials) resolve against. */
  baseDir?: string;
  userAgent?: string;
  now?: () => number;
  offsetSeed?: number;
  onError?: (message: string) => void;
}

/**
 * The targets of one scrape job: `sync` turns discovered groups into targets (keeping
 * the dropped ones for the API), starts a loop for each new target, and stops, with stale
 * markers, the loops of targets that went away.
 */
export class ScrapePool {
  config: ScrapeConfig;
  readonly #options: ScrapePoolOptions;
  #client: HttpClient;
  readonly #loops = new Map<string, ScrapeLoop>();
  #dropped: Labels[] = [];
  #targetLimitError = '';

  constructor(config: ScrapeConfig, options: ScrapePoolOptions) {
    this.config = config;
    this.#options = options;
    this.#client = this.#newClient();
  }

  activeTargets(): Target[] {
    return [...this.#loops.values()].map((l) => l.target);
  }

  droppedTargets(): Labels[] {
    return this.#dropped;
  }

  /** Replaces the job's targets with those of `groups`. */
  async sync(groups: readonly TargetGroup[]): Promise<void> {
    const wanted = new Map<string, Target>();
    const dropped: Labels[] = [];
    for (const group of groups) {
      const built = targetsFromGroup(group, this.config);
      for (const t of built.targets) wanted.set(t.key(), t);
      dropped.push(...built.dropped);
      for (const failure of built.failures) this.#options.onError?.(`creating target failed: ${failure}`);
    }
    this.#dropped = dropped;
    const limit = this.config.targetLimit;
    this.#targetLimitError =
      limit > 0 && wanted.size > limit
        ? `target_limit exceeded (number of targets: ${wanted.size}, limit: ${limit})`
        : '';
    const stopping: Promise<void>[] = [];
    for (const [key, loop] of this.#loops) {
      if (wanted.has(key) && this.#targetLimitError === '') continue;
      this.#loops.delete(key);
      stopping.push(loop.stop(true));
    }
    await Promise.all(stopping);
    if (this.#targetLimitError !== '') {
      // As Prometheus: over the limit, no target of the job is scraped, and all show the error.
      for (const t of wanted.values()) {
        t.health = 'down';
        t.lastError = this.#targetLimitError;
      }
      this.#options.onError?.(this.#targetLimitError);
      this.#limitedTargets = [...wanted.values()];
      return;
    }
    this.#limitedTargets = [];
    for (const [key, target] of wanted) {
      if (this.#loops.has(key)) continue;
      const loop = this.#newLoop(target);
      this.#loops.set(key, loop);
      loop.start();
    }
  }

  #limitedTargets: Target[] = [];

  /** Targets shown to the API: active ones, or all with the limit error when over target_limit. */
  targets(): Target[] {
    return this.#targetLimitError === '' ? this.activeTargets() : this.#limitedTargets;
  }

  /** Applies a changed job configuration: every loop restarts with it (series continue). */
  async reload(config: ScrapeConfig): Promise<void> {
    this.config = config;
    const old = this.#client;
    this.#client = this.#newClient();
    const targets = [...this.#loops.entries()];
    await Promise.all(targets.map(([, loop]) => loop.stop(false)));
    this.#loops.clear();
    await old.close();
    for (const [key, loop] of targets) {
      const fresh = this.#newLoop(loop.target);
      this.#loops.set(key, fresh);
      fresh.start();
    }
  }

  /** Stops every loop; with `markStale`, their series get stale markers (the job was removed). */
  async stop(markStale: boolean): Promise<void> {
    const loops = [...this.#loops.values()];
    this.#loops.clear();
    await Promise.all(loops.map((l) => l.stop(markStale)));
    await this.#client.close();
  }

  #newClient(): HttpClient {
    const options: { baseDir?: string; userAgent?: string } = {};
    if (this.#options.baseDir !== undefined) options.baseDir = this.#options.baseDir;
    if (this.#options.userAgent !== undefined) options.userAgent = this.#options.userAgent;
    return new HttpClient(this.config.httpClient, options);
  }

  #newLoop(target: Target): ScrapeLoop {
    const o = this.#options;
    return new ScrapeLoop({
      target,
      config: this.config,
      client: this.#client,
      appendable: o.appendable,
      ...(o.now === undefined ? {} : { now: o.now }),
      ...(o.offsetSeed === undefined ? {} : { offsetSeed: o.offsetSeed }),
    });
  }
}
