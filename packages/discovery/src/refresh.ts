import type { TargetGroup } from '@pyrometer/model';
import { type Discoverer, type DiscoveryErrorHandler, sleep } from './discoverer.ts';

/**
 * A provider that polls: `refresh()` at start and then every interval. A failed refresh
 * is reported and changes nothing, so the targets of the last good refresh stay, as in
 * Prometheus.
 */
export abstract class RefreshDiscoverer implements Discoverer {
  readonly refreshIntervalMs: number;
  readonly onError: DiscoveryErrorHandler;

  constructor(refreshIntervalMs: number, onError: DiscoveryErrorHandler = () => {}) {
    if (!(refreshIntervalMs > 0)) throw new Error('refresh_interval must be greater than 0');
    this.refreshIntervalMs = refreshIntervalMs;
    this.onError = onError;
  }

  protected abstract refresh(signal: AbortSignal): Promise<TargetGroup[]>;

  async run(signal: AbortSignal, update: (groups: TargetGroup[]) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        const groups = await this.refresh(signal);
        if (!signal.aborted) update(groups);
      } catch (err) {
        if (!signal.aborted) this.onError(err as Error);
      }
      await sleep(this.refreshIntervalMs, signal);
    }
  }
}
