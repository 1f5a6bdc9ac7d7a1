import { readFileSync } from 'node:fs';
import { isStaleNaN } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { type EntryKind, ExpositionError, SeriesCache, TextParser } from '../../src/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

interface Entry {
  kind: EntryKind;
  name: string;
  labels?: string[];
  value?: number;
  timestamp?: number;
  text?: string;
}

function entries(input: string | Uint8Array): Entry[] {
  const parser = new TextParser(input);
  const out: Entry[] = [];
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    const entry: Entry = { kind, name: parser.name() };
    if (kind === 'series') {
      entry.labels = [...parser.labels([])];
      entry.value = parser.value();
      const timestamp = parser.timestamp();
      if (timestamp !== undefined) entry.timestamp = timestamp;
    } else if (kind === 'help') entry.text = parser.help();
    else if (kind === 'type') entry.text = parser.type();
    else if (kind === 'comment') entry.text = parser.comment();
    out.push(entry);
  }
  return out;
}

function errorOf(input: string): ExpositionError {
  try {
    entries(input);
  } catch (error) {
    if (error instanceof ExpositionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('TextParser on node_exporter output', () => {
  const all = entries(fixture('node-exporter.prom.txt'));
  const series = all.filter((e) => e.kind === 'series');

  it('finds every sample and metadata line', () => {
    expect(series).toHaveLength(507);
    expect(all.filter((e) => e.kind === 'help')).toHaveLength(283);
    expect(all.filter((e) => e.kind === 'type')).toHaveLength(283);
  });

  it('reads the first family exactly', () => {
    expect(all.slice(0, 4)).toEqual([
      {
        kind: 'help',
        name: 'go_gc_duration_seconds',
        text: 'A summary of the pause duration of garbage collection cycles.',
      },
      { kind: 'type', name: 'go_gc_duration_seconds', text: 'summary' },
      {
        kind: 'series',
        name: 'go_gc_duration_seconds',
        labels: ['__name__', 'go_gc_duration_seconds', 'quantile', '0'],
        value: 0,
      },
      {
        kind: 'series',
        name: 'go_gc_duration_seconds',
        labels: ['__name__', 'go_gc_duration_seconds', 'quantile', '0.25'],
        value: 0,
      },
    ]);
  });

  it('reads labels sorted, with __name__, and values in every written form', () => {
    const cpu = series.find((e) => e.name === 'node_cpu_seconds_total');
    expect(cpu).toEqual({
      kind: 'series',
      name: 'node_cpu_seconds_total',
      labels: ['__name__', 'node_cpu_seconds_total', 'cpu', '0', 'mode', 'idle'],
      value: 270.07,
    });
    expect(series.find((e) => e.name === 'go_memstats_buck_hash_sys_bytes')?.value).toBe(1.446417e6);
    const uname = series.find((e) => e.name === 'node_uname_info');
    expect(uname?.labels).toEqual([
      '__name__',
      'node_uname_info',
      'domainname',
      '(none)',
      'machine',
      'x86_64',
      'nodename',
      'vm',
      'release',
      '6.18.44-fc-v669',
      'sysname',
      'Linux',
      'version',
      '#1 SMP PREEMPT_DYNAMIC @0',
    ]);
  });

  it('gives the same result when each line is parsed alone', () => {
    // Lines that share a prefix with the previous one take a shortcut; it must not show.
    const lines = fixture('node-exporter.prom.txt').toString('utf8').split('\n');
    const oneByOne = lines.flatMap((line) => entries(line));
    expect(oneByOne).toEqual(all);
  });
});

describe('TextParser on the edge-case fixture', () => {
  const all = entries(fixture('text-edge-cases.prom.txt'));

  it('reads comments, escaped HELP, trailing commas, blanks and quoted names', () => {
    expect(all).toEqual([
      { kind: 'comment', name: '', text: 'A comment line is allowed in the text format.' },
      {
        kind: 'help',
        name: 'http_requests_total',
        text: 'Requests served.\nSecond line, and a backslash: \\ (a quote " stays).',
      },
      { kind: 'type', name: 'http_requests_total', text: 'counter' },
      {
        kind: 'series',
        name: 'http_requests_total',
        labels: ['__name__', 'http_requests_total', 'code', '200', 'method', 'GET'],
        value: 1027,
        timestamp: 1395066363000,
      },
      {
        kind: 'series',
        name: 'http_requests_total',
        labels: ['__name__', 'http_requests_total', 'code', '400', 'method', 'POST'],
        value: 3,
        timestamp: 1395066363000,
      },
      { kind: 'type', name: 'msdos_file_access_time_seconds', text: 'unknown' },
      {
        kind: 'series',
        name: 'msdos_file_access_time_seconds',
        labels: [
          '__name__',
          'msdos_file_access_time_seconds',
          'error',
          'Cannot find file:\n"FILE.TXT"',
          'path',
          'C:\\DIR\\FILE.TXT',
        ],
        value: 1458255915,
      },
      {
        kind: 'series',
        name: 'metric_without_timestamp_and_labels',
        labels: ['__name__', 'metric_without_timestamp_and_labels'],
        value: 12.47,
      },
      {
        kind: 'series',
        name: 'leading_blanks',
        labels: ['__name__', 'leading_blanks', 'a', '1', 'b', '2'],
        value: -0.5,
        timestamp: -42,
      },
      { kind: 'help', name: 'rpc_duration_seconds', text: 'A summary of the RPC duration in seconds.' },
      { kind: 'type', name: 'rpc_duration_seconds', text: 'summary' },
      {
        kind: 'series',
        name: 'rpc_duration_seconds',
        labels: ['__name__', 'rpc_duration_seconds', 'quantile', '0.01'],
        value: 3102,
      },
      {
        kind: 'series',
        name: 'rpc_duration_seconds',
        labels: ['__name__', 'rpc_duration_seconds', 'quantile', '0.99'],
        value: Number.NaN,
      },
      {
        kind: 'series',
        name: 'rpc_duration_seconds_sum',
        labels: ['__name__', 'rpc_duration_seconds_sum'],
        value: 17560473,
      },
      {
        kind: 'series',
        name: 'rpc_duration_seconds_count',
        labels: ['__name__', 'rpc_duration_seconds_count'],
        value: 2693,
      },
      { kind: 'type', name: 'http_request_duration_seconds', text: 'histogram' },
      {
        kind: 'series',
        name: 'http_request_duration_seconds_bucket',
        labels: ['__name__', 'http_request_duration_seconds_bucket', 'le', '0.05'],
        value: 24054,
      },
      {
        kind: 'series',
        name: 'http_request_duration_seconds_bucket',
        labels: ['__name__', 'http_request_duration_seconds_bucket', 'le', '+Inf'],
        value: 144320,
      },
      {
        kind: 'series',
        name: 'http_request_duration_seconds_sum',
        labels: ['__name__', 'http_request_duration_seconds_sum'],
        value: 53423,
      },
      {
        kind: 'series',
        name: 'http_request_duration_seconds_count',
        labels: ['__name__', 'http_request_duration_seconds_count'],
        value: 144320,
      },
      { kind: 'help', name: 'my.dotted.metric', text: 'A metric whose name needs quoting.' },
      { kind: 'type', name: 'my.dotted.metric', text: 'gauge' },
      {
        kind: 'series',
        name: 'my.dotted.metric',
        labels: ['__name__', 'my.dotted.metric', 'label.with.dots', 'ünïcödé', 'plain', 'x'],
        value: Number.POSITIVE_INFINITY,
      },
      {
        kind: 'series',
        name: 'my.dotted.metric',
        labels: ['__name__', 'my.dotted.metric'],
        value: Number.NEGATIVE_INFINITY,
      },
      {
        kind: 'series',
        name: 'legacy_name',
        labels: ['__name__', 'legacy_name', 'quoted.label', 'v'],
        value: 0,
      },
    ]);
  });

  it('reads NaN as an ordinary NaN, never as the stale marker', () => {
    const nan = all.find((e) => Number.isNaN(e.value));
    expect(nan).toBeDefined();
    expect(isStaleNaN(nan!.value!)).toBe(false);
  });
});

describe('TextParser details', () => {
  it.each([
    ['CRLF line ends', 'a 1\r\nb 2\r\n', [1, 2]],
    ['no final newline', 'a 1\nb 2', [1, 2]],
    ['tabs between tokens', 'a\t1\t5\n', [1]],
    ['blank lines anywhere', '\n\n  \na 1\n\n', [1]],
  ])('accepts %s', (_, input, values) => {
    expect(entries(input).map((e) => e.value)).toEqual(values);
  });

  it('reads the name of a series with empty braces and a trailing comma', () => {
    expect(entries('a{} 1\nb{x="1",} 2\n').map((e) => e.labels)).toEqual([
      ['__name__', 'a'],
      ['__name__', 'b', 'x', '1'],
    ]);
  });

  it('keeps labels with empty values in the streaming output', () => {
    expect(entries('a{x=""} 1\n')[0]?.labels).toEqual(['__name__', 'a', 'x', '']);
  });

  it('sorts labels by code point, __name__ among them', () => {
    expect(entries('m{z="1",B="2",a="3"} 1\n')[0]?.labels).toEqual([
      'B',
      '2',
      '__name__',
      'm',
      'a',
      '3',
      'z',
      '1',
    ]);
  });

  it('treats "# HELP" with no name after it as a comment', () => {
    expect(entries('# HELP\n#TYPE\n')).toEqual([
      { kind: 'comment', name: '', text: 'HELP' },
      { kind: 'comment', name: '', text: 'TYPE' },
    ]);
  });

  it('reads a HELP with no text as empty', () => {
    expect(entries('# HELP a\n')).toEqual([{ kind: 'help', name: 'a', text: '' }]);
  });

  it('returns eof again after the end', () => {
    const parser = new TextParser('a 1\n');
    expect(parser.next()).toBe('series');
    expect(parser.next()).toBe('eof');
    expect(parser.next()).toBe('eof');
  });

  it('reuses the caller’s label array', () => {
    const parser = new TextParser('a{x="1",y="2"} 1\nb 2\n');
    const labels: string[] = [];
    parser.next();
    expect(parser.labels(labels)).toBe(labels);
    expect(labels).toHaveLength(6);
    parser.next();
    parser.labels(labels);
    expect(labels).toEqual(['__name__', 'b']);
  });

  it.each([
    ['a\n', 1, 2, 'expected a blank before the sample value, got end of line'],
    ['a{b="c"}1\n', 1, 9, 'expected a blank before the sample value, got "1"'],
    ['a{b="c"} \n', 1, 10, 'expected a sample value, got end of line'],
    ['ok 1\na{b} 1\n', 2, 4, 'expected "=" after the label name, got "}"'],
    ['a{b=c} 1\n', 1, 5, 'expected a double-quoted label value, got "c"'],
    ['a{b="c} 1\n', 1, 5, "quoted string has no closing '\"' before the end of the line"],
    ['a{b="1",b="2"} 1\n', 1, 9, 'duplicate label name "b"'],
    ['a{__name__="b"} 1\n', 1, 3, 'label "__name__" repeats the metric name'],
    ['a{b="1" c="2"} 1\n', 1, 9, 'expected "," or "}" after a label, got "c"'],
    ['a{,} 1\n', 1, 3, 'expected a label name, got ","'],
    ['a 1x\n', 1, 3, 'invalid sample value "1x"'],
    ['a 1 1.5\n', 1, 5, 'invalid timestamp "1.5": expected integer milliseconds'],
    ['a 1 2 3\n', 1, 7, 'expected the end of the line after the timestamp, got "3"'],
    ['0a 1\n', 1, 1, 'expected a metric name, got "0"'],
    ['{b="c"} 1\n', 1, 1, 'expected a metric name before the labels or quoted first inside them'],
    ['{"x"="y"} 1\n', 1, 1, 'expected a metric name before the labels or quoted first inside them'],
    ['{""} 1\n', 1, 2, 'a quoted name must not be empty'],
    [
      '# TYPE a gaugehistogram\n',
      1,
      10,
      'unknown metric type "gaugehistogram": expected counter, gauge, histogram, summary or untyped',
    ],
    ['# TYPE a counter x\n', 1, 18, 'expected the end of the line after the type, got "x"'],
    ['# HELP 0a x\n', 1, 8, 'expected a metric name, got "0"'],
    ['ünï{b="c"} 1\n', 1, 1, 'expected a metric name, got "ü"'],
    ['a{b="ü"}x 1\n', 1, 9, 'expected a blank before the sample value, got "x"'],
  ])('rejects %j at line %d, column %d: %s', (input, line, column, detail) => {
    const error = errorOf(input);
    expect(error.line).toBe(line);
    expect(error.column).toBe(column);
    expect(error.message).toBe(`exposition: line ${line}, column ${column}: ${detail}`);
  });

  it('throws the same error again after a failure', () => {
    const parser = new TextParser('a{\n');
    const first = (() => {
      try {
        parser.next();
      } catch (error) {
        return error;
      }
    })();
    expect(first).toBeInstanceOf(ExpositionError);
    expect(() => parser.next()).toThrow(first as Error);
  });
});

describe('TextParser.textEquals', () => {
  // Each case: a HELP line's text as written, and whether it equals `expected` unescaped.
  const cases: [string, string, boolean][] = [
    ['Requests served.', 'Requests served.', true],
    ['Requests served.', 'Requests served', false],
    ['Requests served', 'Requests served.', false],
    ['a\\\\b\\nc', 'a\\b\nc', true],
    ['a\\\\b\\nc', 'a\\\\b\\nc', false],
    // The text format does not escape quotes: `\"` stays two characters.
    ['say \\"hi\\"', 'say \\"hi\\"', true],
    ['Grüße, 温度', 'Grüße, 温度', true],
    ['Grüße, 温度', 'Grüsse, 温度', false],
    ['', '', true],
    ['', 'x', false],
  ];
  it.each(cases)('HELP text %j equals %j: %s', (written, expected, equal) => {
    const parser = new TextParser(`# HELP m ${written}\nm 1\n`);
    expect(parser.next()).toBe('help');
    expect(parser.textEquals(expected)).toBe(equal);
    // The same answer once the text has been decoded.
    expect(parser.help() === expected).toBe(equal);
    expect(parser.textEquals(expected)).toBe(equal);
  });

  it('compares the text of a HELP line the series cache replays', () => {
    const cache = new SeriesCache();
    const body = '# HELP m Things.\n# TYPE m gauge\nm 1\n';
    for (let scrape = 0; scrape < 2; scrape++) {
      const parser = new TextParser(body, { seriesCache: cache });
      expect(parser.next()).toBe('help');
      expect(parser.textEquals('Things.')).toBe(true);
      expect(parser.textEquals('Things')).toBe(false);
      expect(parser.next()).toBe('type');
      expect(parser.next()).toBe('series');
      parser.series();
      expect(parser.next()).toBe('eof');
      cache.prune();
    }
  });
});

describe('TextParser.replayId', () => {
  // The replay ids of the metadata entries of one scrape of `body` through `cache`.
  function ids(body: string, cache: SeriesCache): number[] {
    const parser = new TextParser(body, { seriesCache: cache });
    const out: number[] = [];
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind === 'series') {
        parser.series();
        expect(parser.replayId()).toBe(-1);
      } else out.push(parser.replayId());
    }
    cache.prune();
    return out;
  }
  const body = '# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b counter\nb 2\n';

  it('numbers the entries of metadata lines replayed from the cache, the same while they repeat', () => {
    const cache = new SeriesCache();
    expect(ids(body, cache)).toEqual([-1, -1, -1, -1]);
    const second = ids(body, cache);
    expect(second.every((id) => id >= 0)).toBe(true);
    expect(new Set(second).size).toBe(4);
    expect(ids(body, cache)).toEqual(second);
    expect(ids(body.replace('b 2', 'b 3'), cache)).toEqual(second);
  });

  it('gives changed lines no number, then new ones', () => {
    const cache = new SeriesCache();
    ids(body, cache);
    const before = ids(body, cache);
    const changed = body.replace('B.', 'Bees.');
    const after = ids(changed, cache);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after.slice(2)).toEqual([-1, -1]);
    const again = ids(changed, cache);
    expect(again.slice(2).every((id) => id >= 0 && !before.includes(id))).toBe(true);
  });

  it('is -1 without a series cache', () => {
    const parser = new TextParser(body);
    expect(parser.next()).toBe('help');
    expect(parser.replayId()).toBe(-1);
  });
});
