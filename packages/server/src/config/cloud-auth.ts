import { bool, path, text } from './kinds.ts';
import { type Kind, Mapping } from './yaml-reader.ts';

/** AWS Signature Version 4 request signing (remote write, Alertmanager). */
export interface SigV4Config {
  region: string;
  accessKey: string;
  secretKey: string;
  profile: string;
  roleArn: string;
  externalId: string;
  useFipsStsEndpoint: boolean;
}

export const sigv4: Kind<SigV4Config> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'sigv4.SigV4Config', [
      'region',
      'access_key',
      'secret_key',
      'profile',
      'role_arn',
      'external_id',
      'use_fips_sts_endpoint',
    ]);
    const config: SigV4Config = {
      region: m.get('region', text, ''),
      accessKey: m.get('access_key', text, ''),
      secretKey: m.get('secret_key', text, ''),
      profile: m.get('profile', text, ''),
      roleArn: m.get('role_arn', text, ''),
      externalId: m.get('external_id', text, ''),
      useFipsStsEndpoint: m.get('use_fips_sts_endpoint', bool, false),
    };
    if ((config.accessKey === '') !== (config.secretKey === '')) {
      m.fail(
        undefined,
        'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
      );
    }
    return config;
  },
};

/** Azure AD authentication for remote write. */
export interface AzureAdConfig {
  cloud: string;
  managedIdentity?: { clientId: string };
  oauth?: { clientId: string; clientSecret: string; tenantId: string };
  sdk?: { tenantId: string };
  workloadIdentity?: { clientId: string; tenantId: string; tokenFilePath: string };
  scope: string;
}

const clientIdOnly = (typeName: string): Kind<{ clientId: string }> => ({
  decode(node, ctx) {
    const m = new Mapping(ctx, node, typeName, ['client_id']);
    return { clientId: m.get('client_id', text, '') };
  },
});

export const azuread: Kind<AzureAdConfig> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'azuread.AzureADConfig', [
      'cloud',
      'managed_identity',
      'oauth',
      'sdk',
      'workload_identity',
      'scope',
    ]);
    const config: AzureAdConfig = {
      cloud: m.get('cloud', text, 'AzurePublic'),
      scope: m.get('scope', text, ''),
    };
    const managed = m.get('managed_identity', clientIdOnly('azuread.ManagedIdentityConfig'));
    if (managed !== undefined) config.managedIdentity = managed;
    const oauth = m.get('oauth', {
      decode(n, c) {
        const o = new Mapping(c, n, 'azuread.OAuthConfig', ['client_id', 'client_secret', 'tenant_id']);
        return {
          clientId: o.get('client_id', text, ''),
          clientSecret: o.get('client_secret', text, ''),
          tenantId: o.get('tenant_id', text, ''),
        };
      },
    });
    if (oauth !== undefined) config.oauth = oauth;
    const sdk = m.get('sdk', {
      decode(n, c) {
        return { tenantId: new Mapping(c, n, 'azuread.SDKConfig', ['tenant_id']).get('tenant_id', text, '') };
      },
    });
    if (sdk !== undefined) config.sdk = sdk;
    const workload = m.get('workload_identity', {
      decode(n, c) {
        const w = new Mapping(c, n, 'azuread.WorkloadIdentityConfig', [
          'client_id',
          'tenant_id',
          'token_file_path',
        ]);
        return {
          clientId: w.get('client_id', text, ''),
          tenantId: w.get('tenant_id', text, ''),
          tokenFilePath: w.get('token_file_path', path, '/var/run/secrets/azure/tokens/azure-identity-token'),
        };
      },
    });
    if (workload !== undefined) config.workloadIdentity = workload;
    const methods = [config.managedIdentity, config.oauth, config.sdk, config.workloadIdentity].filter(
      Boolean,
    );
    if (methods.length !== 1) {
      m.fail(undefined, 'exactly one of managed_identity, oauth, sdk or workload_identity must be provided');
    }
    return config;
  },
};

/** Google IAM authentication for remote write. */
export interface GoogleIamConfig {
  credentialsFile: string;
}

export const googleIam: Kind<GoogleIamConfig> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'googleiam.Config', ['credentials_file']);
    return { credentialsFile: m.get('credentials_file', path, '') };
  },
};
