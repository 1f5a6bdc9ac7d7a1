import type { TlsConfigInput } from '@pyrometer/transport';
import { bool, path, text } from './kinds.ts';
import { refuseSecretRefs } from './secret-ref.ts';
import { type Kind, Mapping } from './yaml-reader.ts';

const TLS_KEYS = [
  'ca',
  'ca_file',
  'ca_ref',
  'cert',
  'cert_file',
  'cert_ref',
  'key',
  'key_file',
  'key_ref',
  'server_name',
  'insecure_skip_verify',
  'min_version',
  'max_version',
] as const;

/** A `tls_config` section in transport's input shape, file paths made absolute. */
export const tlsInput: Kind<TlsConfigInput> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.TLSConfig', TLS_KEYS);
    const out: TlsConfigInput = {};
    for (const key of ['ca', 'cert', 'key', 'server_name', 'min_version', 'max_version'] as const) {
      const value = m.get(key, text);
      if (value !== undefined) out[key] = value;
    }
    for (const key of ['ca_file', 'cert_file', 'key_file'] as const) {
      const value = m.get(key, path);
      if (value !== undefined) out[key] = value;
    }
    refuseSecretRefs(m, ['ca_ref', 'cert_ref', 'key_ref']);
    const skip = m.get('insecure_skip_verify', bool);
    if (skip !== undefined) out.insecure_skip_verify = skip;
    return out;
  },
};

/** `tls_config` on its own (tracing, for instance), in transport's input shape. */
export function readTlsInput(m: Mapping, key = 'tls_config'): TlsConfigInput {
  return m.get(key, tlsInput, {});
}
