import { readdir, readFile } from 'node:fs/promises';
import { Gauge } from '../../gauge.ts';
import { type DefaultMetricsContext, HAS_PROC_FS } from './context.ts';

/** Open and maximum file descriptors, from /proc (Linux only, as in prom-client). */
export function registerProcessFds(context: DefaultMetricsContext): void {
  if (!HAS_PROC_FS) return;
  const { registry, prefix, labels, labelNames } = context;
  const options = { registers: [registry], labelNames };
  new Gauge({
    name: `${prefix}process_open_fds`,
    help: 'Number of open file descriptors.',
    ...options,
    async collect() {
      // The listing itself holds one descriptor open while it reads.
      this.set(labels, Math.max(0, (await readdir('/proc/self/fd')).length - 1));
    },
  });
  new Gauge({
    name: `${prefix}process_max_fds`,
    help: 'Maximum number of open file descriptors.',
    ...options,
    async collect() {
      const limit = parseMaxOpenFiles(await readFile('/proc/self/limits', 'utf8'));
      if (limit !== undefined) this.set(labels, limit);
    },
  });
}

/** The soft limit of the "Max open files" line of /proc/self/limits; undefined when unlimited. */
export function parseMaxOpenFiles(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match === null ? undefined : Number(match[1]);
}
