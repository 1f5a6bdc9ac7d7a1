import type { Mapping } from './yaml-reader.ts';

/**
 * `*_ref` keys name secrets held by a secret manager, which Prometheus's library supports
 * for embedders; neither Prometheus's server nor Pyrometer has one, so they are refused.
 */
export function refuseSecretRefs(m: Mapping, keys: readonly string[]): void {
  for (const key of keys) {
    if (m.has(key))
      m.fail(key, `${key}: secret references need a secret manager, which Pyrometer does not have`);
  }
}
