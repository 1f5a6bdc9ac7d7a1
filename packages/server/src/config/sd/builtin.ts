import { checkFileSdPath, checkTargetAddress, type DnsRecordType } from '@pyrometer/discovery';
import { Labels, type TargetGroup } from '@pyrometer/model';
import type { Node } from 'yaml';
import { HTTP_CLIENT_KEYS, type HttpClientSettings, readHttpClient } from '../http-client.ts';
import {
  duration,
  httpUrlProblem,
  int,
  labelName,
  labelValue,
  resolvePath,
  stringMap,
  text,
  textList,
} from '../kinds.ts';
import { type DecodeContext, fail, Mapping } from '../yaml-reader.ts';

/** `static_configs`: all of a job's groups, sources numbered from 0 as Prometheus does. */
export interface StaticSdConfig {
  type: 'static';
  groups: TargetGroup[];
}

export interface FileSdConfig {
  type: 'file';
  /** Absolute paths or globs. */
  files: string[];
  refreshIntervalMs: number;
}

export interface DnsSdConfig {
  type: 'dns';
  names: string[];
  recordType: DnsRecordType;
  /** 0 for SRV records, which carry their own port. */
  port: number;
  refreshIntervalMs: number;
}

export interface HttpSdConfig {
  type: 'http';
  url: string;
  refreshIntervalMs: number;
  httpClient: HttpClientSettings;
}

const SECOND = 1000;

/**
 * Reads every item of a job's `static_configs` into one provider's groups, sources
 * numbered from 0 as Prometheus does. Addresses are checked only when `checkAddresses`:
 * as Prometheus, a job with relabel rules may turn a URL-like target into an address.
 */
export function readStaticConfigs(
  section: Node,
  items: readonly (Node | null)[],
  ctx: DecodeContext,
  checkAddresses: boolean,
): StaticSdConfig {
  const groups = items.map((item, i): TargetGroup => {
    if (item === null) fail(ctx, section, 'empty or null section in static_configs');
    const m = new Mapping(ctx, item, 'targetgroup.Group', ['targets', 'labels']);
    const targets = m.get('targets', textList, []);
    if (checkAddresses) {
      for (const target of targets) {
        try {
          checkTargetAddress(target);
        } catch (err) {
          m.fail('targets', (err as Error).message);
        }
      }
    }
    return {
      source: String(i),
      targets: targets.map((target) => Labels.from({ __address__: target })),
      labels: Labels.from(m.get('labels', stringMap(labelValue, labelName), {})),
    };
  });
  return { type: 'static', groups };
}

export function readFileSdConfig(node: Node, ctx: DecodeContext): FileSdConfig {
  const m = new Mapping(ctx, node, 'file.plain', ['files', 'refresh_interval']);
  const files = m.get('files', textList, []);
  if (files.length === 0)
    m.fail(undefined, 'file service discovery config must contain at least one path name');
  for (const file of files) {
    try {
      checkFileSdPath(file);
    } catch (err) {
      m.fail('files', (err as Error).message);
    }
  }
  return {
    type: 'file',
    files: files.map((f) => resolvePath(ctx, f)),
    refreshIntervalMs: m.get('refresh_interval', duration, 5 * 60 * SECOND),
  };
}

const PORTED_RECORD_TYPES = ['A', 'AAAA', 'MX', 'NS'];

export function readDnsSdConfig(node: Node, ctx: DecodeContext): DnsSdConfig {
  const m = new Mapping(ctx, node, 'dns.plain', ['names', 'type', 'port', 'refresh_interval']);
  const names = m.get('names', textList, []);
  const recordType = m.get('type', text, 'SRV').toUpperCase();
  const port = m.get('port', int, 0);
  if (names.length === 0) m.fail(undefined, 'DNS-SD config must contain at least one SRV record name');
  if (PORTED_RECORD_TYPES.includes(recordType)) {
    if (port === 0) m.fail(undefined, 'a port is required in DNS-SD configs for all record types except SRV');
  } else if (recordType !== 'SRV') {
    m.fail('type', `invalid DNS-SD records type ${m.get('type', text, '')}`);
  }
  return {
    type: 'dns',
    names,
    recordType: recordType as DnsRecordType,
    port,
    refreshIntervalMs: m.get('refresh_interval', duration, 30 * SECOND),
  };
}

export function readHttpSdConfig(node: Node, ctx: DecodeContext): HttpSdConfig {
  const m = new Mapping(ctx, node, 'http.plain', ['url', 'refresh_interval', ...HTTP_CLIENT_KEYS]);
  const url = m.get('url', text, '');
  if (url === '') m.fail(undefined, 'URL is missing');
  const problem = httpUrlProblem(url);
  if (problem !== undefined) m.fail('url', problem);
  return {
    type: 'http',
    url,
    refreshIntervalMs: m.get('refresh_interval', duration, 60 * SECOND),
    httpClient: readHttpClient(m),
  };
}
