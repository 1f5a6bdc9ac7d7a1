import { Counter } from '../../counter.ts';
import type { DefaultMetricsContext } from './context.ts';

type CpuTime = (usage: NodeJS.CpuUsage) => number;

/** CPU time the process has used, from `process.cpuUsage()`. */
export function registerProcessCpu(context: DefaultMetricsContext): void {
  cpuCounter(
    context,
    'process_cpu_user_seconds_total',
    'Total user CPU time spent in seconds.',
    (u) => u.user,
  );
  cpuCounter(
    context,
    'process_cpu_system_seconds_total',
    'Total system CPU time spent in seconds.',
    (u) => u.system,
  );
  cpuCounter(
    context,
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
    (u) => u.user + u.system,
  );
}

function cpuCounter(context: DefaultMetricsContext, name: string, help: string, microseconds: CpuTime): void {
  const { registry, prefix, labels, labelNames } = context;
  // A counter only goes up, so each scrape adds the CPU time used since the previous one.
  let previous = 0;
  const counter = new Counter({
    name: `${prefix}${name}`,
    help,
    registers: [registry],
    labelNames,
    collect() {
      const now = microseconds(process.cpuUsage());
      this.inc(labels, Math.max(0, now - previous) / 1e6);
      previous = Math.max(previous, now);
    },
  });
  counter.zero(labels);
}
