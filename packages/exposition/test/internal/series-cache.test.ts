import { readFileSync } from 'node:fs';
import { Labels } from '@pyrometer/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExpositionError,
  type ExpositionParser,
  escapeLabelValue,
  OpenMetricsParser,
  SeriesCache,
  TextParser,
} from '../../src/index.ts';

interface Read {
  labels: Labels;
  flat: string[];
  value: number;
  timestamp: number | undefined;
  key: string;
}

/** One scrape through `cache`: every series line's label set, labels, value, timestamp and key. */
function scrape(
  input: string,
  cache: SeriesCache,
  make: (s: string) => ExpositionParser = (s) => new TextParser(s, { seriesCache: cache }),
) {
  const parser = make(input);
  const out: Read[] = [];
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    if (kind !== 'series') continue;
    const labels = parser.series();
    out.push({
      labels,
      flat: [...parser.labels([])],
      value: parser.value(),
      timestamp: parser.timestamp(),
      key: parser.seriesKey(),
    });
  }
  cache.prune();
  return out;
}

function errorOf(run: () => unknown): ExpositionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpositionError) return error;
    throw error;
  }
  throw new Error('expected an ExpositionError');
}

const body = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",code="200"} 1027 1395066363000
http_requests_total{method="POST",code="400"} 3 1395066363000
go_goroutines 8
`;

describe('SeriesCache', () => {
  it('returns the same Labels for the same series scrape after scrape', () => {
    const cache = new SeriesCache();
    const first = scrape(body, cache);
    const second = scrape(body, cache);
    expect(first.map((r) => r.labels.toString())).toEqual([
      'http_requests_total{code="200", method="GET"}',
      'http_requests_total{code="400", method="POST"}',
      'go_goroutines{}',
    ]);
    for (let i = 0; i < first.length; i++) expect(second[i]!.labels).toBe(first[i]!.labels);
    expect(second).toEqual(first);
    expect(cache.size).toBe(3);
  });

  it('still hits when the value or timestamp changes, and reads the new ones', () => {
    const cache = new SeriesCache();
    const first = scrape('a{b="c"} 1 1000\nd 2\n', cache);
    const second = scrape('a{b="c"} 1.5e3 2000\nd NaN 7\n', cache);
    expect(second[0]!.labels).toBe(first[0]!.labels);
    expect(second[1]!.labels).toBe(first[1]!.labels);
    expect(second.map((r) => [r.value, r.timestamp])).toEqual([
      [1500, 2000],
      [Number.NaN, 7],
    ]);
    expect(second.map((r) => r.flat)).toEqual([
      ['__name__', 'a', 'b', 'c'],
      ['__name__', 'd'],
    ]);
  });

  it('hits whatever the order of the lines and the lines in between', () => {
    const cache = new SeriesCache();
    const first = scrape('a 1\nb 2\nc 3\n', cache);
    const second = scrape('# a comment\nc 3\n\nx 9\na 1\n  b 2\n', cache);
    expect(second.map((r) => r.labels)).toEqual([
      first[2]!.labels,
      expect.anything(),
      first[0]!.labels,
      first[1]!.labels,
    ]);
    expect(second[0]!.labels).toBe(first[2]!.labels);
    expect(second[2]!.labels).toBe(first[0]!.labels);
    expect(second[3]!.labels).toBe(first[1]!.labels);
  });

  it('keys different spellings of one label set apart, with equal Labels', () => {
    const spellings = [
      'a{b="x\\\\d",c="y"} 1\n',
      'a{b="x\\d",c="y"} 1\n',
      'a{c="y",b="x\\d"} 1\n',
      'a{"b"="x\\d","c"="y",} 1\n',
      'a { b = "x\\d" , c = "y" } 1\n',
      '{"a",b="x\\d",c="y"} 1\n',
    ];
    const cache = new SeriesCache();
    const first = scrape(spellings.join(''), cache);
    const second = scrape(spellings.join(''), cache);
    expect(new Set(first.map((r) => r.key)).size).toBe(spellings.length);
    expect(cache.size).toBe(spellings.length);
    for (let i = 0; i < first.length; i++) {
      expect(first[i]!.labels.toString()).toBe('a{b="x\\\\d", c="y"}');
      expect(second[i]!.labels).toBe(first[i]!.labels);
    }
  });

  it('forgets on prune() the series a scrape did not expose', () => {
    const cache = new SeriesCache();
    const first = scrape('a 1\nb 2\nc 3\n', cache);
    expect(cache.size).toBe(3);
    scrape('a 1\nc 3\n', cache);
    expect(cache.size).toBe(2);
    const third = scrape('a 1\nb 2\nc 3\n', cache);
    expect(third[0]!.labels).toBe(first[0]!.labels);
    expect(third[1]!.labels).not.toBe(first[1]!.labels);
    expect(third[1]!.labels).toEqual(first[1]!.labels);
    expect(third[2]!.labels).toBe(first[2]!.labels);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(scrape('a 1\n', cache)[0]!.labels).not.toBe(first[0]!.labels);
  });

  it('keeps attached values with their series across prunes, and no Labels when told not to', () => {
    const cache = new SeriesCache<string>({ keepLabels: false });
    /** Attaches each line's series text to its entry, unless something is attached already. */
    const attachAll = (input: string) => {
      const parser = new TextParser(input, { seriesCache: cache });
      const found: (string | undefined)[] = [];
      for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
        if (kind !== 'series') continue;
        const e = parser.seriesEntry();
        const had = cache.attachment(e);
        found.push(had);
        if (had === undefined) cache.attach(e, parser.series().toString());
      }
      cache.prune();
      return found;
    };
    expect(attachAll('a{x="1"} 1\nb 2\nc 3\n')).toEqual([undefined, undefined, undefined]);
    // b goes, so prune moves c to another entry: its attachment moves with it.
    expect(attachAll('a{x="1"} 1\nc 3\n')).toEqual(['a{x="1"}', 'c{}']);
    expect(attachAll('c 4\nb 5\na{x="1"} 6\n')).toEqual(['c{}', undefined, 'a{x="1"}']);
    const seen: string[] = [];
    cache.forEachAttachment((value) => seen.push(value));
    expect(seen.sort()).toEqual(['a{x="1"}', 'b{}', 'c{}']);

    // Without kept labels, series() decodes equal but new Labels at each call.
    const parser = new TextParser('a{x="1"} 1\n', { seriesCache: cache });
    parser.next();
    const one = parser.series();
    expect(one).toEqual(Labels.from({ __name__: 'a', x: '1' }));
    expect(parser.series()).not.toBe(one);
    expect(parser.series()).toEqual(one);
    cache.clear();
    expect(attachAll('a{x="1"} 1\n')).toEqual([undefined]);
  });

  it('does not take a cached name for the start of a longer series part', () => {
    const cache = new SeriesCache();
    scrape('a 1\nb 2\n', cache);
    const second = scrape('a {x="y"} 1\nb\t{z="w"} 2\nab 3\n', cache);
    expect(second.map((r) => r.flat)).toEqual([
      ['__name__', 'a', 'x', 'y'],
      ['__name__', 'b', 'z', 'w'],
      ['__name__', 'ab'],
    ]);
  });

  it('reports errors at their line and column on lines that start like a cached series', () => {
    const cache = new SeriesCache();
    scrape('ok 1\na{b="1"} 1\n', cache);
    const cases: [string, number, number, string][] = [
      ['ok 1\na{b="1"}x 1\n', 2, 9, 'expected a blank before the sample value, got "x"'],
      ['ok 1\na{b="1"} 1x\n', 2, 10, 'invalid sample value "1x"'],
      ['ok 1\na{b="1"}\n', 2, 9, 'expected a blank before the sample value, got end of line'],
      ['ok 1\na{b="1",b="2"} 1\n', 2, 9, 'duplicate label name "b"'],
      ['ok 1\na{b="1"} 1 2 3\n', 2, 14, 'expected the end of the line after the timestamp, got "3"'],
    ];
    for (const [input, line, column, detail] of cases) {
      const error = errorOf(() => scrape(input, cache));
      expect(error.message).toBe(`exposition: line ${line}, column ${column}: ${detail}`);
    }
  });

  it('is not trusted by the OpenMetrics parser for what only the text format allows', () => {
    const cache = new SeriesCache();
    scrape('a{b="c",} 1\n', cache);
    const error = errorOf(() =>
      scrape('a{b="c",} 1\n# EOF\n', cache, (s) => new OpenMetricsParser(s, { seriesCache: cache })),
    );
    expect(error.message).toContain('OpenMetrics allows no trailing comma');
  });

  it('gives OpenMetrics lines the same Labels scrape after scrape', () => {
    const cache = new SeriesCache();
    const om = (s: string) => new OpenMetricsParser(s, { seriesCache: cache });
    const input = '# TYPE a counter\na_total{b="c"} 1 # {t="x"} 1\na_total{b="d"} 2\n# EOF\n';
    const first = scrape(input, cache, om);
    const second = scrape(input, cache, om);
    expect(second[0]!.labels).toBe(first[0]!.labels);
    expect(second[1]!.labels).toBe(first[1]!.labels);
    expect(first[0]!.flat).toEqual(['__name__', 'a_total', 'b', 'c']);
  });

  it('gives the same node_exporter samples with and without the cache', () => {
    const text = readFileSync(new URL('../fixtures/node-exporter.prom.txt', import.meta.url), 'utf8');
    const cache = new SeriesCache();
    const first = scrape(text, cache);
    const second = scrape(text, cache);
    const plain = scrape(text, new SeriesCache());
    expect(second).toEqual(first);
    expect(plain).toEqual(first);
    second.forEach((r, i) => {
      expect(r.labels).toBe(first[i]!.labels);
    });
  });
});

/** Every entry as the accessors give it, with its line number. */
function entries(input: string, cache?: SeriesCache): unknown[] {
  const parser = new TextParser(input, { seriesCache: cache });
  const out: unknown[] = [];
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    const line = parser.lineNumber();
    if (kind === 'series') {
      out.push([line, kind, parser.name(), parser.labels([]), parser.series().toString(), parser.value()]);
    } else if (kind === 'help') out.push([line, kind, parser.name(), parser.help()]);
    else if (kind === 'type') out.push([line, kind, parser.name(), parser.type()]);
    else out.push([line, kind, parser.name(), parser.comment()]);
  }
  cache?.prune();
  return out;
}

describe('metadata replay', () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

  it.each(['node-exporter.prom.txt', 'text-edge-cases.prom.txt'])(
    'gives every entry of %s as without a cache, scrape after scrape',
    (name) => {
      const text = fixture(name);
      const cache = new SeriesCache();
      const plain = entries(text);
      expect(entries(text, cache)).toEqual(plain);
      expect(entries(text, cache)).toEqual(plain);
      expect(entries(text.replaceAll('\n', '\r\n'), cache)).toEqual(entries(text.replaceAll('\n', '\r\n')));
    },
  );

  it('reads changed metadata lines, and lines around them, afresh', () => {
    const first = '# HELP a Old text.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\nb 2\n';
    const variants = [
      '# HELP a New text.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\nb 2\n',
      '# HELP a Old text.\n# TYPE a gauge\na 1\n# HELP b B.\n# a comment\n\n# TYPE b counter\nb 2\n',
      '# HELP a Old text.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\nb{x="y"} 2\n',
      '# HELP a Old text.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\nb 2\n',
      '# HELP a Old text.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\n',
      '# HELP a Old text.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\nb 2\nc 3\n',
    ];
    for (const variant of variants) {
      const cache = new SeriesCache();
      entries(first, cache);
      expect(entries(variant, cache)).toEqual(entries(variant));
    }
  });

  it('still reports errors in metadata lines that differ', () => {
    const cache = new SeriesCache();
    entries('# TYPE a gauge\na 1\n', cache);
    const error = errorOf(() => entries('# TYPE a gauges\na 1\n', cache));
    expect(error.message).toBe(
      'exposition: line 1, column 10: unknown metric type "gauges": expected counter, gauge, histogram, summary or untyped',
    );
  });
});

/** The entries of `input`, or the message of the error that stops it. */
function outcome(input: string, cache?: SeriesCache): unknown {
  try {
    return entries(input, cache);
  } catch (error) {
    if (error instanceof ExpositionError) return error.message;
    throw error;
  }
}

describe('a scrape after another', () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
  const seed = `${fixture('text-edge-cases.prom.txt')}${fixture('node-exporter.prom.txt').split('\n').slice(0, 120).join('\n')}`;
  const edits = fc.array(
    fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 6 }),
      insert: fc.string({
        unit: fc.constantFrom('a', '_', ' ', '\t', '\n', '#', '{', '}', '"', '\\', '=', ',', '1', '.', 'e'),
        maxLength: 4,
      }),
    }),
    { minLength: 1, maxLength: 4 },
  );
  const edit = (text: string, changes: { at: number; remove: number; insert: string }[]) => {
    for (const { at, remove, insert } of changes) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return text;
  };

  it('reads an edited body with the cache of the original exactly as without one', () => {
    fc.assert(
      fc.property(edits, edits, (first, second) => {
        const a = edit(seed, first);
        const b = edit(seed, second);
        const cache = new SeriesCache();
        outcome(a, cache);
        outcome(a, cache);
        expect(outcome(b, cache)).toEqual(outcome(b));
        expect(outcome(a, cache)).toEqual(outcome(a));
      }),
      { numRuns: 150 },
    );
  });
});

describe('series accessors', () => {
  it('give the series part as offsets and as a key, without value and timestamp', () => {
    const input = '# TYPE a gauge\n  a{b="ü"} 1 5\na{b="ü"}  2\n';
    const parser = new TextParser(input);
    const bytes = Buffer.from(input);
    const keys: string[] = [];
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind !== 'series') {
        expect(parser.seriesKey()).toBe('');
        expect(parser.labels(['x'])).toEqual([]);
        expect(parser.series()).toBe(Labels.EMPTY);
        continue;
      }
      expect(bytes.subarray(parser.seriesStart(), parser.seriesEnd()).toString()).toBe('a{b="ü"}');
      keys.push(parser.seriesKey());
      // Without a cache, series() builds a new Labels each time.
      expect(parser.series()).not.toBe(parser.series());
      expect(parser.series().toString()).toBe('a{b="ü"}');
    }
    expect(keys).toEqual([
      Buffer.from('a{b="ü"}').toString('latin1'),
      Buffer.from('a{b="ü"}').toString('latin1'),
    ]);
  });
});

// Random valid text-format lines with awkward label values, quoted names, random blanks and
// label order: the labels read lazily (and through the cache, on a first and a second
// scrape) must be the labels written.
const valueChar = fc.constantFrom(
  'a',
  'z',
  '0',
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
);
const legacyLabel = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((n) => n !== '__name__');
const quotedLabel = fc.string({
  unit: fc.constantFrom('a', '.', '-', 'ü', ' ', '"', '\\'),
  minLength: 1,
  maxLength: 4,
});
const series = fc.record({
  name: fc.constantFrom('m', 'metric_a', 'x:y'),
  labels: fc.uniqueArray(
    fc.tuple(
      fc.oneof(legacyLabel, quotedLabel),
      fc.string({ unit: valueChar, maxLength: 8 }),
      fc.boolean(),
      fc.constantFrom('', ' ', '\t'),
    ),
    { maxLength: 5, selector: ([n]) => n },
  ),
  trailingComma: fc.boolean(),
  value: fc.oneof(fc.integer(), fc.double({ noNaN: true })),
});

type Series = typeof series extends fc.Arbitrary<infer T> ? T : never;

function writeLine(s: Series): string {
  const quote = (text: string) =>
    `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
  const parts = s.labels.map(([name, value, quoteName, blank]) => {
    const n = quoteName || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? quote(name) : name;
    return `${blank}${n}${blank}=${blank}"${escapeLabelValue(value)}"${blank}`;
  });
  const labels = parts.length === 0 ? '' : `{${parts.join(',')}${s.trailingComma ? ',' : ''}}`;
  return `${s.name}${labels} ${s.value}`;
}

function expected(s: Series): string[] {
  const pairs: [string, string][] = [
    ['__name__', s.name],
    ...s.labels.map(([n, v]): [string, string] => [n, v]),
  ];
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.flat();
}

describe('lazy labels', () => {
  it('equal the labels written, read directly or through the cache', () => {
    fc.assert(
      fc.property(fc.array(series, { minLength: 1, maxLength: 6 }), (generated) => {
        const text = `${generated.map(writeLine).join('\n')}\n`;
        const cache = new SeriesCache();
        const first = scrape(text, cache);
        const second = scrape(text, cache);
        const plain = new TextParser(text);
        generated.forEach((s, i) => {
          expect(plain.next()).toBe('series');
          expect(plain.labels([])).toEqual(expected(s));
          expect(first[i]!.flat).toEqual(expected(s));
          expect(second[i]!.flat).toEqual(expected(s));
          expect(second[i]!.labels).toBe(first[i]!.labels);
          expect(first[i]!.labels).toEqual(Labels.fromFlat(expected(s)));
          expect(first[i]!.value).toBe(Number(String(s.value)));
        });
      }),
      { numRuns: 300 },
    );
  });
});
