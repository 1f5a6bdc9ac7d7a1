import type { TargetGroup } from '@pyrometer/model';
import type { Discoverer } from '../src/discoverer.ts';

/** Runs a discoverer, keeping the merged groups by source, until stopped. */
export function runDiscoverer(d: Discoverer) {
  const abort = new AbortController();
  const groups = new Map<string, TargetGroup>();
  let updates = 0;
  const done = d.run(abort.signal, (gs) => {
    updates++;
    for (const g of gs) {
      if (g.targets.length === 0) groups.delete(g.source);
      else groups.set(g.source, g);
    }
  });
  return {
    groups,
    updates: () => updates,
    /** The addresses of all current targets, sorted. */
    addresses: () => [...groups.values()].flatMap((g) => g.targets.map((t) => t.get('__address__'))).sort(),
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/** Polls `check` until it is true or `timeoutMs` passes (then throws). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
