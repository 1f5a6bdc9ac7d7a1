import { parseMetricFamilies } from '@pyrometer/exposition';
import { describe, expect, it } from 'vitest';
import { Counter, Registry } from '../src/index.ts';

const NOW = 1_700_000_000_000;
const now = () => NOW;

function setup(options: { labelNames?: readonly string[]; enableExemplars?: boolean; name?: string } = {}) {
  const registry = new Registry();
  const counter = new Counter({
    name: options.name ?? 'http_requests_total',
    help: 'Requests served.',
    labelNames: options.labelNames ?? [],
    registers: [registry],
    enableExemplars: options.enableExemplars ?? false,
    now,
  });
  return { registry, counter };
}

describe('Counter', () => {
  it('starts at zero and writes the text format', async () => {
    const { registry, counter } = setup();
    expect(await registry.metrics()).toBe(
      '# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\nhttp_requests_total 0\n',
    );
    counter.inc();
    counter.inc(2.5);
    expect(await registry.metrics()).toContain('\nhttp_requests_total 3.5\n');
  });

  it('writes OpenMetrics: family without _total, _created, # EOF', async () => {
    const { registry, counter } = setup({ labelNames: ['method'] });
    counter.labels('GET').inc(3);
    expect(await registry.metrics({ format: 'openmetrics' })).toBe(
      [
        '# HELP http_requests Requests served.',
        '# TYPE http_requests counter',
        'http_requests_total{method="GET"} 3',
        'http_requests_created{method="GET"} 1700000000',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('adds _total to the samples of a counter named without it, in OpenMetrics only', async () => {
    const { registry, counter } = setup({ name: 'jobs_done' });
    counter.inc();
    expect(await registry.metrics()).toContain('\njobs_done 1\n');
    const openMetrics = await registry.metrics({ format: 'openmetrics' });
    expect(openMetrics).toContain(
      '# TYPE jobs_done counter\njobs_done_total 1\njobs_done_created 1700000000\n',
    );
  });

  it.each([
    ['positional', (c: Counter) => c.labels('GET', '200').inc()],
    ['positional with a number', (c: Counter) => c.labels('GET', 200).inc()],
    ['object', (c: Counter) => c.labels({ method: 'GET', code: '200' }).inc()],
    ['object, other key order', (c: Counter) => c.labels({ code: 200, method: 'GET' }).inc()],
    ['inc(labels)', (c: Counter) => c.inc({ method: 'GET', code: '200' })],
    ['inc(labels, value)', (c: Counter) => c.inc({ method: 'GET', code: '200' }, 1)],
  ])('reaches the same child by %s', async (_, increment) => {
    const { registry, counter } = setup({ labelNames: ['method', 'code'] });
    increment(counter);
    increment(counter);
    expect(await registry.metrics()).toContain('\nhttp_requests_total{method="GET",code="200"} 2\n');
    expect((await counter.get()).values).toEqual([{ value: 2, labels: { method: 'GET', code: '200' } }]);
  });

  it('caches children: the same label values give the same child', () => {
    const { counter } = setup({ labelNames: ['method', 'code'] });
    const child = counter.labels('GET', '200');
    expect(counter.labels('GET', '200')).toBe(child);
    expect(counter.labels({ code: '200', method: 'GET' })).toBe(child);
    expect(counter.labels('GET', 200)).toBe(child);
    expect(counter.labels('GET', '201')).not.toBe(child);
  });

  it('leaves out labels that are missing or empty', async () => {
    const { registry, counter } = setup({ labelNames: ['method', 'code'] });
    counter.inc({ method: 'GET' });
    counter.labels('', '500').inc();
    counter.inc();
    expect(await registry.metrics()).toBe(
      [
        '# HELP http_requests_total Requests served.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="GET"} 1',
        'http_requests_total{code="500"} 1',
        'http_requests_total 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text in both formats', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'escapes_total',
      help: 'Back\\slash, "quotes" and\nnewline.',
      labelNames: ['path'],
      registers: [registry],
      now,
    });
    counter.labels('C:\\dir "x"\nnext').inc();
    const text = await registry.metrics();
    expect(text).toContain('# HELP escapes_total Back\\\\slash, "quotes" and\\nnewline.\n');
    expect(text).toContain('escapes_total{path="C:\\\\dir \\"x\\"\\nnext"} 1\n');
    const openMetrics = await registry.metrics({ format: 'openmetrics' });
    expect(openMetrics).toContain('# HELP escapes Back\\\\slash, \\"quotes\\" and\\nnewline.\n');
    const [family] = parseMetricFamilies(text, 'text');
    expect(family?.help).toBe('Back\\slash, "quotes" and\nnewline.');
    expect(family?.samples[0]?.labels.get('path')).toBe('C:\\dir "x"\nnext');
  });

  it('removes a child and resets', async () => {
    const { registry, counter } = setup({ labelNames: ['method'] });
    counter.labels('GET').inc();
    counter.labels('POST').inc();
    counter.remove('GET');
    expect(await registry.metrics()).not.toContain('GET');
    counter.remove({ method: 'POST' });
    counter.labels('PUT').inc();
    counter.reset();
    expect((await counter.get()).values).toEqual([]);
    const unlabelled = setup();
    unlabelled.counter.inc(5);
    unlabelled.counter.reset();
    expect((await unlabelled.counter.get()).values).toEqual([{ value: 0, labels: {} }]);
  });

  it('creates a child at zero with zero()', async () => {
    const { registry, counter } = setup({ labelNames: ['method'] });
    counter.zero({ method: 'GET' });
    expect(await registry.metrics()).toContain('http_requests_total{method="GET"} 0\n');
  });

  it('keeps the latest exemplar, written in OpenMetrics only', async () => {
    const { registry, counter } = setup({ labelNames: ['method'], enableExemplars: true });
    counter.inc({ labels: { method: 'GET' }, value: 2, exemplarLabels: { trace_id: 'abc' } });
    counter.labels('GET').inc(1, { trace_id: 'def' });
    counter.inc({ labels: { method: 'POST' } });
    const openMetrics = await registry.metrics({ format: 'openmetrics' });
    expect(openMetrics).toContain('http_requests_total{method="GET"} 3 # {trace_id="def"} 1 1700000000\n');
    expect(openMetrics).toContain('http_requests_total{method="POST"} 1\n');
    expect(await registry.metrics()).not.toContain('#  {');
    const [family] = parseMetricFamilies(openMetrics, 'openmetrics');
    expect(family?.samples[0]?.exemplar?.labels.get('trace_id')).toBe('def');
  });

  it('with exemplars on, still takes a plain label object', async () => {
    const { registry, counter } = setup({ labelNames: ['method'], enableExemplars: true });
    counter.inc({ method: 'GET' });
    counter.inc({ method: 'GET' }, 2);
    expect(await registry.metrics()).toContain('http_requests_total{method="GET"} 3\n');
  });

  describe('rejects bad input at the call site, naming the metric', () => {
    it.each([
      [
        'a negative increment',
        (c: Counter) => c.inc(-1),
        /Counter "http_requests_total".*inc\(-1\).*only goes up/,
      ],
      ['NaN', (c: Counter) => c.inc(Number.NaN), /inc\(NaN\).*finite/],
      ['+Inf', (c: Counter) => c.inc(Number.POSITIVE_INFINITY), /inc\(Infinity\).*finite/],
      ['a string', (c: Counter) => c.inc('1' as unknown as number), /takes a number, got string/],
      [
        'too few label values',
        (c: Counter) => c.labels('GET'),
        /got 1 label value\(s\).*for 2 label name\(s\) \(method, code\)/,
      ],
      ['too many label values', (c: Counter) => c.labels('GET', '200', 'x'), /got 3 label value/],
      [
        'an unknown label',
        (c: Counter) => c.inc({ verb: 'GET' } as never),
        /label "verb" is not one of its label names \(method, code\)/,
      ],
      [
        'an unknown label beside known ones',
        (c: Counter) => c.labels({ method: 'GET', code: '200', x: '1' } as never),
        /label "x"/,
      ],
      [
        'a label value of the wrong type',
        (c: Counter) => c.labels({ method: true } as never),
        /label "method" must be a string or a number/,
      ],
      [
        'exemplar labels while exemplars are off',
        (c: Counter) => c.labels('GET', '200').inc(1, { a: 'b' }),
        /exemplars are off/,
      ],
    ])('%s', (_, act, message) => {
      const { counter } = setup({ labelNames: ['method', 'code'] });
      expect(() => act(counter)).toThrow(message);
    });

    it('an unknown label even when a child for the known ones exists', () => {
      const { counter } = setup({ labelNames: ['method'] });
      counter.labels('GET');
      expect(() => counter.inc({ method: 'GET', extra: 'x' } as never)).toThrow(/label "extra"/);
      counter.labels('');
      expect(() => counter.inc({ extra: 'x' } as never)).toThrow(/label "extra"/);
    });
  });
});
