import { Gauge } from '../../gauge.ts';
import type { DefaultMetricsContext } from './context.ts';

/** V8 heap totals and external memory, from `process.memoryUsage()`. */
export function registerHeapSize(context: DefaultMetricsContext): void {
  const { registry, prefix, labels, labelNames } = context;
  const options = { registers: [registry], labelNames };
  const used = new Gauge({
    name: `${prefix}nodejs_heap_size_used_bytes`,
    help: 'Process heap size used from Node.js in bytes.',
    ...options,
  });
  const external = new Gauge({
    name: `${prefix}nodejs_external_memory_bytes`,
    help: 'Node.js external memory size in bytes.',
    ...options,
  });
  new Gauge({
    name: `${prefix}nodejs_heap_size_total_bytes`,
    help: 'Process heap size from Node.js in bytes.',
    ...options,
    collect() {
      const memory = process.memoryUsage();
      this.set(labels, memory.heapTotal);
      used.set(labels, memory.heapUsed);
      external.set(labels, memory.external);
    },
  });
}
