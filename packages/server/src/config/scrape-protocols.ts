import { DEFAULT_SCRAPE_PROTOCOLS, type ScrapeProtocol } from '@pyrometer/scrape';

const SUPPORTED: readonly ScrapeProtocol[] = [
  'OpenMetricsText0.0.1',
  'OpenMetricsText1.0.0',
  'PrometheusProto',
  'PrometheusText0.0.4',
  'PrometheusText1.0.0',
];

/** As Prometheus when native histograms are scraped: the protobuf format first. */
export const PROTO_FIRST_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = [
  'PrometheusProto',
  ...DEFAULT_SCRAPE_PROTOCOLS,
];

/** Why `name` is no scrape protocol, in Prometheus's words, or undefined. Names are case-sensitive. */
export function scrapeProtocolProblem(name: string): string | undefined {
  if ((SUPPORTED as readonly string[]).includes(name)) return undefined;
  return `unknown scrape protocol ${name}, supported: [${SUPPORTED.join(' ')}]`;
}

/** Why a `scrape_protocols` list is not valid, or undefined. */
export function scrapeProtocolListProblem(names: readonly string[]): string | undefined {
  for (const name of names) {
    const problem = scrapeProtocolProblem(name);
    if (problem !== undefined) return `scrape_protocols: ${problem}`;
  }
  if (new Set(names).size !== names.length)
    return `duplicated protocol in scrape_protocols, got [${names.join(' ')}]`;
  return undefined;
}
