import { bool, list, oneOf, path, text, textList, url } from '../kinds.ts';
import type { Mapping } from '../yaml-reader.ts';
import { checkSelector } from './kubernetes-selector.ts';
import { field, hasCustomHttpClient, type ProviderSchema, record, str } from './provider-schema.ts';

const KUBERNETES_ROLES = ['endpoints', 'endpointslice', 'node', 'pod', 'service', 'ingress'] as const;

// Which selector roles each discovery role can use, in the order Prometheus lists them.
const SELECTOR_ROLES: Record<string, string[]> = {
  endpoints: ['pod', 'service', 'endpoints'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  ingress: ['ingress'],
  node: ['node'],
  pod: ['pod', 'node'],
  service: ['service'],
};

interface Selector {
  role?: string;
  label: string;
  field: string;
}

export const kubernetes: ProviderSchema<'kubernetes'> = {
  type: 'kubernetes',
  typeName: 'kubernetes.plain',
  httpClient: true,
  fields: {
    api_server: field(url),
    role: field(oneOf(KUBERNETES_ROLES, (v) => `unknown Kubernetes SD role ${JSON.stringify(v)}`)),
    kubeconfig_file: field(path, ''),
    namespaces: field(
      record('kubernetes.plain', { own_namespace: field(bool, false), names: field(textList, []) }),
      { ownNamespace: false, names: [] },
    ),
    selectors: field(
      list(
        record('kubernetes.SelectorConfig', {
          role: field(oneOf(KUBERNETES_ROLES, (v) => `unknown Kubernetes SD role ${JSON.stringify(v)}`)),
          label: field(text, ''),
          field: field(text, ''),
        }),
        '[]kubernetes.SelectorConfig',
      ),
      [],
    ),
    attach_metadata: field(
      record('kubernetes.AttachMetadataConfig', { node: field(bool, false), namespace: field(bool, false) }),
      { node: false, namespace: false },
    ),
  },
  check(s, m) {
    if (s.role === undefined) {
      m.fail(undefined, 'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)');
    }
    const apiServer = str(s, 'apiServer');
    const kubeconfig = str(s, 'kubeconfigFile');
    const ownNamespace = (s.namespaces as { ownNamespace: boolean }).ownNamespace;
    if (apiServer !== '' && kubeconfig !== '') {
      m.fail('kubeconfig_file', "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
    }
    if (kubeconfig !== '' && hasCustomHttpClient(m)) {
      m.fail(undefined, "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
    }
    if (apiServer === '' && kubeconfig === '' && hasCustomHttpClient(m)) {
      m.fail(
        undefined,
        "to use custom HTTP client configuration please provide the 'api_server' URL explicitly",
      );
    }
    if (apiServer !== '' && ownNamespace) {
      m.fail('namespaces', "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
    }
    if (kubeconfig !== '' && ownNamespace) {
      m.fail('namespaces', "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
    }
    checkSelectors(s.role as string, s.selectors as Selector[], m);
  },
};

function checkSelectors(role: string, selectors: readonly Selector[], m: Mapping): void {
  const seen = new Set<string>();
  for (const selector of selectors) {
    const selectorRole = selector.role ?? '';
    if (seen.has(selectorRole)) m.fail('selectors', `duplicated selector role: ${selectorRole}`);
    seen.add(selectorRole);
  }
  const allowed = SELECTOR_ROLES[role] ?? [];
  for (const selectorRole of seen) {
    if (!allowed.includes(selectorRole)) {
      m.fail('selectors', `${role} role supports only ${allowed.join(', ')} selectors`);
    }
  }
  for (const selector of selectors) {
    for (const text of [selector.label, selector.field]) {
      const problem = text === '' ? undefined : checkSelector(text, text === selector.field);
      if (problem !== undefined) m.fail('selectors', `invalid selector: '${text}'; ${problem}`);
    }
  }
}
