/**
 * The HTTP client configuration every outbound request in Prometheus shares (scrapes,
 * service discovery, remote write, the notifier), in prometheus.yml's own keys, validated
 * with Prometheus's messages. Paths are kept as written; they resolve against the
 * configuration file's directory when the client is built.
 */
export interface BasicAuthInput {
  username?: string;
  username_file?: string;
  password?: string;
  password_file?: string;
}

export interface AuthorizationInput {
  type?: string;
  credentials?: string;
  credentials_file?: string;
}

export interface TlsConfigInput {
  ca?: string;
  ca_file?: string;
  cert?: string;
  cert_file?: string;
  key?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify?: boolean;
  min_version?: string;
  max_version?: string;
}

export interface HeaderInput {
  values?: string[];
  secrets?: string[];
  files?: string[];
}

export interface HttpClientConfigInput {
  basic_auth?: BasicAuthInput | null;
  authorization?: AuthorizationInput | null;
  bearer_token?: string;
  bearer_token_file?: string;
  oauth2?: unknown;
  tls_config?: TlsConfigInput | null;
  proxy_url?: string;
  no_proxy?: string;
  proxy_from_environment?: boolean;
  proxy_connect_header?: Record<string, string[]>;
  follow_redirects?: boolean;
  enable_http2?: boolean;
  http_headers?: Record<string, HeaderInput> | null;
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsConfig {
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
}

/** Where a secret comes from: given inline, or read from a file at each request. */
export type Secret = { value: string } | { file: string };

export interface HttpClientConfig {
  basicAuth?: { username: Secret; password?: Secret };
  /** `Authorization: <type> <credentials>`; bearer_token(_file) becomes type Bearer. */
  authorization?: { type: string; credentials?: Secret };
  tls: TlsConfig;
  proxyUrl?: URL;
  noProxy?: string;
  proxyFromEnvironment: boolean;
  proxyConnectHeaders: Record<string, string>;
  followRedirects: boolean;
  enableHttp2: boolean;
  headers: Record<string, Secret[]>;
}

export class HttpClientConfigError extends Error {
  override name = 'HttpClientConfigError';
}

const TLS_VERSIONS: Record<string, TlsVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

// Headers Prometheus sets itself or that must go through the auth settings.
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-prometheus-scrape-timeout-seconds',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function fail(message: string): never {
  throw new HttpClientConfigError(message);
}

function secret(value: string | undefined, file: string | undefined): Secret | undefined {
  if (value !== undefined && value !== '') return { value };
  if (file !== undefined && file !== '') return { file };
  return undefined;
}

/** Validates the configuration as Prometheus does and fills in its defaults. */
export function validateHttpClientConfig(input: HttpClientConfigInput = {}): HttpClientConfig {
  const basic = input.basic_auth ?? undefined;
  const auth = input.authorization ?? undefined;
  const bearer = nonEmpty(input.bearer_token);
  const bearerFile = nonEmpty(input.bearer_token_file);
  const oauth2 = input.oauth2 != null;

  if (bearer && bearerFile) fail('at most one of bearer_token & bearer_token_file must be configured');
  if ((basic !== undefined ? 1 : 0) + (oauth2 ? 1 : 0) + (bearer || bearerFile ? 1 : 0) > 1) {
    fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  }
  if (basic !== undefined) {
    if (nonEmpty(basic.username) && nonEmpty(basic.username_file)) {
      fail('at most one of basic_auth username & username_file must be configured');
    }
    if (nonEmpty(basic.password) && nonEmpty(basic.password_file)) {
      fail('at most one of basic_auth password & password_file must be configured');
    }
  }
  if (auth !== undefined) {
    if (bearer || bearerFile) fail('authorization is not compatible with bearer_token & bearer_token_file');
    if (basic !== undefined || oauth2)
      fail('at most one of basic_auth, oauth2 & authorization must be configured');
    if (nonEmpty(auth.credentials) && nonEmpty(auth.credentials_file)) {
      fail('at most one of authorization credentials & credentials_file must be configured');
    }
    if ((auth.type ?? '').toLowerCase() === 'basic') {
      fail('authorization type cannot be set to "basic", use "basic_auth" instead');
    }
  }
  if (oauth2) fail('oauth2 is not supported yet by Pyrometer');

  const config: HttpClientConfig = {
    tls: validateTls(input.tls_config ?? {}),
    proxyFromEnvironment: input.proxy_from_environment ?? false,
    proxyConnectHeaders: {},
    followRedirects: input.follow_redirects ?? true,
    enableHttp2: input.enable_http2 ?? true,
    headers: {},
  };
  if (basic !== undefined) {
    const username = secret(basic.username, basic.username_file) ?? { value: '' };
    const password = secret(basic.password, basic.password_file);
    config.basicAuth = password === undefined ? { username } : { username, password };
  }
  if (auth !== undefined) {
    const credentials = secret(auth.credentials, auth.credentials_file);
    const type = auth.type === undefined || auth.type === '' ? 'Bearer' : auth.type;
    config.authorization = credentials === undefined ? { type } : { type, credentials };
  } else if (bearer || bearerFile) {
    config.authorization = {
      type: 'Bearer',
      credentials: secret(input.bearer_token, input.bearer_token_file)!,
    };
  }
  validateProxy(input, config);
  for (const [name, header] of Object.entries(input.http_headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      fail(
        name.toLowerCase() === 'authorization'
          ? 'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter'
          : `${name} is a reserved header. It must not be changed`,
      );
    }
    config.headers[name] = [
      ...(header.values ?? []).map((value) => ({ value })),
      ...(header.secrets ?? []).map((value) => ({ value })),
      ...(header.files ?? []).map((file) => ({ file })),
    ];
  }
  return config;
}

