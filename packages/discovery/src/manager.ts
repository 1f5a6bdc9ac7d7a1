import type { TargetGroup } from '@pyrometer/model';
import type { Discoverer } from './discoverer.ts';

/** A provider of a job, with a key that identifies its configuration across reloads. */
export interface ProviderSpec {
  /** Equal keys mean equal configurations: the running provider and its targets are kept. */
  key: string;
  create(): Discoverer;
}

export interface DiscoveryManagerOptions {
  /** Least time between two notifications, ms (Prometheus: 5s). */
  updateIntervalMs?: number;
  onError?: (job: string, error: Error) => void;
}

/** Every job's current target groups, as the scraper receives them. */
export type TargetSets = Map<string, TargetGroup[]>;

interface RunningProvider {
  key: string;
  abort: AbortController;
  groups: Map<string, TargetGroup>;
  done: Promise<void>;
}

/**
 * Runs the providers of every job, merges their updates by source, and tells subscribers
 * the full target set of every job, at most once per update interval. `applyConfig` keeps
 * providers whose configuration did not change (so their targets do not flap) and stops
 * the others.
 */
export class DiscoveryManager {
  readonly #updateIntervalMs: number;
  readonly #onError: (job: string, error: Error) => void;
  #jobs = new Map<string, RunningProvider[]>();
  readonly #listeners = new Set<(targets: TargetSets) => void>();
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #lastSent = 0;
  #stopped = false;

  constructor(options: DiscoveryManagerOptions = {}) {
    this.#updateIntervalMs = options.updateIntervalMs ?? 5000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Calls `listener` with all jobs' targets after each (throttled) change. */
  subscribe(listener: (targets: TargetSets) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  applyConfig(jobs: Record<string, readonly ProviderSpec[]>): void {
    if (this.#stopped) throw new Error('discovery manager is stopped');
    const next = new Map<string, RunningProvider[]>();
    const reusable = new Map<string, RunningProvider[]>();
    for (const [job, providers] of this.#jobs) {
      for (const p of providers) {
        const k = `${job}\u0000${p.key}`;
        reusable.set(k, [...(reusable.get(k) ?? []), p]);
      }
    }
    for (const [job, specs] of Object.entries(jobs)) {
      next.set(
        job,
        specs.map((spec) => {
          const kept = reusable.get(`${job}\u0000${spec.key}`)?.shift();
          return kept ?? this.#start(job, spec);
        }),
      );
    }
    for (const providers of reusable.values()) for (const p of providers) p.abort.abort();
    this.#jobs = next;
    this.#markDirty();
  }

  /** The merged target groups of every job now. */
  targets(): TargetSets {
    const out: TargetSets = new Map();
    for (const [job, providers] of this.#jobs) {
      const groups: TargetGroup[] = [];
      for (const p of providers) for (const g of p.groups.values()) if (g.targets.length > 0) groups.push(g);
      out.set(job, groups);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const all = [...this.#jobs.values()].flat();
    for (const p of all) p.abort.abort();
    await Promise.allSettled(all.map((p) => p.done));
    this.#jobs.clear();
  }

  #start(job: string, spec: ProviderSpec): RunningProvider {
    const abort = new AbortController();
    const provider: RunningProvider = { key: spec.key, abort, groups: new Map(), done: Promise.resolve() };
    let discoverer: Discoverer;
    try {
      discoverer = spec.create();
    } catch (err) {
      this.#onError(job, err as Error);
      return provider;
    }
    provider.done = discoverer
      .run(abort.signal, (groups) => {
        if (abort.signal.aborted) return;
        for (const g of groups) {
          if (g.targets.length === 0) provider.groups.delete(g.source);
          else provider.groups.set(g.source, g);
        }
        this.#markDirty();
      })
      .catch((err: Error) => this.#onError(job, err));
    return provider;
  }

  #markDirty(): void {
    this.#dirty = true;
    if (this.#timer !== undefined || this.#stopped) return;
    const wait = Math.max(0, this.#lastSent + this.#updateIntervalMs - Date.now());
    this.#timer = setTimeout(() => this.#send(), wait);
  }

  #send(): void {
    this.#timer = undefined;
    if (!this.#dirty || this.#stopped) return;
    this.#dirty = false;
    this.#lastSent = Date.now();
    const targets = this.targets();
    for (const listener of this.#listeners) listener(targets);
  }
}
