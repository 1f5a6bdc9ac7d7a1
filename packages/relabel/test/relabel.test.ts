import { Labels } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { compileRelabelConfigs, type RelabelConfigInput } from '../src/config.ts';
import { hashmod, relabel } from '../src/relabel.ts';

interface Case {
  name: string;
  input: Record<string, string>;
  rules: RelabelConfigInput[];
  output: Record<string, string> | undefined;
}

const cases: Case[] = [
  {
    name: 'replace with defaults copies the source into the target',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], target_label: 'b' }],
    output: { a: 'foo', b: 'foo' },
  },
  {
    name: 'replace joins sources with the separator and expands groups',
    input: { a: 'foo', b: 'bar' },
    rules: [
      {
        source_labels: ['a', 'b'],
        separator: '-',
        regex: '(f.*)-(b.*)',
        target_label: 'c',
        replacement: '${2}_$1',
      },
    ],
    output: { a: 'foo', b: 'bar', c: 'bar_foo' },
  },
  {
    name: 'replace leaves labels alone when the regex does not match (it is anchored)',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'o', target_label: 'b' }],
    output: { a: 'foo' },
  },
  {
    name: 'replace with an empty result deletes the target',
    input: { a: 'foo', b: 'x' },
    rules: [{ source_labels: ['missing'], target_label: 'b' }],
    output: { a: 'foo' },
  },
  {
    name: '$1x means ${1x}, which is empty (Go regexp.Expand)',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: '(.*)', target_label: 'b', replacement: '$1x' }],
    output: { a: 'foo' },
  },
  {
    name: '$$ is a literal dollar and named groups expand',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: '(?P<word>.*)', target_label: 'b', replacement: '$$${word}' }],
    output: { a: 'foo', b: '$foo' },
  },
  {
    name: 'target_label may come from a group',
    input: { a: 'some-name', b: 'v' },
    rules: [{ source_labels: ['a'], regex: 'some-([a-z]+)', target_label: 'label_$1', replacement: 'x' }],
    output: { a: 'some-name', b: 'v', label_name: 'x' },
  },
  {
    name: 'keep keeps matching sets',
    input: { job: 'api' },
    rules: [{ source_labels: ['job'], regex: 'api|web', action: 'keep' }],
    output: { job: 'api' },
  },
  {
    name: 'keep drops others',
    input: { job: 'db' },
    rules: [{ source_labels: ['job'], regex: 'api|web', action: 'keep' }],
    output: undefined,
  },
  {
    name: 'drop drops matching sets, including on the empty string of a missing label',
    input: { job: 'db' },
    rules: [{ source_labels: ['missing'], regex: '', action: 'drop' }],
    output: undefined,
  },
  {
    name: 'action names are case-insensitive',
    input: { job: 'db' },
    rules: [{ source_labels: ['job'], regex: 'db', action: 'DROP' }],
    output: undefined,
  },
  {
    name: 'keepequal keeps when source equals target',
    input: { a: '1', b: '1' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
    output: { a: '1', b: '1' },
  },
  {
    name: 'dropequal drops when source equals target',
    input: { a: '1', b: '1' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
    output: undefined,
  },
  {
    name: 'hashmod gives the same bucket as Prometheus',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['c'], target_label: 'd', modulus: 1000, action: 'hashmod' }],
    output: { a: 'foo', b: 'bar', c: 'baz', d: '976' },
  },
  {
    name: 'labelmap copies matching labels under new names',
    input: { __meta_kubernetes_pod_label_app: 'web', __meta_other: 'x' },
    rules: [{ regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }],
    output: { __meta_kubernetes_pod_label_app: 'web', __meta_other: 'x', app: 'web' },
  },
  {
    name: 'labeldrop removes matching names',
    input: { a: '1', b1: '2', b2: '3' },
    rules: [{ regex: 'b.', action: 'labeldrop' }],
    output: { a: '1' },
  },
  {
    name: 'labelkeep keeps only matching names',
    input: { a: '1', b1: '2', b2: '3' },
    rules: [{ regex: 'b.', action: 'labelkeep' }],
    output: { b1: '2', b2: '3' },
  },
  {
    name: 'lowercase and uppercase',
    input: { a: 'MiXeD' },
    rules: [
      { source_labels: ['a'], target_label: 'lo', action: 'lowercase' },
      { source_labels: ['a'], target_label: 'up', action: 'uppercase' },
    ],
    output: { a: 'MiXeD', lo: 'mixed', up: 'MIXED' },
  },
  {
    name: 'rules apply in order and see earlier results',
    input: { __address__: 'host:9100' },
    rules: [
      { source_labels: ['__address__'], regex: '(.*):\\d+', target_label: 'host' },
      { source_labels: ['host'], regex: 'host', action: 'keep' },
    ],
    output: { __address__: 'host:9100', host: 'host' },
  },
  {
    name: 'the regex . matches a newline',
    input: { a: 'x\ny' },
    rules: [{ source_labels: ['a'], regex: 'x.y', action: 'keep' }],
    output: { a: 'x\ny' },
  },
];

