// Property tests: any bytes either parse or fail with an ExpositionError that points inside
// the input, and generated metric families survive writing and parsing.
import { readdirSync, readFileSync } from 'node:fs';
import { Labels, type MetricType } from '@pyrometer/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createParser,
  type ExemplarSink,
  ExpositionError,
  type ExpositionFormat,
  type FamilySample,
  type MetricFamily,
  parseMetricFamilies,
  writeOpenMetrics,
  writeText,
} from '../src/index.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const suite = new URL('openmetrics/tests/testdata/parsers/', fixtures);

const seeds: { format: ExpositionFormat; bytes: Uint8Array }[] = [
  { format: 'text', bytes: readFileSync(new URL('text-edge-cases.prom.txt', fixtures)) },
  { format: 'text', bytes: readFileSync(new URL('node-exporter.prom.txt', fixtures)).subarray(0, 6000) },
  { format: 'openmetrics', bytes: readFileSync(new URL('all-types.om.txt', fixtures)) },
  ...readdirSync(suite)
    .filter((name) => !name.startsWith('bad_'))
    .map((name) => ({
      format: 'openmetrics' as const,
      bytes: readFileSync(new URL(`${name}/metrics`, suite)),
    })),
];

/** Reads every entry; returns normally or throws, and checks that it cannot loop. */
function parseAll(bytes: Uint8Array, format: ExpositionFormat): void {
  const parser = createParser(bytes, format);
  const labels: string[] = [];
  const exemplar: ExemplarSink = { labels: [], value: 0, timestamp: undefined };
  let lines = 1;
  for (const byte of bytes) if (byte === 0x0a) lines++;
  for (let entries = 0; parser.next() !== 'eof'; entries++) {
    if (entries > lines) throw new Error('more entries than lines');
    parser.labels(labels);
    parser.exemplar(exemplar);
    parser.help();
  }
}

/** `bytes` copied to `offset` bytes into a larger buffer, as a slice of a network read would be. */
function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const backing = new Uint8Array(bytes.length + offset + 3);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.length);
}

function expectParsesOrPointsInside(input: Uint8Array, format: ExpositionFormat, offset = 0): void {
  const bytes = atOffset(input, offset);
  try {
    parseAll(bytes, format);
  } catch (error) {
    if (!(error instanceof ExpositionError)) throw error;
    const lines = Buffer.from(bytes).toString('utf8').split('\n');
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines.length);
    const line = lines[error.line - 1] ?? '';
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeLessThanOrEqual(Array.from(line).length + 1);
  }
}

const interestingBytes = [...'\n\r\t {}",=#\\.:_-+eE0159aINnf']
  .map((c) => c.charCodeAt(0))
  .concat([0, 0xc3, 0xff]);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    byte: fc.constantFrom(...interestingBytes),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Array.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] = bytes[at]! ^ (1 << m.bit);
    else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
    else if (m.kind === 'delete') bytes.splice(at, m.length);
    else bytes = [...bytes.slice(0, at + m.length), ...bytes.slice(at)];
  }
  return Uint8Array.from(bytes);
}

describe('any input', () => {
  it('mutated valid payloads parse or fail with a position inside the input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.nat({ max: 3 }),
        (seed, mutations, offset) => {
          const { format, bytes } = seeds[seed]!;
          const mutated = mutate(bytes, mutations);
          expectParsesOrPointsInside(mutated, format, offset);
          expectParsesOrPointsInside(mutated, format === 'text' ? 'openmetrics' : 'text', offset);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random bytes parse or fail with a position inside the input', () => {
    const alphabet = fc.constantFrom(...interestingBytes, 0x61, 0x62, 0x7a);
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(alphabet, { maxLength: 200 })),
        (raw) => {
          const bytes = Uint8Array.from(raw);
          expectParsesOrPointsInside(bytes, 'text');
          expectParsesOrPointsInside(bytes, 'openmetrics');
        },
      ),
      { numRuns: 400 },
    );
  });
});

// Generated families that follow OpenMetrics' rules, so they must come back unchanged.
const awkwardChars = fc.constantFrom(
  'a',
  'b',
  'z',
  '0',
  '9',
  ' ',
  '\\',
  '"',
  '\n',
  '{',
  '}',
  ',',
  '=',
  '#',
  'ü',
  '😀',
  '\t',
  '\0',
);
const labelValue = fc.string({ unit: awkwardChars, minLength: 1, maxLength: 12 });
const legacyName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const labelName = fc
  .oneof(legacyName, fc.string({ unit: awkwardChars, minLength: 1, maxLength: 6 }))
  .filter((n) => n !== '__name__' && n !== 'le' && n !== 'quantile' && !n.startsWith('__'));
