import { type Exemplar, Labels, type MetricType } from '@pyrometer/model';
import type { ExpositionFormat } from '../content-type.ts';
import type { ExemplarSink, ExpositionParser, ParserOptions } from './exposition-parser.ts';
import { sampleSuffixes, suffixIn } from './family-names.ts';
import { OpenMetricsParser } from './openmetrics-parser.ts';
import { TextParser } from './text-parser.ts';

/** A metric family as exposed: its metadata and its samples in the order they came. */
export interface MetricFamily {
  /** The family name: `a` for an OpenMetrics counter with samples `a_total`, `a_created`. */
  name: string;
  type: MetricType;
  help: string;
  unit: string;
  samples: FamilySample[];
}

/**
 * One sample line. Histogram and summary samples stay individual (`_bucket`, `_sum`, ...);
 * the sample's own name is the `__name__` label.
 */
export interface FamilySample {
  labels: Labels;
  value: number;
  /** Milliseconds since the epoch, when the line has a timestamp. */
  timestamp?: number;
  exemplar?: Exemplar;
}

/** Creates the streaming parser for `format`. */
export function createParser(
  input: Uint8Array | string,
  format: ExpositionFormat,
  options?: ParserOptions,
): ExpositionParser {
  return format === 'openmetrics' ? new OpenMetricsParser(input, options) : new TextParser(input, options);
}

/**
 * Parses a whole exposition into metric families, with the same checks as the streaming
 * parsers (it throws `ExpositionError`). Convenient for tests and tools; a scraper should
 * use the streaming parsers, which allocate nothing per sample.
 *
 * A sample belongs to the family of the metadata before it when its name is one of that
 * family's sample names; otherwise it is a family of its own, of type unknown. In the
 * text format, lines for a name already seen join its family even when not adjacent.
 */
export function parseMetricFamilies(input: string | Uint8Array, format: ExpositionFormat): MetricFamily[] {
  const parser = createParser(input, format);
  const families: MetricFamily[] = [];
  const byName = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  const familyNamed = (name: string): MetricFamily => {
    let family = byName.get(name);
    if (family === undefined) {
      family = { name, type: 'unknown', help: '', unit: '', samples: [] };
      byName.set(name, family);
      families.push(family);
    }
    return family;
  };
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    switch (kind) {
      case 'help':
        current = familyNamed(parser.name());
        current.help = parser.help();
        break;
      case 'type':
        current = familyNamed(parser.name());
        current.type = parser.type();
        break;
      case 'unit':
        current = familyNamed(parser.name());
        current.unit = parser.unit();
        break;
      case 'series': {
        const name = parser.name();
        if (
          current === undefined ||
          suffixIn(name, current.name, sampleSuffixes(current.type, format)) === undefined
        ) {
          current = familyNamed(name);
        }
        current.samples.push(readSample(parser));
        break;
      }
      case 'comment':
        break;
    }
  }
  return families;
}

function readSample(parser: ExpositionParser): FamilySample {
  const sample: FamilySample = { labels: Labels.fromFlat(parser.labels([])), value: parser.value() };
  const timestamp = parser.timestamp();
  if (timestamp !== undefined) sample.timestamp = timestamp;
  const sink: ExemplarSink = { labels: [], value: 0, timestamp: undefined };
  if (parser.exemplar(sink)) {
    sample.exemplar = { labels: Labels.fromFlat(sink.labels), value: sink.value, timestamp: sink.timestamp };
  }
  return sample;
}
