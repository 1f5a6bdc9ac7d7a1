import { getHeapSpaceStatistics } from 'node:v8';
import { Gauge } from '../../gauge.ts';
import type { DefaultMetricsContext } from './context.ts';

/** Size, use and availability of each V8 heap space (new, old, code, ...), labelled `space`. */
export function registerHeapSpaces(context: DefaultMetricsContext): void {
  const { registry, prefix, labels, labelNames } = context;
  const options = { registers: [registry], labelNames: [...labelNames, 'space'] };
  const name = (what: string) => `${prefix}nodejs_heap_space_size_${what}_bytes`;
  const used = new Gauge({
    name: name('used'),
    help: 'Process heap space size used from Node.js in bytes.',
    ...options,
  });
  const available = new Gauge({
    name: name('available'),
    help: 'Process heap space size available from Node.js in bytes.',
    ...options,
  });
  new Gauge({
    name: name('total'),
    help: 'Process heap space size total from Node.js in bytes.',
    ...options,
    collect() {
      for (const space of getHeapSpaceStatistics()) {
        // As prom-client: "old_space" is written out as space="old".
        const spaceLabels = { ...labels, space: space.space_name.replace(/_space$/, '') };
        this.set(spaceLabels, space.space_size);
        used.set(spaceLabels, space.space_used_size);
        available.set(spaceLabels, space.space_available_size);
      }
    },
  });
}
