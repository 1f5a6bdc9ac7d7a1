export {
  acceptHeader,
  DEFAULT_SCRAPE_PROTOCOLS,
  type ScrapeConfig,
  type ScrapeProtocol,
  scrapeConfigWithDefaults,
} from './config.ts';
export { ScrapeError } from './fetch-body.ts';
export { METADATA_KEPT_SCRAPES, MetadataCache, type MetricMetadata } from './metadata-cache.ts';
export { ScrapeLoop, type ScrapeLoopOptions, type ScrapeReport } from './scrape-loop.ts';
export { ScrapeManager, type ScrapeManagerOptions } from './scrape-manager.ts';
export { ScrapePool, type ScrapePoolOptions } from './scrape-pool.ts';
export { LabelLimitError } from './series-labels.ts';
export { Target, type TargetHealth, targetGroupOf, targetsFromGroup } from './target.ts';
