import type { Appendable, TargetGroup } from '@pyrometer/model';
import type { ScrapeConfig } from './config.ts';
import { ScrapePool, type ScrapePoolOptions } from './scrape-pool.ts';

export type ScrapeManagerOptions = Omit<ScrapePoolOptions, 'appendable'> & { appendable: Appendable };

/**
 * One scrape pool per job. `applyConfig` creates, reloads and removes pools; `sync` takes
 * the discovery manager's target sets (job → groups).
 */
export class ScrapeManager {
  readonly #options: ScrapeManagerOptions;
  readonly #pools = new Map<string, ScrapePool>();
  #configs = new Map<string, ScrapeConfig>();
  #lastTargets = new Map<string, TargetGroup[]>();

  constructor(options: ScrapeManagerOptions) {
    this.#options = options;
  }

  pools(): ReadonlyMap<string, ScrapePool> {
    return this.#pools;
  }

  async applyConfig(configs: readonly ScrapeConfig[]): Promise<void> {
    const next = new Map(configs.map((c) => [c.jobName, c]));
    if (next.size !== configs.length) throw new Error('duplicate job_name in scrape configs');
    const work: Promise<void>[] = [];
    for (const [job, pool] of this.#pools) {
      const config = next.get(job);
      if (config === undefined) {
        this.#pools.delete(job);
        work.push(pool.stop(true));
      } else if (JSON.stringify(config) !== JSON.stringify(this.#configs.get(job))) {
        work.push(pool.reload(config));
      }
    }
    this.#configs = next;
    await Promise.all(work);
    await this.sync(this.#lastTargets);
  }

  /** Hands each job its discovered target groups; jobs without a configuration are ignored. */
  async sync(targets: ReadonlyMap<string, TargetGroup[]>): Promise<void> {
    this.#lastTargets = new Map(targets);
    const work: Promise<void>[] = [];
    for (const [job, config] of this.#configs) {
      let pool = this.#pools.get(job);
      if (pool === undefined) {
        pool = new ScrapePool(config, this.#options);
        this.#pools.set(job, pool);
      }
      work.push(pool.sync(targets.get(job) ?? []));
    }
    await Promise.all(work);
  }

  async stop(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.stop(false)));
  }
}
