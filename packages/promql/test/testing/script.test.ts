import { describe, expect, it } from 'vitest';
import { parseScript, runTestScript } from '../../src/index.ts';
import { expandItems, splitItems } from '../../src/testing/notation.ts';

describe('series notation', () => {
  it.each([
    ['1+2x3', [1, 3, 5, 7]],
    ['5-1x2', [5, 4, 3]],
    ['0x2', [0, 0, 0]],
    ['42.0x1', [42, 42]],
    ['1 _ 3', [1, undefined, 3]],
    ['_x2 Inf -Inf', [undefined, undefined, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
  ])('%s', (text, want) => {
    const got = expandItems(splitItems(text)).map((i) => (i.kind === 'float' ? i.value : undefined));
    expect(got).toEqual(want);
  });
  it('keeps histogram literals whole', () => {
    expect(splitItems('{{schema:0 sum:1}}x2 3')).toEqual(['{{schema:0 sum:1}}x2', '3']);
  });
});

describe('test scripts', () => {
  it('reads commands and expectations', () => {
    const cmds = parseScript('load 5m\n  m 1 2\n\neval instant at 5m m\n  expect no_warn\n  m 2\n');
    expect(cmds.map((c) => c.kind)).toEqual(['load', 'eval']);
    expect(cmds[1]).toMatchObject({
      mode: 'instant',
      start: 300_000,
      expr: 'm',
      expect: { warn: { none: true } },
    });
  });

  it('reports a failing eval with expected and got', async () => {
    const out = await runTestScript('load 5m\n  m 1 2\n\neval instant at 5m m\n  m 3\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'failed', class: 'stable' });
    expect(out[0]!.message).toContain('expected:');
  });

  it('passes a correct eval, including the @ and range-mode re-runs', async () => {
    const out = await runTestScript(
      'load 5m\n  m 1 2 3\n\neval instant at 10m rate(m[10m])\n  {} 0.0033333333\n',
    );
    expect(out).toEqual([
      { line: 4, text: 'eval instant at 10m rate(m[10m])', class: 'stable', status: 'passed' },
    ]);
  });
});
