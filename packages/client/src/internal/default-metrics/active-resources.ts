import { Gauge } from '../../gauge.ts';
import type { DefaultMetricsContext } from './context.ts';

// Undocumented but long-standing; prom-client reads handles and requests the same way.
interface ProcessInternals {
  _getActiveHandles?: () => object[];
  _getActiveRequests?: () => object[];
}

/**
 * What keeps the event loop alive: libuv handles and requests (by constructor name) and
 * `process.getActiveResourcesInfo()` resources (by type), each with a total.
 */
export function registerActiveResources(context: DefaultMetricsContext): void {
  const internals = process as unknown as ProcessInternals;
  const names = (objects: readonly object[]) => objects.map((o) => o.constructor?.name ?? 'Unknown');
  if (typeof internals._getActiveHandles === 'function') {
    const read = internals._getActiveHandles.bind(process);
    countedByType(context, 'handles', 'handles', () => names(read()));
  }
  if (typeof internals._getActiveRequests === 'function') {
    const read = internals._getActiveRequests.bind(process);
    countedByType(context, 'requests', 'requests', () => names(read()));
  }
  countedByType(context, 'resources', 'resources that keep the event loop alive', () =>
    process.getActiveResourcesInfo(),
  );
}

function countedByType(
  context: DefaultMetricsContext,
  what: string,
  described: string,
  types: () => string[],
) {
  const { registry, prefix, labels, labelNames } = context;
  const byType = new Gauge({
    name: `${prefix}nodejs_active_${what}`,
    help: `Number of active ${described} grouped by type.`,
    registers: [registry],
    labelNames: [...labelNames, 'type'],
  });
  new Gauge({
    name: `${prefix}nodejs_active_${what}_total`,
    help: `Total number of active ${described}.`,
    registers: [registry],
    labelNames,
    collect() {
      const counts = new Map<string, number>();
      const all = types();
      for (const type of all) counts.set(type, (counts.get(type) ?? 0) + 1);
      // Types come and go, so the per-type series are rebuilt on each scrape.
      byType.reset();
      for (const [type, count] of counts) byType.set({ ...labels, type }, count);
      this.set(labels, all.length);
    },
  });
}
