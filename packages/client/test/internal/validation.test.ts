import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, Summary } from '../../src/index.ts';

// Validation is reached through the constructors, where users meet it.
describe('metric options validation', () => {
  it.each([
    [{ name: '' }, /Counter: invalid metric name ""/],
    [{ name: '1abc' }, /invalid metric name "1abc"; expected \[a-zA-Z_:\]/],
    [{ name: 'a-b' }, /invalid metric name "a-b"/],
    [{ name: 'héllo' }, /invalid metric name/],
    [{ help: '' }, /Counter "ok_total": help is required/],
    [{ labelNames: ['a-b'] }, /Counter "ok_total": label name "a-b" is invalid/],
    [{ labelNames: ['__meta'] }, /label name "__meta" is reserved/],
    [{ labelNames: ['a', 'b', 'a'] }, /duplicate label name "a"/],
    [{ labelNames: [':x'] }, /label name ":x" is invalid/],
    [{ unit: 'bytes' }, /the name must end in "_bytes" to carry unit "bytes"/],
    [{ unit: 'a b' }, /invalid unit "a b"/],
    [{ collect: 'nope' }, /collect must be a function/],
  ])('rejects %j', (override, message) => {
    expect(
      () => new Counter({ name: 'ok_total', help: 'h', registers: [], ...(override as object) }),
    ).toThrow(message);
  });

  it.each([
    ['a:b_total', {}],
    ['_x', { labelNames: ['_a', 'B9'] }],
    ['transfer_bytes_total', { unit: 'bytes' }],
  ])('accepts %s', (name, override) => {
    expect(() => new Counter({ name, help: 'h', registers: [], ...override })).not.toThrow();
  });

  it.each([
    [
      () => new Histogram({ name: 'h', help: 'h', labelNames: ['le'], registers: [] }),
      /Histogram "h": label name "le" is reserved for the histogram's own samples/,
    ],
    [
      () => new Summary({ name: 's', help: 'h', labelNames: ['quantile'], registers: [] }),
      /Summary "s": label name "quantile" is reserved/,
    ],
    [() => new Gauge({ name: 'g', help: 'h', labelNames: ['le', 'quantile'], registers: [] }), null],
  ])('reserves le for histograms and quantile for summaries only (%#)', (create, message) => {
    if (message === null) expect(create).not.toThrow();
    else expect(create).toThrow(message);
  });
});
