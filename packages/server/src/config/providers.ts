import {
  type DiscoveryErrorHandler,
  DnsDiscoverer,
  FileDiscoverer,
  HttpDiscoverer,
  type ProviderSpec,
  StaticDiscoverer,
} from '@pyrometer/discovery';
import { Labels } from '@pyrometer/model';
import { HttpClient } from '@pyrometer/transport';
import type { PrometheusConfig } from './config.ts';
import { ConfigError } from './error.ts';
import { BUILT_PROVIDERS, type ServiceDiscoveryConfig } from './sd/sections.ts';

export interface ProviderOptions {
  /** `host:port` of a DNS server for `dns_sd_configs` instead of the system resolver. */
  dnsNameserver?: string;
  onError?: DiscoveryErrorHandler;
}

/** Anything with service-discovery sections: a scrape job or an Alertmanager set. */
export interface DiscoveredTargets {
  serviceDiscovery: readonly ServiceDiscoveryConfig[];
}

/**
 * The discovery providers of a job, keyed by their configuration so the discovery manager
 * keeps a provider whose section did not change across a reload. Sections of providers
 * Pyrometer does not build are skipped: `checkProvidersBuilt` refuses them at start-up.
 */
export function providersForJob(job: DiscoveredTargets, options: ProviderOptions = {}): ProviderSpec[] {
  const specs: ProviderSpec[] = [];
  for (const sd of job.serviceDiscovery) {
    const create = creator(sd, options);
    if (create !== undefined) specs.push({ key: providerKey(sd), create });
  }
  return specs;
}

function creator(sd: ServiceDiscoveryConfig, options: ProviderOptions): ProviderSpec['create'] | undefined {
  const onError = options.onError === undefined ? {} : { onError: options.onError };
  switch (sd.type) {
    case 'static':
      return () => new StaticDiscoverer(sd.groups);
    case 'file':
      return () =>
        new FileDiscoverer({ files: sd.files, refreshIntervalMs: sd.refreshIntervalMs, ...onError });
    case 'dns':
      return () =>
        new DnsDiscoverer({
          names: sd.names,
          type: sd.recordType,
          // SRV records carry their own port; Prometheus ignores the setting for them.
          ...(sd.recordType === 'SRV' ? {} : { port: sd.port }),
          refreshIntervalMs: sd.refreshIntervalMs,
          ...(options.dnsNameserver === undefined ? {} : { nameserver: options.dnsNameserver }),
          ...onError,
        });
    case 'http':
      return () =>
        new HttpDiscoverer({
          url: sd.url,
          client: new HttpClient(sd.httpClient),
          refreshIntervalMs: sd.refreshIntervalMs,
          ...onError,
        });
    default:
      return undefined;
  }
}

function providerKey(sd: ServiceDiscoveryConfig): string {
  return JSON.stringify(sd, (_, value: unknown) =>
    value instanceof Labels ? value.toString() : value instanceof URL ? value.href : value,
  );
}

/**
 * Refuses a configuration that needs something Pyrometer cannot run yet: a discovery
 * provider it does not build, or OAuth 2.0 on an HTTP client. Validation accepts both,
 * since the file is valid for Prometheus; starting with it must not silently do less.
 */
export function checkProvidersBuilt(config: PrometheusConfig, filename = 'configuration'): void {
  const owners = [
    ...config.scrapeConfigs.map((job) => ({ what: `scrape job ${JSON.stringify(job.jobName)}`, owner: job })),
    ...config.alerting.alertmanagers.map((am, i) => ({ what: `alertmanagers entry ${i + 1}`, owner: am })),
  ];
  for (const { what, owner } of owners) {
    for (const sd of owner.serviceDiscovery) {
      if (!BUILT_PROVIDERS.has(sd.type)) {
        throw new ConfigError(
          filename,
          `${what} uses ${sd.type}_sd_configs, a service-discovery provider Pyrometer does not support yet (supported: static_configs, file_sd_configs, dns_sd_configs, http_sd_configs)`,
        );
      }
      if (sd.type === 'http' && sd.httpClient.oauth2 !== undefined) {
        throw new ConfigError(
          filename,
          `${what}: oauth2 in http_sd_configs is not supported by Pyrometer yet`,
        );
      }
    }
    if (owner.httpClient.oauth2 !== undefined) {
      throw new ConfigError(filename, `${what}: oauth2 is not supported by Pyrometer yet`);
    }
  }
}
