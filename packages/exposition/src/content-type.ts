/** The exposition formats Pyrometer reads and writes. */
export type ExpositionFormat = 'text' | 'openmetrics';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * The Accept header Prometheus sends when scraping: OpenMetrics preferred, then the
 * classic text format, then anything.
 */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type = '', ...rawParams] = part.split(';').map((s) => s.trim());
    if (type === '') continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params.set(key, value);
    }
    ranges.push({ type: type.toLowerCase(), params, q });
  }
  return ranges;
}

/**
 * Chooses the format to answer a scrape with, from the request's Accept header: OpenMetrics
 * when the client asks for it (version 1.0.0 or 0.0.1, or no version) with a weight at
 * least that of the text format; the classic text format otherwise.
 */
export function negotiateFormat(accept: string | undefined | null): ExpositionFormat {
  if (accept === undefined || accept === null || accept === '') return 'text';
  let best: ExpositionFormat = 'text';
  let bestQ = -1;
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    let format: ExpositionFormat | undefined;
    if (range.type === 'application/openmetrics-text') {
      const version = range.params.get('version');
      if (version === undefined || version === '1.0.0' || version === '0.0.1') format = 'openmetrics';
    } else if (range.type === 'text/plain' || range.type === 'text/*' || range.type === '*/*') {
      format = 'text';
    }
    if (format !== undefined && (range.q > bestQ || (range.q === bestQ && format === 'openmetrics'))) {
      best = format;
      bestQ = range.q;
    }
  }
  return best;
}

export function contentTypeFor(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}

/** The format a scraped body is in, from its Content-Type; the classic text format by default. */
export function formatFromContentType(contentType: string | undefined | null): ExpositionFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}
