import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Agent, type Dispatcher, EnvHttpProxyAgent, interceptors, ProxyAgent, request } from 'undici';
import type { HttpClientConfig, Secret } from './config.ts';
import { NoProxyList } from './no-proxy.ts';

export interface HttpClientOptions {
  /** Directory that relative file paths (CA, certs, credential files) resolve against. */
  baseDir?: string;
  /** Sent as User-Agent unless the request sets one. */
  userAgent?: string;
  /** Idle keep-alive time of pooled connections, ms. */
  keepAliveTimeoutMs?: number;
}

export interface HttpRequestInit {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 10;

/**
 * An HTTP client built from a Prometheus HTTP client configuration: one keep-alive pool per
 * origin (undici), TLS settings, proxying, redirects and HTTP/2 as configured, and the auth
 * headers added to every request. Credential files are read at each request, as Prometheus
 * does, so a rotated token is picked up without a reload. Certificate files are read when
 * the first request is made, so a configuration validates before they exist.
 */
export class HttpClient {
  readonly config: HttpClientConfig;
  readonly #options: HttpClientOptions;
  #dispatchers: { proxied: Dispatcher; direct: Dispatcher } | undefined;
  readonly #noProxy: NoProxyList | undefined;

  constructor(config: HttpClientConfig, options: HttpClientOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#noProxy = config.noProxy === undefined ? undefined : new NoProxyList(config.noProxy);
  }

  /**
   * Sends a request. The caller must consume or cancel the response body. Errors from
   * missing credential or certificate files say which file.
   */
  async request(url: string | URL, init: HttpRequestInit = {}): Promise<Dispatcher.ResponseData<unknown>> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const dispatcher = await this.#dispatcherFor(target);
    const headers: Record<string, string> = {};
    if (this.#options.userAgent !== undefined) headers['user-agent'] = this.#options.userAgent;
    for (const [name, values] of Object.entries(this.config.headers)) {
      headers[name.toLowerCase()] = (await Promise.all(values.map((v) => this.#readSecret(v)))).join(', ');
    }
    Object.assign(headers, await this.authHeaders());
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
    const options: Parameters<typeof request>[1] = { dispatcher, method: init.method ?? 'GET', headers };
    if (init.body !== undefined) options.body = init.body;
    if (init.signal !== undefined) options.signal = init.signal;
    return request(target, options);
  }

  /** The Authorization header this configuration sends, if any. */
  async authHeaders(): Promise<Record<string, string>> {
    const { basicAuth, authorization } = this.config;
    if (basicAuth !== undefined) {
      const username = await this.#readSecret(basicAuth.username);
      const password = basicAuth.password === undefined ? '' : await this.#readSecret(basicAuth.password);
      return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    }
    if (authorization?.credentials !== undefined) {
      return { authorization: `${authorization.type} ${await this.#readSecret(authorization.credentials)}` };
    }
    return {};
  }

  async close(): Promise<void> {
    const d = this.#dispatchers;
    this.#dispatchers = undefined;
    if (d !== undefined)
      await Promise.all([d.proxied.close(), d.proxied === d.direct ? undefined : d.direct.close()]);
  }

  #path(file: string): string {
    return isAbsolute(file) ? file : resolve(this.#options.baseDir ?? '.', file);
  }

  async #readSecret(secret: Secret): Promise<string> {
    if ('value' in secret) return secret.value;
    try {
      return (await readFile(this.#path(secret.file), 'utf8')).trim();
    } catch (err) {
      throw new Error(`unable to read secret file ${this.#path(secret.file)}: ${(err as Error).message}`);
    }
  }

  async #dispatcherFor(url: URL): Promise<Dispatcher> {
    this.#dispatchers ??= await this.#buildDispatchers();
    const bypass = this.#noProxy?.matches(url.hostname) ?? false;
    return bypass ? this.#dispatchers.direct : this.#dispatchers.proxied;
  }

  async #buildDispatchers(): Promise<{ proxied: Dispatcher; direct: Dispatcher }> {
    const { config } = this;
    const tls = await this.#tlsOptions();
    const agentOptions: Agent.Options = {
      connect: tls,
      allowH2: config.enableHttp2,
      keepAliveTimeout: this.#options.keepAliveTimeoutMs ?? 60_000,
    };
    const redirect = interceptors.redirect({ maxRedirections: config.followRedirects ? MAX_REDIRECTS : 0 });
    const direct = new Agent(agentOptions).compose(redirect);
    if (config.proxyUrl !== undefined) {
      const proxy = new ProxyAgent({
        ...agentOptions,
        uri: config.proxyUrl.href,
        requestTls: tls,
        headers: config.proxyConnectHeaders,
        // As Go's transport: plain-HTTP targets go to the proxy as absolute-URI requests,
        // only HTTPS targets are tunnelled with CONNECT.
        proxyTunnel: false,
      });
      return { proxied: proxy.compose(redirect), direct };
    }
    if (config.proxyFromEnvironment) {
      return {
        proxied: new EnvHttpProxyAgent({ ...agentOptions, requestTls: tls }).compose(redirect),
        direct,
      };
    }
    return { proxied: direct, direct };
  }

  async #tlsOptions(): Promise<Record<string, unknown>> {
    const tls = this.config.tls;
    const read = async (inline: string | undefined, file: string | undefined, what: string) => {
      if (inline !== undefined) return inline;
      if (file === undefined) return undefined;
      try {
        return await readFile(this.#path(file), 'utf8');
      } catch (err) {
        throw new Error(`unable to read ${what} ${this.#path(file)}: ${(err as Error).message}`);
      }
    };
    const options: Record<string, unknown> = { rejectUnauthorized: !tls.insecureSkipVerify };
    const ca = await read(tls.ca, tls.caFile, 'CA cert');
    const cert = await read(tls.cert, tls.certFile, 'client cert');
    const key = await read(tls.key, tls.keyFile, 'client key');
    if (ca !== undefined) options.ca = ca;
    if (cert !== undefined) options.cert = cert;
    if (key !== undefined) options.key = key;
    if (tls.serverName !== undefined) options.servername = tls.serverName;
    if (tls.minVersion !== undefined) options.minVersion = tls.minVersion;
    if (tls.maxVersion !== undefined) options.maxVersion = tls.maxVersion;
    return options;
  }
}