const labelSet = fc.dictionary(labelName, labelValue, { maxKeys: 4 });
const anyValue = fc.oneof(
  fc.double(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.constantFrom(0, -0, 0.1, 1e21),
);
const countValue = fc.oneof(fc.double({ min: 0, noNaN: true }), fc.nat());
const timestamp = fc.option(fc.integer({ min: -1e12, max: 1e13 }), { nil: undefined });

function sample(name: string, labels: Record<string, string>, value: number, ts?: number): FamilySample {
  const s: FamilySample = { labels: Labels.from({ ...labels, __name__: name }), value };
  if (ts !== undefined) s.timestamp = ts;
  return s;
}

const familyBody = fc.oneof(
  fc.record({
    type: fc.constantFrom<MetricType>('gauge', 'unknown'),
    series: fc.uniqueArray(fc.tuple(labelSet, anyValue, timestamp), {
      maxLength: 4,
      selector: ([l]) => Labels.from(l).toString(),
    }),
  }),
  fc.record({
    type: fc.constant<MetricType>('counter'),
    series: fc.uniqueArray(fc.tuple(labelSet, countValue, timestamp), {
      maxLength: 4,
      selector: ([l]) => Labels.from(l).toString(),
    }),
  }),
  fc.record({
    type: fc.constant<MetricType>('histogram'),
    series: fc.uniqueArray(fc.tuple(labelSet, fc.array(fc.nat({ max: 5 }), { maxLength: 4 }), fc.nat()), {
      maxLength: 3,
      selector: ([l]) => Labels.from(l).toString(),
    }),
  }),
);

const families = fc
  .array(
    fc.record({
      word: fc.oneof(legacyName, fc.constantFrom('dotted.name', 'ünï')),
      help: fc.string({ unit: awkwardChars, maxLength: 10 }),
      body: familyBody,
    }),
    { maxLength: 5 },
  )
  .map((specs) =>
    specs.map(({ word, help, body }, i): MetricFamily => {
      const name = `f${i}_${word}`;
      const family: MetricFamily = { name, type: body.type, help, unit: '', samples: [] };
      if (body.type === 'histogram') {
        for (const [labels, increments, extra] of body.series as [
          Record<string, string>,
          number[],
          number,
        ][]) {
          let cumulative = 0;
          increments.forEach((increment, b) => {
            cumulative += increment;
            family.samples.push(sample(`${name}_bucket`, { ...labels, le: String(b * 0.25) }, cumulative));
          });
          const total = cumulative + extra;
          family.samples.push(sample(`${name}_bucket`, { ...labels, le: '+Inf' }, total));
          family.samples.push(sample(`${name}_count`, labels, total));
          family.samples.push(sample(`${name}_sum`, labels, total * 0.5));
        }
      } else {
        const sampleName = body.type === 'counter' ? `${name}_total` : name;
        for (const [labels, value, ts] of body.series as [
          Record<string, string>,
          number,
          number | undefined,
        ][]) {
          family.samples.push(sample(sampleName, labels, value, ts));
        }
      }
      return family;
    }),
  );

describe('generated families', () => {
  it('round-trip through OpenMetrics unchanged', () => {
    fc.assert(
      fc.property(families, (generated) => {
        const written = writeOpenMetrics(generated);
        expect(parseMetricFamilies(written, 'openmetrics')).toEqual(generated);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trip through the text format with the same samples', () => {
    fc.assert(
      fc.property(families, (generated) => {
        const parsed = parseMetricFamilies(writeText(generated), 'text');
        expect(parsed.flatMap((f) => f.samples)).toEqual(generated.flatMap((f) => f.samples));
        expect(parseMetricFamilies(writeText(parsed), 'text')).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('parse the same line by line as whole (the shared-prefix shortcut is invisible)', () => {
    fc.assert(
      fc.property(families, (generated) => {
        const text = writeText(generated);
        const whole = parseMetricFamilies(text, 'text').flatMap((f) => f.samples);
        const lineByLine = text
          .split('\n')
          .flatMap((line) => parseMetricFamilies(line, 'text').flatMap((f) => f.samples));
        expect(whole).toEqual(lineByLine);
      }),
      { numRuns: 300 },
    );
  });
});
