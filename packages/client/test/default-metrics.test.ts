import { parseMetricFamilies } from '@pyrometer/exposition';
import { afterEach, describe, expect, it } from 'vitest';
import { collectDefaultMetrics, type DefaultMetrics, Registry } from '../src/index.ts';

let running: DefaultMetrics | undefined;
afterEach(() => {
  running?.stop();
  running = undefined;
});

async function scrape(options: Parameters<typeof collectDefaultMetrics>[0] = {}) {
  const registry = new Registry();
  running = collectDefaultMetrics({ register: registry, ...options });
  // Let the event loop monitor take a few samples and provoke a garbage collection or two.
  for (let i = 0; i < 5; i++) {
    Array.from({ length: 50_000 }, (_, j) => ({ j }));
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  const text = await registry.metrics();
  const families = parseMetricFamilies(text, 'text');
  const value = (name: string, labels: Record<string, string> = {}) =>
    families
      .flatMap((f) => f.samples)
      .find(
        (s) =>
          s.labels.metricName === name && Object.entries(labels).every(([k, v]) => s.labels.get(k) === v),
      )?.value;
  return { text, families, value };
}

const onLinux = process.platform === 'linux';

describe('collectDefaultMetrics', () => {
  it("writes the process and Node.js metrics under prom-client's names, with sane values", async () => {
    const { families, value } = await scrape();
    const names = families.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'process_cpu_user_seconds_total',
        'process_cpu_system_seconds_total',
        'process_cpu_seconds_total',
        'process_start_time_seconds',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_eventloop_lag_min_seconds',
        'nodejs_eventloop_lag_p50_seconds',
        'nodejs_eventloop_lag_p90_seconds',
        'nodejs_eventloop_lag_p99_seconds',
        'nodejs_active_resources_total',
        'nodejs_heap_size_total_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_external_memory_bytes',
        'nodejs_heap_space_size_total_bytes',
        'nodejs_heap_space_size_used_bytes',
        'nodejs_heap_space_size_available_bytes',
        'nodejs_version_info',
        'nodejs_gc_duration_seconds',
        ...(onLinux
          ? ['process_virtual_memory_bytes', 'process_heap_bytes', 'process_open_fds', 'process_max_fds']
          : []),
      ]),
    );
    const user = value('process_cpu_user_seconds_total')!;
    const system = value('process_cpu_system_seconds_total')!;
    expect(user).toBeGreaterThan(0);
    expect(value('process_cpu_seconds_total')).toBeCloseTo(user + system, 2);
    const startTime = value('process_start_time_seconds')!;
    expect(startTime).toBeLessThanOrEqual(Date.now() / 1000);
    expect(startTime).toBeGreaterThan(Date.now() / 1000 - 24 * 3600);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(value('nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(value('nodejs_heap_size_total_bytes')!);
    expect(value('nodejs_heap_space_size_used_bytes', { space: 'old' })).toBeGreaterThan(0);
    expect(value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeLessThan(10);
    expect(value('nodejs_version_info', { version: process.version })).toBe(1);
    expect(value('nodejs_gc_duration_seconds_count', { kind: 'minor' })).toBeGreaterThan(0);
    if (onLinux) {
      expect(value('process_open_fds')).toBeGreaterThan(0);
      expect(value('process_max_fds')).toBeGreaterThanOrEqual(value('process_open_fds')!);
      expect(value('process_virtual_memory_bytes')).toBeGreaterThan(value('process_resident_memory_bytes')!);
    }
  });

  it('adds CPU time across scrapes without going down', async () => {
    const registry = new Registry();
    running = collectDefaultMetrics({ register: registry });
    const cpu = async () =>
      (await registry.getMetricsAsJSON()).find((m) => m.name === 'process_cpu_seconds_total')!.values[0]!
        .value;
    const first = await cpu();
    let spin = 0;
    for (let i = 0; i < 2e6; i++) spin += Math.sqrt(i);
    expect(spin).toBeGreaterThan(0);
    expect(await cpu()).toBeGreaterThan(first);
  });

  it('applies the prefix and labels to every metric', async () => {
    const { families } = await scrape({ prefix: 'app_', labels: { service: 'checkout' } });
    for (const family of families) {
      expect(family.name.startsWith('app_')).toBe(true);
      for (const sample of family.samples) expect(sample.labels.get('service')).toBe('checkout');
    }
  });

  it.each([
    [{ labels: { 'bad-name': 'x' } }, /collectDefaultMetrics: label name "bad-name" is invalid/],
    [{ eventLoopMonitoringPrecision: 0 }, /eventLoopMonitoringPrecision must be a whole number/],
    [{ prefix: '1x_' }, /invalid metric name "1x_process_cpu_user_seconds_total"/],
  ])('rejects %j', (options, message) => {
    expect(() => collectDefaultMetrics({ register: new Registry(), ...options })).toThrow(message);
  });
});
