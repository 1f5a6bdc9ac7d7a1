import {
  type HttpClientConfig,
  HttpClientConfigError,
  type HttpClientConfigInput,
  validateHttpClientConfig,
} from '@pyrometer/transport';
import type { Node } from 'yaml';
import { bool, list, path, stringMap, text, textList } from './kinds.ts';
import { type OAuth2Config, oauth2 } from './oauth2.ts';
import { refuseSecretRefs } from './secret-ref.ts';
import { tlsInput } from './tls.ts';
import { type DecodeContext, type Kind, Mapping } from './yaml-reader.ts';

/** The keys Prometheus's HTTP client configuration adds inline to every section that has one. */
export const HTTP_CLIENT_KEYS = [
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'follow_redirects',
  'enable_http2',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'http_headers',
] as const;

/** Transport's client configuration, plus OAuth 2.0 which transport does not build yet. */
export type HttpClientSettings = HttpClientConfig & { oauth2?: OAuth2Config };

/** Drops unset keys, since transport's input types have optional keys that may not hold `undefined`. */
function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

const basicAuth: Kind<HttpClientConfigInput['basic_auth']> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.BasicAuth', [
      'username',
      'username_file',
      'password',
      'password_file',
      'username_ref',
      'password_ref',
    ]);
    refuseSecretRefs(m, ['username_ref', 'password_ref']);
    return definedOnly({
      username: m.get('username', text),
      username_file: m.get('username_file', path),
      password: m.get('password', text),
      password_file: m.get('password_file', path),
    });
  },
};

const authorization: Kind<HttpClientConfigInput['authorization']> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.Authorization', [
      'type',
      'credentials',
      'credentials_file',
      'credentials_ref',
    ]);
    refuseSecretRefs(m, ['credentials_ref']);
    return definedOnly({
      type: m.get('type', text),
      credentials: m.get('credentials', text),
      credentials_file: m.get('credentials_file', path),
    });
  },
};

const headerKind: Kind<{ values?: string[]; secrets?: string[]; files?: string[] }> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.Header', ['values', 'secrets', 'files']);
    return definedOnly({
      values: m.get('values', textList),
      secrets: m.get('secrets', textList),
      files: m.get('files', list(path)),
    });
  },
};

function nonEmpty(s: string | undefined): boolean {
  return s !== undefined && s !== '';
}

/**
 * Reads the inline HTTP client keys of `m` and validates them with transport, which words
 * errors as Prometheus does. OAuth 2.0 is checked here: transport refuses it for now, but
 * a configuration that names it is valid.
 */
export function readHttpClient(m: Mapping): HttpClientSettings {
  const input: HttpClientConfigInput = definedOnly({
    basic_auth: m.get('basic_auth', basicAuth),
    authorization: m.get('authorization', authorization),
    bearer_token: m.get('bearer_token', text),
    bearer_token_file: m.get('bearer_token_file', path),
    tls_config: m.get('tls_config', tlsInput),
    follow_redirects: m.get('follow_redirects', bool),
    enable_http2: m.get('enable_http2', bool),
    proxy_url: m.get('proxy_url', text),
    no_proxy: m.get('no_proxy', text),
    proxy_from_environment: m.get('proxy_from_environment', bool),
    proxy_connect_header: m.get('proxy_connect_header', stringMap(textList)),
    http_headers: m.get('http_headers', stringMap(headerKind)),
  });
  const oauth = m.get('oauth2', oauth2);
  if (oauth !== undefined) {
    if (input.authorization !== undefined) {
      m.fail('oauth2', 'at most one of basic_auth, oauth2 & authorization must be configured');
    }
    if (input.basic_auth !== undefined || nonEmpty(input.bearer_token) || nonEmpty(input.bearer_token_file)) {
      m.fail(
        'oauth2',
        'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
      );
    }
  }
  try {
    const config: HttpClientSettings = validateHttpClientConfig(input);
    if (oauth !== undefined) config.oauth2 = oauth;
    return config;
  } catch (err) {
    if (err instanceof HttpClientConfigError) m.fail(undefined, err.message);
    throw err;
  }
}

/** A section that is nothing but an HTTP client configuration. */
export function readHttpClientSection(
  ctx: DecodeContext,
  node: Node | null,
  typeName: string,
): HttpClientSettings {
  return readHttpClient(new Mapping(ctx, node, typeName, HTTP_CLIENT_KEYS));
}

/**
 * A plain `headers` map (remote write and read, tracing). Reserved names are refused by
 * transport's own check, so the list and wording stay in one place.
 */
export function readPlainHeaders(m: Mapping, key = 'headers'): Record<string, string> {
  const headers = m.get(key, stringMap(text), {});
  try {
    validateHttpClientConfig({
      http_headers: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, { values: [value] }]),
      ),
    });
  } catch (err) {
    if (err instanceof HttpClientConfigError) m.fail(key, err.message);
    throw err;
  }
  return headers;
}
