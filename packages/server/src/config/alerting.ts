import type { RelabelConfig } from '@pyrometer/relabel';
import type { Node } from 'yaml';
import { type SigV4Config, sigv4 } from './cloud-auth.ts';
import { HTTP_CLIENT_KEYS, type HttpClientSettings, readHttpClient } from './http-client.ts';
import { duration, oneOf, text } from './kinds.ts';
import { readRelabelRules } from './relabel.ts';
import { readServiceDiscovery, SERVICE_DISCOVERY_KEYS, type ServiceDiscoveryConfig } from './sd/sections.ts';
import { type DecodeContext, fail, Mapping, sequenceItems } from './yaml-reader.ts';

/** One set of Alertmanagers to send alerts to, found by its service discovery. */
export interface AlertmanagerConfig {
  scheme: 'http' | 'https';
  pathPrefix: string;
  timeoutMs: number;
  /** Prometheus 3 speaks only the v2 API. */
  apiVersion: 'v2';
  relabelConfigs: RelabelConfig[];
  alertRelabelConfigs: RelabelConfig[];
  serviceDiscovery: ServiceDiscoveryConfig[];
  httpClient: HttpClientSettings;
  sigv4?: SigV4Config;
}

export interface AlertingConfig {
  alertRelabelConfigs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

const ALERTMANAGER_KEYS = [
  'scheme',
  'path_prefix',
  'timeout',
  'api_version',
  'relabel_configs',
  'alert_relabel_configs',
  'sigv4',
  ...HTTP_CLIENT_KEYS,
  ...SERVICE_DISCOVERY_KEYS,
];

const apiVersion = oneOf(['v2'], (v) => `expected Alertmanager api version to be one of [v2] but got ${v}`);
const scheme = oneOf(['http', 'https'], (v) => `scheme must be "http" or "https", got ${JSON.stringify(v)}`);

function readAlertmanager(node: Node, ctx: DecodeContext): AlertmanagerConfig {
  const m = new Mapping(ctx, node, 'config.plain', ALERTMANAGER_KEYS);
  const relabelConfigs = readRelabelRules(
    m,
    'relabel_configs',
    'empty or null Alertmanager target relabeling rule',
  );
  const serviceDiscovery = readServiceDiscovery(m, relabelConfigs.length === 0);
  const config: AlertmanagerConfig = {
    scheme: m.get('scheme', scheme, 'http'),
    pathPrefix: m.get('path_prefix', text, '/'),
    timeoutMs: m.get('timeout', duration, 10_000),
    apiVersion: m.get('api_version', apiVersion, 'v2'),
    relabelConfigs,
    alertRelabelConfigs: readRelabelRules(
      m,
      'alert_relabel_configs',
      'empty or null Alertmanager alert relabeling rule',
    ),
    serviceDiscovery,
    httpClient: readHttpClient(m),
  };
  const signing = m.get('sigv4', sigv4);
  if (signing !== undefined) {
    if (['basic_auth', 'authorization', 'oauth2'].some((key) => m.value(key) !== null)) {
      m.fail('sigv4', 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured');
    }
    config.sigv4 = signing;
  }
  return config;
}

export function readAlerting(node: Node | null, ctx: DecodeContext): AlertingConfig {
  const m = new Mapping(ctx, node, 'config.plain', ['alert_relabel_configs', 'alertmanagers']);
  const alertRelabelConfigs = readRelabelRules(
    m,
    'alert_relabel_configs',
    'empty or null alert relabeling rule',
  );
  const list = m.value('alertmanagers');
  const alertmanagers =
    list === null
      ? []
      : sequenceItems(ctx, list, '[]*config.AlertmanagerConfig').map((item) => {
          if (item === null) fail(ctx, list, 'empty or null Alertmanager configuration');
          return readAlertmanager(item, ctx);
        });
  return { alertRelabelConfigs, alertmanagers };
}
