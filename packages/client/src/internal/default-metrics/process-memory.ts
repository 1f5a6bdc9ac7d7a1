import { readFile } from 'node:fs/promises';
import { Gauge } from '../../gauge.ts';
import { type DefaultMetricsContext, HAS_PROC_FS } from './context.ts';

/**
 * Resident, virtual and heap memory of the process. On Linux from /proc/self/status (VmRSS,
 * VmSize, VmData, as prom-client); elsewhere only the resident size, from Node.
 */
export function registerProcessMemory(context: DefaultMetricsContext): void {
  const { registry, prefix, labels, labelNames } = context;
  const options = { registers: [registry], labelNames };
  const virtual = HAS_PROC_FS
    ? new Gauge({
        name: `${prefix}process_virtual_memory_bytes`,
        help: 'Virtual memory size in bytes.',
        ...options,
      })
    : undefined;
  const heap = HAS_PROC_FS
    ? new Gauge({ name: `${prefix}process_heap_bytes`, help: 'Process heap size in bytes.', ...options })
    : undefined;
  new Gauge({
    name: `${prefix}process_resident_memory_bytes`,
    help: 'Resident memory size in bytes.',
    ...options,
    async collect() {
      if (!HAS_PROC_FS) {
        this.set(labels, process.memoryUsage.rss());
        return;
      }
      const status = parseProcStatus(await readFile('/proc/self/status', 'utf8'));
      this.set(labels, status.get('VmRSS') ?? process.memoryUsage.rss());
      const size = status.get('VmSize');
      if (size !== undefined) virtual?.set(labels, size);
      const data = status.get('VmData');
      if (data !== undefined) heap?.set(labels, data);
    },
  });
}

/** The `Vm*: <n> kB` lines of /proc/self/status, in bytes. */
export function parseProcStatus(status: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of status.split('\n')) {
    const match = /^(Vm\w+):\s+(\d+)\s+kB/.exec(line);
    if (match !== null) sizes.set(match[1]!, Number(match[2]) * 1024);
  }
  return sizes;
}