function validateTls(tls: TlsConfigInput): TlsConfig {
  if (nonEmpty(tls.ca) && nonEmpty(tls.ca_file)) fail('at most one of ca and ca_file must be configured');
  if (nonEmpty(tls.cert) && nonEmpty(tls.cert_file))
    fail('at most one of cert and cert_file must be configured');
  if (nonEmpty(tls.key) && nonEmpty(tls.key_file)) fail('at most one of key and key_file must be configured');
  const hasCert = nonEmpty(tls.cert) || nonEmpty(tls.cert_file);
  const hasKey = nonEmpty(tls.key) || nonEmpty(tls.key_file);
  if (hasCert && !hasKey)
    fail('exactly one of key or key_file must be configured when a client certificate is configured');
  if (hasKey && !hasCert)
    fail('exactly one of cert or cert_file must be configured when a client key is configured');
  const out: TlsConfig = { insecureSkipVerify: tls.insecure_skip_verify ?? false };
  if (nonEmpty(tls.ca)) out.ca = tls.ca!;
  if (nonEmpty(tls.ca_file)) out.caFile = tls.ca_file!;
  if (nonEmpty(tls.cert)) out.cert = tls.cert!;
  if (nonEmpty(tls.cert_file)) out.certFile = tls.cert_file!;
  if (nonEmpty(tls.key)) out.key = tls.key!;
  if (nonEmpty(tls.key_file)) out.keyFile = tls.key_file!;
  if (nonEmpty(tls.server_name)) out.serverName = tls.server_name!;
  for (const bound of ['min_version', 'max_version'] as const) {
    const value = tls[bound];
    if (value === undefined || value === '') continue;
    const version = TLS_VERSIONS[value];
    if (version === undefined) fail(`unknown TLS version: ${value}`);
    if (bound === 'min_version') out.minVersion = version;
    else out.maxVersion = version;
  }
  return out;
}

function validateProxy(input: HttpClientConfigInput, config: HttpClientConfig): void {
  const hasUrl = nonEmpty(input.proxy_url);
  if (hasUrl && config.proxyFromEnvironment) {
    fail('if proxy_from_environment is configured, proxy_url must not be configured');
  }
  if (nonEmpty(input.no_proxy) && !hasUrl)
    fail('if no_proxy is configured, proxy_url must also be configured');
  if (nonEmpty(input.no_proxy) && config.proxyFromEnvironment) {
    fail('if proxy_from_environment is configured, no_proxy must not be configured');
  }
  if (input.proxy_connect_header !== undefined && !hasUrl && !config.proxyFromEnvironment) {
    fail(
      'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured',
    );
  }
  if (hasUrl) {
    try {
      config.proxyUrl = new URL(input.proxy_url!);
    } catch {
      fail(`invalid proxy_url "${input.proxy_url}"`);
    }
  }
  if (nonEmpty(input.no_proxy)) config.noProxy = input.no_proxy!;
  for (const [name, values] of Object.entries(input.proxy_connect_header ?? {})) {
    config.proxyConnectHeaders[name] = values.join(', ');
  }
}

function nonEmpty(s: string | undefined): boolean {
  return s !== undefined && s !== '';
}
