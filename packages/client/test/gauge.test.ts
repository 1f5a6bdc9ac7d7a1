import { describe, expect, it, vi } from 'vitest';
import { Gauge, Registry } from '../src/index.ts';

function setup(labelNames: readonly string[] = []) {
  const registry = new Registry();
  let clock = 1_700_000_000_500;
  const gauge = new Gauge({
    name: 'queue_length',
    help: 'Jobs waiting.',
    labelNames,
    registers: [registry],
    now: () => clock,
  });
  return { registry, gauge, setClock: (ms: number) => (clock = ms) };
}

describe('Gauge', () => {
  it('writes the same samples in both formats, without _created', async () => {
    const { registry, gauge } = setup(['queue']);
    gauge.labels('mail').set(3);
    gauge.set({ queue: 'sms' }, -1.5e-7);
    const samples = 'queue_length{queue="mail"} 3\nqueue_length{queue="sms"} -1.5e-07\n';
    expect(await registry.metrics()).toBe(
      `# HELP queue_length Jobs waiting.\n# TYPE queue_length gauge\n${samples}`,
    );
    expect(await registry.metrics({ format: 'openmetrics' })).toBe(
      `# HELP queue_length Jobs waiting.\n# TYPE queue_length gauge\n${samples}# EOF\n`,
    );
  });

  it.each([
    ['set', (g: Gauge) => g.set(7), 7],
    ['inc', (g: Gauge) => g.inc(), 1],
    ['inc by', (g: Gauge) => g.inc(2.5), 2.5],
    ['dec', (g: Gauge) => g.dec(), -1],
    ['dec by', (g: Gauge) => g.dec(4), -4],
    ['set NaN', (g: Gauge) => g.set(Number.NaN), Number.NaN],
    ['set +Inf', (g: Gauge) => g.set(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY],
    ['child', (g: Gauge) => g.labels().set(2), 2],
  ])('%s', async (_, act, expected) => {
    const { gauge } = setup();
    act(gauge);
    expect((await gauge.get()).values[0]?.value).toBe(expected);
  });

  it('sets to the current time in seconds', async () => {
    const { registry, gauge, setClock } = setup(['job']);
    gauge.setToCurrentTime({ job: 'backup' });
    expect(await registry.metrics()).toContain('queue_length{job="backup"} 1.7000000005e+09\n');
    setClock(1_700_000_001_000);
    gauge.labels('backup').setToCurrentTime();
    expect(gauge.labels('backup').get()).toBe(1_700_000_001);
  });

  it('times with startTimer, merging the labels given at the end', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const { gauge } = setup(['job', 'outcome']);
      const end = gauge.startTimer({ job: 'backup' });
      vi.advanceTimersByTime(1500);
      expect(end({ outcome: 'ok' })).toBeCloseTo(1.5, 6);
      expect(gauge.labels('backup', 'ok').get()).toBeCloseTo(1.5, 6);
      const endChild = gauge.labels('restore', 'ok').startTimer();
      vi.advanceTimersByTime(250);
      endChild();
      expect(gauge.labels('restore', 'ok').get()).toBeCloseTo(0.25, 6);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['inc(NaN)', (g: Gauge) => g.inc(Number.NaN), /Gauge "queue_length": inc\(NaN\).*finite/],
    ['dec(Infinity)', (g: Gauge) => g.dec(Number.POSITIVE_INFINITY), /dec\(Infinity\).*finite/],
    ['set a string', (g: Gauge) => g.set('3' as unknown as number), /set\(\) takes a number, got string/],
  ])('rejects %s', (_, act, message) => {
    const { gauge } = setup();
    expect(() => act(gauge)).toThrow(message);
  });
});