describe('relabel', () => {
  it.each(cases)('$name', ({ input, rules, output }) => {
    const result = relabel(Labels.from(input), compileRelabelConfigs(rules));
    expect(result?.toRecord()).toEqual(output);
  });

  it('returns the same label set when there are no rules', () => {
    const l = Labels.from({ a: '1' });
    expect(relabel(l, [])).toBe(l);
  });

  it('hashmod reads the last 8 bytes of the MD5 big-endian', () => {
    expect(hashmod('foo', 1000)).toBe(696);
    expect(hashmod('bar', 1000)).toBe(922);
    expect(hashmod('anything', 1)).toBe(0);
  });
});

describe('relabel config validation', () => {
  it.each<[RelabelConfigInput, string]>([
    [{ action: null }, 'relabel action cannot be empty'],
    [{ action: 'explode' }, 'unknown relabel action "explode"'],
    [{ source_labels: ['a'] }, "relabel configuration for replace action requires 'target_label' value"],
    [{ action: 'hashmod', target_label: 'x' }, 'relabel configuration for hashmod requires non-zero modulus'],
    [
      { action: 'hashmod', modulus: 3 },
      "relabel configuration for hashmod action requires 'target_label' value",
    ],
    [
      { action: 'lowercase', target_label: 'x', replacement: 'bar' },
      "'replacement' can not be set for lowercase action",
    ],
    [{ action: 'uppercase' }, "relabel configuration for uppercase action requires 'target_label' value"],
    [{ action: 'keepequal' }, "relabel configuration for keepequal action requires 'target_label' value"],
    [
      { action: 'dropequal', source_labels: ['a'], target_label: 'b', regex: 'foo' },
      "dropequal action requires only 'source_labels' and `target_label`, and no other fields",
    ],
    [{ action: 'labeldrop', separator: ',' }, "labeldrop action requires only 'regex', and no other fields"],
    [
      { action: 'labeldrop', target_label: 'yolo' },
      "labeldrop action requires only 'regex', and no other fields",
    ],
    [
      { action: 'labelkeep', replacement: 'yolo-{1}' },
      "labelkeep action requires only 'regex', and no other fields",
    ],
    [
      { action: 'labelkeep', source_labels: ['a'] },
      "labelkeep action requires only 'regex', and no other fields",
    ],
    [{ regex: 'abc(def', target_label: 'x' }, 'error parsing regexp'],
    [{ source_labels: ['\ud800'], target_label: 'x' }, 'is not a valid label name'],
    [{ target_label: 'x', modulo: 3 } as RelabelConfigInput, 'field modulo not found'],
  ])('rejects %j', (rule, message) => {
    expect(() => compileRelabelConfigs([rule])).toThrow(message);
  });

  it('fills in Prometheus defaults', () => {
    const [rule] = compileRelabelConfigs([{ target_label: 'x' }]);
    expect(rule).toMatchObject({
      separator: ';',
      regex: '(.*)',
      replacement: '$1',
      action: 'replace',
      modulus: 0,
    });
  });

  it('names the rule position when there are several', () => {
    expect(() => compileRelabelConfigs([{ target_label: 'a' }, { action: 'bogus' }])).toThrow(
      /^relabel rule 2: /,
    );
  });
});
