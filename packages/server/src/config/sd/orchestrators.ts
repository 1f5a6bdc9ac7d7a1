import { bool, duration, int, list, oneOf, path, text, textList } from '../kinds.ts';
import { tlsInput } from '../tls.ts';
import type { Kind, Mapping } from '../yaml-reader.ts';
import { field, type ProviderSchema, record, str } from './provider-schema.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const dockerFilters: Kind<unknown> = list(
  record('docker.Filter', { name: field(text, ''), values: field(textList, []) }),
  '[]docker.Filter',
);

function checkHost(s: Record<string, unknown>, m: Mapping): void {
  const host = str(s, 'host');
  if (host === '') m.fail(undefined, 'host missing');
  if (host.startsWith(':')) m.fail('host', `parse ${JSON.stringify(host)}: missing protocol scheme`);
}

export const docker: ProviderSchema<'docker'> = {
  type: 'docker',
  typeName: 'moby.plain',
  httpClient: true,
  fields: {
    host: field(text, ''),
    port: field(int, 80),
    host_networking_host: field(text, 'localhost'),
    match_first_network: field(bool, true),
    filters: field(dockerFilters, []),
    refresh_interval: field(duration, MINUTE),
  },
  check: checkHost,
};

export const dockerswarm: ProviderSchema<'dockerswarm'> = {
  type: 'dockerswarm',
  typeName: 'moby.plain',
  httpClient: true,
  fields: {
    host: field(text, ''),
    role: field(
      oneOf(['services', 'tasks', 'nodes'], (v) => `invalid role ${v}, expected tasks, services, or nodes`),
    ),
    port: field(int, 80),
    filters: field(dockerFilters, []),
    refresh_interval: field(duration, MINUTE),
  },
  check(s, m) {
    checkHost(s, m);
    if (s.role === undefined) m.fail(undefined, 'role missing (one of: tasks, services, nodes)');
  },
};

export const marathon: ProviderSchema<'marathon'> = {
  type: 'marathon',
  typeName: 'marathon.plain',
  httpClient: true,
  fields: {
    servers: field(textList, []),
    refresh_interval: field(duration, 30 * SECOND),
    auth_token: field(text, ''),
    auth_token_file: field(path, ''),
  },
  check(s, m) {
    if ((s.servers as string[]).length === 0)
      m.fail('servers', 'marathon_sd: must contain at least one Marathon server');
    const token = str(s, 'authToken') !== '';
    const tokenFile = str(s, 'authTokenFile') !== '';
    if (token && tokenFile) {
      m.fail('auth_token', 'marathon_sd: at most one of auth_token & auth_token_file must be configured');
    }
    if (!token && !tokenFile) return;
    if (m.value('basic_auth') !== null) {
      m.fail(
        'auth_token',
        'marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured',
      );
    }
    if (m.value('bearer_token') !== null || m.value('bearer_token_file') !== null) {
      m.fail(
        'auth_token',
        'marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured',
      );
    }
    if (m.value('authorization') !== null) {
      m.fail(
        'auth_token',
        'marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured',
      );
    }
  },
};

/** A server URL that must have a scheme and a host (Eureka, Kuma, Nomad). */
function hasSchemeAndHost(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol !== '' && parsed.host !== '';
  } catch {
    return false;
  }
}

export const nomad: ProviderSchema<'nomad'> = {
  type: 'nomad',
  typeName: 'nomad.plain',
  httpClient: true,
  fields: {
    allow_stale: field(bool, true),
    namespace: field(text, 'default'),
    refresh_interval: field(duration, MINUTE),
    region: field(text, 'global'),
    server: field(text, ''),
    tag_separator: field(text, ','),
  },
  check(s, m) {
    if (str(s, 'server').trim() === '') m.fail('server', 'nomad SD configuration requires a server address');
  },
};

export const kuma: ProviderSchema<'kuma'> = {
  type: 'kuma',
  typeName: 'xds.plain',
  httpClient: true,
  fields: {
    server: field(text, ''),
    client_id: field(text, ''),
    refresh_interval: field(duration, 30 * SECOND),
    fetch_timeout: field(duration, 2 * MINUTE),
  },
  check(s, m) {
    const server = str(s, 'server');
    if (server === '') m.fail('server', 'kuma SD server must not be empty');
    if (!hasSchemeAndHost(server))
      m.fail(
        'server',
        `kuma SD server must be a URL with a scheme and a host, got ${JSON.stringify(server)}`,
      );
  },
};

export const eureka: ProviderSchema<'eureka'> = {
  type: 'eureka',
  typeName: 'eureka.plain',
  httpClient: true,
  fields: { server: field(text, ''), refresh_interval: field(duration, 30 * SECOND) },
  check(s, m) {
    const server = str(s, 'server');
    if (server === '') m.fail('server', 'eureka_sd: empty or null eureka server');
    if (!hasSchemeAndHost(server)) m.fail('server', 'eureka_sd: invalid eureka server URL');
  },
};

export const triton: ProviderSchema<'triton'> = {
  type: 'triton',
  typeName: 'triton.plain',
  fields: {
    account: field(text, ''),
    role: field(
      oneOf(['container', 'cn'], (v) => `unknown role ${v} in triton SD config`),
      'container',
    ),
    dns_suffix: field(text, ''),
    endpoint: field(text, ''),
    groups: field(textList, []),
    port: field(int, 9163),
    refresh_interval: field(duration, MINUTE),
    version: field(int, 1),
    tls_config: field(tlsInput, {}),
  },
  check(s, m) {
    if (str(s, 'account') === '') m.fail('account', 'triton SD configuration requires an account');
    if (str(s, 'dnsSuffix') === '') m.fail('dns_suffix', 'triton SD configuration requires a dns_suffix');
    if (str(s, 'endpoint') === '') m.fail('endpoint', 'triton SD configuration requires an endpoint');
    if ((s.refreshInterval as number) <= 0) {
      m.fail('refresh_interval', 'triton SD configuration requires RefreshInterval to be a positive integer');
    }
  },
};

export const ORCHESTRATOR_PROVIDERS = [docker, dockerswarm, marathon, nomad, kuma, eureka, triton] as const;
