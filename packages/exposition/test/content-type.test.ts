import { describe, expect, it } from 'vitest';
import {
  contentTypeFor,
  formatFromContentType,
  negotiateFormat,
  OPENMETRICS_CONTENT_TYPE,
  SCRAPE_ACCEPT_HEADER,
  TEXT_CONTENT_TYPE,
} from '../src/index.ts';

describe('negotiateFormat', () => {
  it.each([
    ['Prometheus’s scrape Accept header', SCRAPE_ACCEPT_HEADER, 'openmetrics'],
    ['no header', undefined, 'text'],
    ['null', null, 'text'],
    ['an empty header', '', 'text'],
    ['text/plain', 'text/plain', 'text'],
    ['text/plain with version', 'text/plain;version=0.0.4', 'text'],
    ['bare OpenMetrics', 'application/openmetrics-text', 'openmetrics'],
    ['OpenMetrics 1.0.0', 'application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['OpenMetrics 0.0.1', 'application/openmetrics-text;version=0.0.1', 'openmetrics'],
    ['an OpenMetrics version we do not speak', 'application/openmetrics-text;version=2.0.0', 'text'],
    ['text weighted above OpenMetrics', 'application/openmetrics-text;q=0.3,text/plain;q=0.9', 'text'],
    ['OpenMetrics weighted above text', 'text/plain;q=0.3,application/openmetrics-text;q=0.9', 'openmetrics'],
    [
      'equal weights (OpenMetrics preferred)',
      'text/plain;q=0.5,application/openmetrics-text;q=0.5',
      'openmetrics',
    ],
    ['OpenMetrics refused with q=0', 'application/openmetrics-text;q=0,*/*;q=0.1', 'text'],
    ['a wildcard', '*/*', 'text'],
    ['case and spaces', ' Application/OpenMetrics-Text ; Version="1.0.0" ; Q=0.8 ', 'openmetrics'],
    ['garbage', ';;;,,,=q=;', 'text'],
    ['an unparsable weight', 'application/openmetrics-text;q=abc', 'text'],
    ['something else only', 'application/json', 'text'],
  ])('%s → %s', (_, header, expected) => {
    expect(negotiateFormat(header)).toBe(expected);
  });
});

describe('content types', () => {
  it('names the content type of each format', () => {
    expect(contentTypeFor('openmetrics')).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(contentTypeFor('text')).toBe(TEXT_CONTENT_TYPE);
  });

  it.each([
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['APPLICATION/OPENMETRICS-TEXT', 'openmetrics'],
    ['text/plain; version=0.0.4', 'text'],
    [undefined, 'text'],
    ['', 'text'],
  ])('reads the format of a scraped body from %j', (contentType, expected) => {
    expect(formatFromContentType(contentType)).toBe(expected);
  });
});
