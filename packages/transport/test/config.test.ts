import { describe, expect, it } from 'vitest';
import { type HttpClientConfigInput, validateHttpClientConfig } from '../src/config.ts';
import { NoProxyList } from '../src/no-proxy.ts';

describe('validateHttpClientConfig', () => {
  it('fills in Prometheus defaults', () => {
    const c = validateHttpClientConfig({});
    expect(c).toMatchObject({ followRedirects: true, enableHttp2: true, proxyFromEnvironment: false });
    expect(c.tls.insecureSkipVerify).toBe(false);
    expect(c.authorization).toBeUndefined();
  });

  it('turns bearer_token into an Authorization of type Bearer', () => {
    expect(validateHttpClientConfig({ bearer_token: 'x' }).authorization).toEqual({
      type: 'Bearer',
      credentials: { value: 'x' },
    });
    expect(validateHttpClientConfig({ authorization: { credentials_file: 'f' } }).authorization).toEqual({
      type: 'Bearer',
      credentials: { file: 'f' },
    });
  });

  it.each<[HttpClientConfigInput, string]>([
    [
      { bearer_token: 'a', bearer_token_file: 'b' },
      'at most one of bearer_token & bearer_token_file must be configured',
    ],
    [
      { bearer_token: 'a', basic_auth: { username: 'u' } },
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    ],
    [
      { authorization: { credentials: 'a' }, basic_auth: { username: 'u' } },
      'at most one of basic_auth, oauth2 & authorization must be configured',
    ],
    [
      { authorization: { type: 'Basic', credentials: 'a' } },
      'authorization type cannot be set to "basic", use "basic_auth" instead',
    ],
    [
      { authorization: { credentials: 'a', credentials_file: 'b' } },
      'at most one of authorization credentials & credentials_file must be configured',
    ],
    [
      { basic_auth: { password: 'a', password_file: 'b' } },
      'at most one of basic_auth password & password_file must be configured',
    ],
    [
      { tls_config: { cert_file: 'c' } },
      'exactly one of key or key_file must be configured when a client certificate is configured',
    ],
    [{ tls_config: { ca: 'x', ca_file: 'y' } }, 'at most one of ca and ca_file must be configured'],
    [{ tls_config: { min_version: 'TLS99' } }, 'unknown TLS version: TLS99'],
    [{ no_proxy: 'x' }, 'if no_proxy is configured, proxy_url must also be configured'],
    [
      { proxy_url: 'http://p', proxy_from_environment: true },
      'if proxy_from_environment is configured, proxy_url must not be configured',
    ],
    [
      { http_headers: { Authorization: { values: ['x'] } } },
      'authorization header must be changed via the basic_auth',
    ],
    [
      { http_headers: { 'X-Prometheus-Remote-Write-Version': { values: ['x'] } } },
      'is a reserved header. It must not be changed',
    ],
  ])('rejects %j', (input, message) => {
    expect(() => validateHttpClientConfig(input)).toThrow(message);
  });
});

describe('NoProxyList', () => {
  it.each<[string, string, boolean]>([
    ['example.com', 'example.com', true],
    ['example.com', 'api.example.com', true],
    ['.example.com', 'api.example.com', true],
    ['example.com', 'badexample.com', false],
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.1.2.3', false],
    ['127.0.0.1', '127.0.0.1', true],
    ['::1', '[::1]', true],
    ['*', 'anything', true],
  ])('%s matches %s: %s', (spec, host, expected) => {
    expect(new NoProxyList(spec).matches(host)).toBe(expected);
  });
});
