import type { Node } from 'yaml';
import {
  HTTP_CLIENT_KEYS,
  type HttpClientSettings,
  readHttpClient,
  readPlainHeaders,
} from './http-client.ts';
import { bool, duration, stringMap, text, url } from './kinds.ts';
import { type DecodeContext, Mapping } from './yaml-reader.ts';

/** One `remote_read` entry with Prometheus's defaults. */
export interface RemoteReadConfig {
  url: string;
  name: string;
  remoteTimeoutMs: number;
  headers: Record<string, string>;
  readRecent: boolean;
  /** Equality matchers every query must carry to be sent to this endpoint. */
  requiredMatchers: Record<string, string>;
  filterExternalLabels: boolean;
  httpClient: HttpClientSettings;
}

const REMOTE_READ_KEYS = [
  'url',
  'remote_timeout',
  'headers',
  'read_recent',
  'name',
  'required_matchers',
  'filter_external_labels',
  ...HTTP_CLIENT_KEYS,
];

export function readRemoteRead(node: Node, ctx: DecodeContext): RemoteReadConfig {
  const m = new Mapping(ctx, node, 'config.plain', REMOTE_READ_KEYS);
  const address = m.get('url', url, '');
  if (address === '') m.fail('url', 'url for remote_read is empty');
  return {
    url: address,
    name: m.get('name', text, ''),
    remoteTimeoutMs: m.get('remote_timeout', duration, 60_000),
    headers: readPlainHeaders(m),
    readRecent: m.get('read_recent', bool, false),
    requiredMatchers: m.get('required_matchers', stringMap(text), {}),
    filterExternalLabels: m.get('filter_external_labels', bool, true),
    httpClient: readHttpClient(m),
  };
}
