export { FlagError, type LogFormat, type LogLevel, parseCommandLine, type ServerFlags } from './cli/flags.ts';
export { runCli } from './cli/main.ts';
export type { AlertingConfig, AlertmanagerConfig } from './config/alerting.ts';
export type { AzureAdConfig, GoogleIamConfig, SigV4Config } from './config/cloud-auth.ts';
export {
  loadConfigFile,
  type ParseConfigOptions,
  type PrometheusConfig,
  parseConfig,
} from './config/config.ts';
export { ConfigError, type ConfigPosition } from './config/error.ts';
export type { GlobalConfig, NameEscapingScheme, NameValidationScheme } from './config/global.ts';
export type { HttpClientSettings } from './config/http-client.ts';
export type { OAuth2Config } from './config/oauth2.ts';
export type { OtlpConfig, OtlpTranslationStrategy } from './config/otlp.ts';
export {
  checkProvidersBuilt,
  type DiscoveredTargets,
  type ProviderOptions,
  providersForJob,
} from './config/providers.ts';
export type { RemoteReadConfig } from './config/remote-read.ts';
export type {
  MetadataConfig,
  QueueConfig,
  RemoteWriteConfig,
  RemoteWriteMessage,
} from './config/remote-write.ts';
export type { RuntimeConfig } from './config/runtime.ts';
export type { ScrapeJobConfig } from './config/scrape.ts';
export type { DnsSdConfig, FileSdConfig, HttpSdConfig, StaticSdConfig } from './config/sd/builtin.ts';
export type { ProviderSettings } from './config/sd/provider-schema.ts';
export type { ServiceDiscoveryConfig, UnbuiltProviderType, UnbuiltSdConfig } from './config/sd/sections.ts';
export type { StorageConfig, TsdbConfig, TsdbRetentionConfig } from './config/storage.ts';
export type { TracingConfig } from './config/tracing.ts';
export { LockFile } from './lifecycle/lock-file.ts';
export { type LogFields, Logger } from './lifecycle/logger.ts';
export {
  type HeadStats,
  memoryServerStorage,
  openStorage,
  type ServerStorage,
  type StorageOptions,
} from './lifecycle/storage.ts';
export { PyrometerServer, type PyrometerServerOptions } from './server.ts';
