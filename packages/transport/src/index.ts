export {
  type AuthorizationInput,
  type BasicAuthInput,
  type HeaderInput,
  type HttpClientConfig,
  HttpClientConfigError,
  type HttpClientConfigInput,
  type Secret,
  type TlsConfig,
  type TlsConfigInput,
  validateHttpClientConfig,
} from './config.ts';
export { HttpClient, type HttpClientOptions, type HttpRequestInit } from './http-client.ts';
export { NoProxyList } from './no-proxy.ts';
