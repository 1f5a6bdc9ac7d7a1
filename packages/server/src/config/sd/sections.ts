import type { Node } from 'yaml';
import type { HttpClientSettings } from '../http-client.ts';
import { type DecodeContext, fail, type Mapping, sequenceItems } from '../yaml-reader.ts';
import { AWS_PROVIDERS } from './aws.ts';
import {
  type DnsSdConfig,
  type FileSdConfig,
  type HttpSdConfig,
  readDnsSdConfig,
  readFileSdConfig,
  readHttpSdConfig,
  readStaticConfigs,
  type StaticSdConfig,
} from './builtin.ts';
import { CLOUD_PROVIDERS } from './cloud.ts';
import { kubernetes } from './kubernetes.ts';
import { ORCHESTRATOR_PROVIDERS } from './orchestrators.ts';
import { type ProviderSchema, type ProviderSettings, readProviderSection } from './provider-schema.ts';
import { REGISTRY_PROVIDERS } from './registries.ts';

const SCHEMAS = [
  ...AWS_PROVIDERS,
  ...CLOUD_PROVIDERS,
  kubernetes,
  ...ORCHESTRATOR_PROVIDERS,
  ...REGISTRY_PROVIDERS,
] as const;

/** Providers Prometheus has that Pyrometer validates but cannot run yet. */
export type UnbuiltProviderType = (typeof SCHEMAS)[number]['type'];

/** A provider whose section validated but which Pyrometer does not build yet. */
export interface UnbuiltSdConfig {
  type: UnbuiltProviderType;
  settings: ProviderSettings;
  httpClient?: HttpClientSettings;
}

/** One provider section of a job or an Alertmanager set, with Prometheus's defaults. */
export type ServiceDiscoveryConfig =
  | StaticSdConfig
  | FileSdConfig
  | DnsSdConfig
  | HttpSdConfig
  | UnbuiltSdConfig;

/** The provider types Pyrometer can run. */
export const BUILT_PROVIDERS: ReadonlySet<string> = new Set(['static', 'file', 'dns', 'http']);

type SectionReader = (node: Node, ctx: DecodeContext) => ServiceDiscoveryConfig;

const READERS = new Map<string, SectionReader>([
  ['file_sd_configs', readFileSdConfig],
  ['dns_sd_configs', readDnsSdConfig],
  ['http_sd_configs', readHttpSdConfig],
  ...SCHEMAS.map((schema): [string, SectionReader] => [
    `${schema.type}_sd_configs`,
    (node, ctx) => ({ type: schema.type, ...readProviderSection(schema as ProviderSchema, node, ctx) }),
  ]),
]);

/** Every service-discovery key a scrape job or an Alertmanager set may carry. */
export const SERVICE_DISCOVERY_KEYS: readonly string[] = ['static_configs', ...[...READERS.keys()].sort()];

/**
 * Reads all service-discovery sections of `m`, static targets first, then the providers in
 * alphabetical order. `checkStaticAddresses` is false for a section with relabel rules.
 */
export function readServiceDiscovery(m: Mapping, checkStaticAddresses: boolean): ServiceDiscoveryConfig[] {
  const out: ServiceDiscoveryConfig[] = [];
  for (const key of SERVICE_DISCOVERY_KEYS) {
    const node = m.value(key);
    if (node === null) continue;
    const items = sequenceItems(m.ctx, node, `[]${key}`);
    if (key === 'static_configs') {
      out.push(readStaticConfigs(node, items, m.ctx, checkStaticAddresses));
      continue;
    }
    const read = READERS.get(key)!;
    for (const item of items) {
      if (item === null) fail(m.ctx, node, `empty or null section in ${key}`);
      out.push(read(item, m.ctx));
    }
  }
  return out;
}
