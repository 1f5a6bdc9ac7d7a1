import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type EntryKind, type ExemplarSink, ExpositionError, OpenMetricsParser } from '../../src/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

interface Entry {
  kind: EntryKind;
  name: string;
  labels?: string[];
  value?: number;
  timestamp?: number;
  exemplar?: ExemplarSink;
  text?: string;
}

function entries(input: string | Uint8Array): Entry[] {
  const parser = new OpenMetricsParser(input);
  const out: Entry[] = [];
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    const entry: Entry = { kind, name: parser.name() };
    if (kind === 'series') {
      entry.labels = [...parser.labels([])];
      entry.value = parser.value();
      const timestamp = parser.timestamp();
      if (timestamp !== undefined) entry.timestamp = timestamp;
      const exemplar: ExemplarSink = { labels: [], value: 0, timestamp: undefined };
      if (parser.exemplar(exemplar)) entry.exemplar = exemplar;
    } else if (kind === 'help') entry.text = parser.help();
    else if (kind === 'type') entry.text = parser.type();
    else if (kind === 'unit') entry.text = parser.unit();
    out.push(entry);
  }
  return out;
}

function errorOf(input: string | Uint8Array): ExpositionError {
  try {
    entries(input);
  } catch (error) {
    if (error instanceof ExpositionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(String(input))} to be rejected`);
}

describe('OpenMetricsParser on the all-types fixture', () => {
  const all = entries(fixture('all-types.om.txt'));
  const series = (name: string) => all.filter((e) => e.kind === 'series' && e.name === name);

  it('reads metadata with units and escaped HELP', () => {
    expect(all.slice(0, 3)).toEqual([
      { kind: 'type', name: 'acme_http_requests', text: 'counter' },
      { kind: 'unit', name: 'acme_http_requests', text: 'requests' },
      {
        kind: 'help',
        name: 'acme_http_requests',
        text: 'Requests served, with "quotes" and a \\ backslash.\nNext line.',
      },
    ]);
  });

  it('converts float-second timestamps to milliseconds and reads exemplars', () => {
    expect(series('acme_http_requests_total')[0]).toEqual({
      kind: 'series',
      name: 'acme_http_requests_total',
      labels: ['__name__', 'acme_http_requests_total', 'method', 'GET'],
      value: 1027,
      timestamp: 1395066363500,
      exemplar: { labels: ['trace_id', 'KOO5S4vxi0o'], value: 0.67, timestamp: 1395066363250 },
    });
    const buckets = series('rpc_latency_seconds_bucket');
    expect(buckets.map((b) => b.exemplar)).toEqual([
      { labels: ['trace_id', 'abc'], value: 0.054, timestamp: undefined },
      undefined,
      { labels: ['trace_id', 'def'], value: 4.2, timestamp: 1700000000001 },
    ]);
  });

  it('reads every type’s samples', () => {
    expect(series('queue_depth_gsum')[0]?.value).toBe(-3);
    expect(series('gc_pause_seconds').map((s) => s.value)).toEqual([0.002, Number.NaN]);
    expect(series('build_info')[0]?.labels).toEqual([
      '__name__',
      'build_info',
      'revision',
      'abc',
      'version',
      '1.2.3',
    ]);
    expect(series('feature_flags').map((s) => [s.labels?.[3], s.value])).toEqual([
      ['dark_mode', 1],
      ['beta', 0],
    ]);
    expect(series('mystery').map((s) => s.timestamp)).toEqual([1, 2]);
    expect(series('service.uptime_seconds')[0]?.labels).toEqual([
      '__name__',
      'service.uptime_seconds',
      'host.name',
      'db-1',
    ]);
  });

  it('ends at # EOF', () => {
    const parser = new OpenMetricsParser(fixture('all-types.om.txt'));
    let kind: EntryKind;
    do kind = parser.next();
    while (kind !== 'eof');
    expect(parser.next()).toBe('eof');
  });
});

describe('OpenMetricsParser details', () => {
  it('leaves the exemplar sink untouched when there is none', () => {
    const parser = new OpenMetricsParser('# TYPE a counter\na_total 1\n# EOF\n');
    parser.next();
    parser.next();
    const sink: ExemplarSink = { labels: ['keep'], value: 7, timestamp: 3 };
    expect(parser.exemplar(sink)).toBe(false);
    expect(sink).toEqual({ labels: ['keep'], value: 7, timestamp: 3 });
  });

  it('counts the exemplar label limit in code points, not bytes', () => {
    const value = `☃${'x'.repeat(126)}`;
    const ok = `# TYPE a counter\na_total 1 # {a="${value}"} 1\n# EOF\n`;
    expect(entries(ok)[1]?.exemplar?.labels).toEqual(['a', value]);
    const astral = `# TYPE a counter\na_total 1 # {a="${'😀'.repeat(127)}"} 1\n# EOF\n`;
    expect(entries(astral)[1]?.exemplar?.labels[1]).toHaveLength(254);
    expect(errorOf(ok.replace('"} 1', 'x"} 1')).message).toContain('129 code points');
  });

  it('accepts a blank after a comma, as Prometheus writes quoted names', () => {
    expect(entries('{"a.b", "c.d"="e"} 1\n# EOF\n')[0]?.labels).toEqual(['__name__', 'a.b', 'c.d', 'e']);
  });

  it('rounds timestamps to the nearest millisecond', () => {
    expect(entries('a 1 0.0004\na 1 0.0006\n# EOF\n').map((e) => e.timestamp)).toEqual([0, 1]);
  });

  it.each([
    ['a 1\n', 2, 1, 'expected "# EOF" as the last line, got end of input'],
    ['a 1', 1, 4, 'expected "# EOF" as the last line, got end of input'],
    ['# EOF\n\n', 2, 1, 'nothing may follow "# EOF"'],
    ['# EOF \n', 1, 6, 'expected the end of the line after "# EOF", got " "'],
    [
      'a{b="c",} 1\n# EOF\n',
      1,
      9,
      'expected a label after ",", got "}" (OpenMetrics allows no trailing comma)',
    ],
    ['a {b="c"} 1\n# EOF\n', 1, 3, 'invalid sample value "{b=\\"c\\"}"'],
    ['a{ b="c"} 1\n# EOF\n', 1, 3, 'expected a label name, got " "'],
    [
      '# TYPE a counter\na 1\n# EOF\n',
      2,
      1,
      '"a" is not a sample name of counter "a": expected one of "a_total", "a_created"',
    ],
    [
      'a 1\nb 1\na 2\n# EOF\n',
      3,
      1,
      'metric family "a" clashes with an earlier family: a family\'s lines must be together and its names unique',
    ],
    [
      '# TYPE a gauge\na{x="1"} 1\na{x="2"} 1\na{x="1"} 1\n# EOF\n',
      4,
      2,
      'the samples of metric "a" {x="1"} must be together, but they resume here after another metric',
    ],
    [
      '# TYPE a histogram\na_bucket{le="1"} 1\n# EOF\n',
      3,
      1,
      'histogram "a" {} ends without a bucket with le="+Inf"',
    ],
    [
      '# TYPE a histogram\na_bucket{le="+Inf"} 1 # {a="b"} 1 NaN\n# EOF\n',
      2,
      35,
      'invalid timestamp "NaN": expected seconds as a decimal number',
    ],
    [
      '# TYPE a stateset\n# UNIT a s\n# EOF\n',
      2,
      1,
      'metric family "a" has unit "s", so its name must end in "_s"',
    ],
    [
      '# HELP a x\n# HELP b y\n# HELP a z\n# EOF\n',
      3,
      1,
      'metric family "a" clashes with an earlier family: a family\'s lines must be together and its names unique',
    ],
    [
      '# TYPE a info\na_info 1 # {a="b"} 1\n# EOF\n',
      2,
      10,
      'exemplars are allowed only on counter _total and histogram _bucket samples, not on "a_info"',
    ],
  ])('rejects %j at line %d, column %d: %s', (input, line, column, detail) => {
    const error = errorOf(input);
    expect(error.message).toBe(`exposition: line ${line}, column ${column}: ${detail}`);
    expect([error.line, error.column]).toEqual([line, column]);
  });
});

describe('OpenMetricsParser.textEquals', () => {
  it('compares HELP text with OpenMetrics escapes, and UNIT text', () => {
    const parser = new OpenMetricsParser(
      '# TYPE m_seconds gauge\n# UNIT m_seconds seconds\n# HELP m_seconds Say \\"hi\\"\\n.\nm_seconds 1\n# EOF\n',
    );
    expect(parser.next()).toBe('type');
    expect(parser.next()).toBe('unit');
    expect(parser.textEquals('seconds')).toBe(true);
    expect(parser.textEquals('second')).toBe(false);
    expect(parser.next()).toBe('help');
    expect(parser.textEquals('Say "hi"\n.')).toBe(true);
    expect(parser.textEquals('Say \\"hi\\"\\n.')).toBe(false);
  });
});
