export type { Discoverer, DiscoveryErrorHandler } from './discoverer.ts';
export { DnsDiscoverer, type DnsDiscovererOptions, type DnsRecordType, joinHostPort } from './dns.ts';
export { checkFileSdPath, FileDiscoverer, type FileDiscovererOptions } from './file.ts';
export { HttpDiscoverer, type HttpDiscovererOptions } from './http.ts';
export {
  DiscoveryManager,
  type DiscoveryManagerOptions,
  type ProviderSpec,
  type TargetSets,
} from './manager.ts';
export { RefreshDiscoverer } from './refresh.ts';
export { type StaticConfigInput, StaticDiscoverer, staticTargetGroups } from './static.ts';
export {
  checkTargetAddress,
  TargetGroupError,
  targetGroupFromDocument,
  targetGroupsFromDocument,
} from './target-group-document.ts';
