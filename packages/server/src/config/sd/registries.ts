import { bool, duration, httpUrlProblem, int, oneOf, stringMap, text, textList } from '../kinds.ts';
import { tlsInput } from '../tls.ts';
import type { Mapping } from '../yaml-reader.ts';
import { field, type ProviderSchema, str } from './provider-schema.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const consul: ProviderSchema<'consul'> = {
  type: 'consul',
  typeName: 'consul.plain',
  httpClient: true,
  fields: {
    server: field(text, 'localhost:8500'),
    path_prefix: field(text, ''),
    token: field(text, ''),
    datacenter: field(text, ''),
    namespace: field(text, ''),
    partition: field(text, ''),
    tag_separator: field(text, ','),
    scheme: field(text, 'http'),
    username: field(text, ''),
    password: field(text, ''),
    allow_stale: field(bool, true),
    refresh_interval: field(duration, 30 * SECOND),
    services: field(textList, []),
    tags: field(textList, []),
    node_meta: field(stringMap(text), {}),
    filter: field(text, ''),
    health_filter: field(text, ''),
  },
  check(s, m) {
    if (str(s, 'server').trim() === '') m.fail('server', 'consul SD configuration requires a server address');
    if (str(s, 'token') !== '' && (m.value('authorization') !== null || m.value('oauth2') !== null)) {
      m.fail('token', 'at most one of consul SD token, authorization, or oauth2 can be configured');
    }
    if ((str(s, 'username') !== '' || str(s, 'password') !== '') && m.value('basic_auth') !== null) {
      m.fail(
        'username',
        'at most one of consul SD configuration username and password and basic auth can be configured',
      );
    }
  },
};

/** Nerve and Serverset read the same ZooKeeper settings and differ only in wording. */
function zookeeper<T extends 'nerve' | 'serverset'>(type: T): ProviderSchema<T> {
  return {
    type,
    typeName: 'zookeeper.plain',
    fields: {
      servers: field(textList, []),
      paths: field(textList, []),
      timeout: field(duration, 10 * SECOND),
    },
    check(s, m: Mapping) {
      if ((s.servers as string[]).length === 0) {
        m.fail('servers', `${type} SD config must contain at least one Zookeeper server`);
      }
      const paths = s.paths as string[];
      if (paths.length === 0) m.fail('paths', `${type} SD config paths must not be empty`);
      for (const p of paths) {
        if (!p.startsWith('/'))
          m.fail('paths', `${type} SD config path ${JSON.stringify(p)} doesn't begin with '/'`);
      }
    },
  };
}

export const nerve = zookeeper('nerve');
export const serverset = zookeeper('serverset');

export const puppetdb: ProviderSchema<'puppetdb'> = {
  type: 'puppetdb',
  typeName: 'puppetdb.plain',
  httpClient: true,
  fields: {
    url: field(text, ''),
    query: field(text, ''),
    include_parameters: field(bool, false),
    refresh_interval: field(duration, MINUTE),
    port: field(int, 80),
  },
  check(s, m) {
    const address = str(s, 'url');
    if (address === '') m.fail(undefined, 'URL is missing');
    const problem = httpUrlProblem(address);
    if (problem !== undefined) m.fail('url', problem);
    if (str(s, 'query') === '') m.fail(undefined, 'query missing');
  },
};

export const uyuni: ProviderSchema<'uyuni'> = {
  type: 'uyuni',
  typeName: 'uyuni.plain',
  httpClient: true,
  fields: {
    server: field(text, ''),
    username: field(text, ''),
    password: field(text, ''),
    entitlement: field(text, 'monitoring_entitled'),
    separator: field(text, ','),
    refresh_interval: field(duration, MINUTE),
  },
  check(s, m) {
    if (str(s, 'server') === '') m.fail('server', 'Uyuni SD configuration requires server host');
    if (str(s, 'username') === '') m.fail('username', 'Uyuni SD configuration requires a username');
    if (str(s, 'password') === '') m.fail('password', 'Uyuni SD configuration requires a password');
  },
};

const OPENSTACK_ROLES = ['hypervisor', 'instance', 'loadbalancer'] as const;

export const openstack: ProviderSchema<'openstack'> = {
  type: 'openstack',
  typeName: 'openstack.plain',
  fields: {
    identity_endpoint: field(text, ''),
    username: field(text, ''),
    userid: field(text, ''),
    password: field(text, ''),
    project_name: field(text, ''),
    project_id: field(text, ''),
    domain_name: field(text, ''),
    domain_id: field(text, ''),
    application_credential_name: field(text, ''),
    application_credential_id: field(text, ''),
    application_credential_secret: field(text, ''),
    role: field(oneOf(OPENSTACK_ROLES, (v) => `unknown OpenStack SD role ${JSON.stringify(v)}`)),
    region: field(text, ''),
    refresh_interval: field(duration, MINUTE),
    port: field(int, 80),
    all_tenants: field(bool, false),
    availability: field(text, 'public'),
    tls_config: field(tlsInput, {}),
  },
  check(s, m) {
    const availability = str(s, 'availability');
    if (!['public', 'admin', 'internal'].includes(availability)) {
      m.fail(
        'availability',
        `unknown availability ${availability}, must be one of admin, internal or public`,
      );
    }
    if (s.role === undefined) m.fail(undefined, 'role missing (one of: instance, hypervisor, loadbalancer)');
    if (str(s, 'region') === '') m.fail(undefined, 'openstack SD configuration requires a region');
  },
};

export const REGISTRY_PROVIDERS = [consul, nerve, serverset, puppetdb, uyuni, openstack] as const;
