import type { TlsConfigInput } from '@pyrometer/transport';
import { path, stringMap, text, textList, url } from './kinds.ts';
import { refuseSecretRefs } from './secret-ref.ts';
import { readTlsInput } from './tls.ts';
import { type Kind, Mapping } from './yaml-reader.ts';

/** OAuth 2.0 client credentials (or JWT bearer) settings; validated here, used by a later client. */
export interface OAuth2Config {
  clientId: string;
  /** 'client_credentials', or the JWT bearer grant of RFC 7523. */
  grantType: string;
  clientSecret?: string;
  clientSecretFile?: string;
  scopes: string[];
  tokenUrl: string;
  endpointParams: Record<string, string>;
  tls: TlsConfigInput;
  /** JWT bearer grant only. */
  jwt?: {
    signatureAlgorithm: string;
    iss: string;
    audience: string;
    claims: Record<string, string>;
    clientCertificateKey?: string;
    clientCertificateKeyFile?: string;
    clientCertificateKeyId: string;
  };
}

const PROXY_KEYS = ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'] as const;

const OAUTH2_KEYS = [
  'client_id',
  'client_secret',
  'client_secret_file',
  'client_secret_ref',
  'scopes',
  'token_url',
  'endpoint_params',
  'tls_config',
  'grant_type',
  'signature_algorithm',
  'iss',
  'audience',
  'claims',
  'client_certificate_key',
  'client_certificate_key_file',
  'client_certificate_key_id',
  'client_certificate_key_ref',
  'http_headers',
  ...PROXY_KEYS,
] as const;

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const GRANT_TYPES = ['client_credentials', JWT_BEARER];
const SIGNATURE_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

export const oauth2: Kind<OAuth2Config> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.OAuth2', OAUTH2_KEYS);
    refuseSecretRefs(m, ['client_secret_ref', 'client_certificate_key_ref']);
    const grantType = m.get('grant_type', text, '') || 'client_credentials';
    if (!GRANT_TYPES.includes(grantType)) {
      m.fail(
        'grant_type',
        `unsupported oauth2 grant_type ${JSON.stringify(grantType)}, expected one of ${GRANT_TYPES.join(', ')}`,
      );
    }
    const out: OAuth2Config = {
      clientId: m.get('client_id', text, ''),
      grantType,
      scopes: m.get('scopes', textList, []),
      tokenUrl: m.get('token_url', url, ''),
      endpointParams: m.get('endpoint_params', stringMap(text), {}),
      tls: readTlsInput(m),
    };
    const secret = m.get('client_secret', text, '');
    const secretFile = m.get('client_secret_file', path, '');
    if (secret !== '' && secretFile !== '') {
      m.fail('client_secret', 'at most one of oauth2 client_secret & client_secret_file must be configured');
    }
    if (secret !== '') out.clientSecret = secret;
    if (secretFile !== '') out.clientSecretFile = secretFile;
    if (grantType === JWT_BEARER) out.jwt = readJwtBearer(m);
    return out;
  },
};

function readJwtBearer(m: Mapping): NonNullable<OAuth2Config['jwt']> {
  const key = m.get('client_certificate_key', text, '');
  const keyFile = m.get('client_certificate_key_file', path, '');
  if (key !== '' && keyFile !== '') {
    m.fail(
      'client_certificate_key',
      'at most one of oauth2 client_certificate_key & client_certificate_key_file must be configured',
    );
  }
  const signatureAlgorithm = m.get('signature_algorithm', text, '') || 'RS256';
  if (!SIGNATURE_ALGORITHMS.includes(signatureAlgorithm)) {
    m.fail(
      'signature_algorithm',
      `unsupported oauth2 signature_algorithm ${JSON.stringify(signatureAlgorithm)}, expected one of ${SIGNATURE_ALGORITHMS.join(', ')}`,
    );
  }
  const jwt: NonNullable<OAuth2Config['jwt']> = {
    signatureAlgorithm,
    iss: m.get('iss', text, ''),
    audience: m.get('audience', text, ''),
    claims: m.get('claims', stringMap(text), {}),
    clientCertificateKeyId: m.get('client_certificate_key_id', text, ''),
  };
  if (key !== '') jwt.clientCertificateKey = key;
  if (keyFile !== '') jwt.clientCertificateKeyFile = keyFile;
  return jwt;
}
