export {
  contentTypeFor,
  type ExpositionFormat,
  formatFromContentType,
  negotiateFormat,
  OPENMETRICS_CONTENT_TYPE,
  SCRAPE_ACCEPT_HEADER,
  TEXT_CONTENT_TYPE,
} from './content-type.ts';
export { escapeHelpText, escapeLabelValue } from './escape.ts';
export { formatFloat } from './format-value.ts';
