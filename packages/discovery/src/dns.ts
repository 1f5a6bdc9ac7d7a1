import { Resolver } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import { Labels, type TargetGroup } from '@pyrometer/model';
import type { DiscoveryErrorHandler } from './discoverer.ts';
import { RefreshDiscoverer } from './refresh.ts';

export type DnsRecordType = 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';

export interface DnsDiscovererOptions {
  names: string[];
  type?: DnsRecordType;
  /** Required for every type but SRV, whose records carry their own port. */
  port?: number;
  refreshIntervalMs?: number;
  /** `host:port` of the nameserver to ask instead of the system's resolver configuration. */
  nameserver?: string;
  onError?: DiscoveryErrorHandler;
}

/** Resolver failures that mean "no such records" rather than "could not ask". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * `dns_sd_configs`: one target group per name (its source), refreshed every 30s by
 * default, with `__meta_dns_name` and the record's target and port labels. A name that
 * does not exist yields an empty group; a name that could not be resolved keeps its last
 * targets.
 */
export class DnsDiscoverer extends RefreshDiscoverer {
  readonly names: string[];
  readonly type: DnsRecordType;
  readonly port: number;
  readonly #resolver: Resolver;

  constructor(options: DnsDiscovererOptions) {
    super(options.refreshIntervalMs ?? 30_000, options.onError);
    this.names = options.names;
    this.type = options.type ?? 'SRV';
    if (this.names.length === 0) throw new Error('DNS-SD config must contain at least one SRV record name');
    if (this.type !== 'SRV' && (options.port === undefined || options.port === 0)) {
      throw new Error('a port is required in DNS-SD configs for all record types except SRV');
    }
    // As Prometheus: SRV records carry their own port, so `port` is ignored for them.
    this.port = this.type === 'SRV' ? 0 : (options.port ?? 0);
    this.#resolver = new Resolver({ timeout: 5000, tries: 2 });
    if (options.nameserver !== undefined) this.#resolver.setServers([options.nameserver]);
  }

  protected async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const results = await Promise.allSettled(this.names.map((name) => this.#lookup(name)));
    if (signal.aborted) return [];
    const groups: TargetGroup[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') groups.push(result.value);
      else
        this.onError(
          new Error(`error refreshing DNS targets for ${this.names[i]}: ${(result.reason as Error).message}`),
        );
    });
    return groups;
  }

  async #lookup(name: string): Promise<TargetGroup> {
    let targets: Labels[];
    try {
      targets = await this.#targets(name);
    } catch (err) {
      if (!NO_RECORDS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      targets = [];
    }
    return { source: name, targets, labels: Labels.EMPTY };
  }

  async #targets(name: string): Promise<Labels[]> {
    const r = this.#resolver;
    const target = (address: string, extra: Record<string, string>) =>
      Labels.from({ __address__: address, __meta_dns_name: name, ...emptyRecordLabels, ...extra });
    switch (this.type) {
      case 'SRV':
        return (await r.resolveSrv(name)).map((srv) =>
          target(joinHostPort(trimDot(srv.name), srv.port), {
            __meta_dns_srv_record_target: rooted(srv.name),
            __meta_dns_srv_record_port: String(srv.port),
          }),
        );
      case 'A':
        return (await r.resolve4(name)).map((ip) => target(joinHostPort(ip, this.port), {}));
      case 'AAAA':
        return (await r.resolve6(name)).map((ip) => target(joinHostPort(ip, this.port), {}));
      case 'MX':
        return (await r.resolveMx(name)).map((mx) =>
          target(joinHostPort(trimDot(mx.exchange), this.port), {
            __meta_dns_mx_record_target: rooted(mx.exchange),
          }),
        );
      case 'NS':
        return (await r.resolveNs(name)).map((ns) =>
          target(joinHostPort(trimDot(ns), this.port), { __meta_dns_ns_record_target: rooted(ns) }),
        );
    }
  }
}

// Prometheus sets every record-type label, empty where it does not apply; an empty label
// is the same as none, so these only document the set.
const emptyRecordLabels: Record<string, string> = {
  __meta_dns_srv_record_target: '',
  __meta_dns_srv_record_port: '',
  __meta_dns_mx_record_target: '',
  __meta_dns_ns_record_target: '',
};

// Prometheus reports record targets as rooted names (trailing dot) and addresses without it.
function rooted(host: string): string {
  return host.endsWith('.') ? host : `${host}.`;
}

function trimDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function joinHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
