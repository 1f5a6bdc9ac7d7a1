import type { TargetGroup } from '@pyrometer/model';

/**
 * A service-discovery provider. `run` keeps going until `signal` aborts, calling `update`
 * whenever target groups change: each group replaces the earlier group with the same
 * `source`, and a group with no targets removes it. Long-lived watches (Consul,
 * Kubernetes) fit the same shape as periodic refreshes.
 */
export interface Discoverer {
  run(signal: AbortSignal, update: (groups: TargetGroup[]) => void): Promise<void>;
}

/** Reports a provider's failures without stopping it (logs and metrics hook in here). */
export type DiscoveryErrorHandler = (error: Error) => void;

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
