import type { Node } from 'yaml';
import { HTTP_CLIENT_KEYS, type HttpClientSettings, readHttpClient } from '../http-client.ts';
import { type DecodeContext, type Kind, Mapping } from '../yaml-reader.ts';

/** A provider's settings, camelCased, durations in milliseconds, defaults filled in. */
export type ProviderSettings = Record<string, unknown>;

/**
 * How one service-discovery section reads: its keys with their kinds and defaults, whether
 * it carries Prometheus's inline HTTP client configuration, and the checks Prometheus runs
 * on it (in Prometheus's order, with its wording).
 */
export interface ProviderSchema<T extends string = string> {
  /** The name before `_sd_configs`. */
  readonly type: T;
  /** Go's type name, for "field x not found in type y". */
  readonly typeName: string;
  readonly fields: Readonly<Record<string, Field>>;
  readonly httpClient?: boolean;
  check?(settings: ProviderSettings, section: Mapping): void;
}

export interface Field {
  readonly kind: Kind<unknown>;
  readonly fallback?: unknown;
}

export function field<T>(kind: Kind<T>, fallback?: T): Field {
  return fallback === undefined ? { kind } : { kind, fallback };
}

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export interface ProviderSection {
  settings: ProviderSettings;
  httpClient?: HttpClientSettings;
}

/** Reads one section of a provider by its schema. */
export function readProviderSection(schema: ProviderSchema, node: Node, ctx: DecodeContext): ProviderSection {
  const keys = Object.keys(schema.fields);
  const m = new Mapping(
    ctx,
    node,
    schema.typeName,
    schema.httpClient ? [...keys, ...HTTP_CLIENT_KEYS] : keys,
  );
  const settings: ProviderSettings = {};
  for (const [key, f] of Object.entries(schema.fields)) {
    const value = m.get(key, f.kind);
    settings[camelCase(key)] = value === undefined ? structuredClone(f.fallback) : value;
  }
  // Prometheus checks the section's own fields before its HTTP client configuration.
  schema.check?.(settings, m);
  const httpClient = schema.httpClient ? readHttpClient(m) : undefined;
  return httpClient === undefined ? { settings } : { settings, httpClient };
}

/** A nested mapping read by its own field table (filters, selectors, namespaces). */
export function record(typeName: string, fields: Readonly<Record<string, Field>>): Kind<ProviderSettings> {
  return {
    decode(node, ctx) {
      const m = new Mapping(ctx, node, typeName, Object.keys(fields));
      const out: ProviderSettings = {};
      for (const [key, f] of Object.entries(fields)) {
        const value = m.get(key, f.kind);
        out[camelCase(key)] = value === undefined ? structuredClone(f.fallback) : value;
      }
      return out;
    },
  };
}

/** The text of a setting, '' when unset. */
export function str(settings: ProviderSettings, key: string): string {
  const value = settings[key];
  return typeof value === 'string' ? value : '';
}

/** Whether any inline HTTP client key was written: Prometheus compares with its default client. */
export function hasCustomHttpClient(section: Mapping): boolean {
  return HTTP_CLIENT_KEYS.some((key) => section.value(key) !== null);
}
