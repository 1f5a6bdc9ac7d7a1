import { duration, int, list, oneOf, text, textList } from '../kinds.ts';
import { field, type ProviderSchema, record } from './provider-schema.ts';

const MINUTE = 60_000;

const filters = (typeName: string) =>
  list(record(typeName, { name: field(text, ''), values: field(textList) }), `[]*${typeName}`);

/** Keys the AWS-backed providers share. */
const awsFields = {
  endpoint: field(text, ''),
  region: field(text, ''),
  access_key: field(text, ''),
  secret_key: field(text, ''),
  profile: field(text, ''),
  role_arn: field(text, ''),
  external_id: field(text, ''),
  refresh_interval: field(duration, MINUTE),
  port: field(int, 80),
};

/** The AWS services listed by cluster, with how many API requests may run at once. */
const clusterFields = (requestConcurrency: number) => ({
  clusters: field(textList, []),
  request_concurrency: field(int, requestConcurrency),
});

function checkEc2Filters(s: Record<string, unknown>, fail: (reason: string) => never): void {
  for (const f of (s.filters as ({ values?: string[] } | undefined)[] | undefined) ?? []) {
    if (f?.values === undefined || f.values.length === 0)
      fail('EC2 SD configuration filter values cannot be empty');
  }
}

export const ec2: ProviderSchema<'ec2'> = {
  type: 'ec2',
  typeName: 'aws.plain',
  httpClient: true,
  fields: { ...awsFields, filters: field(filters('aws.EC2Filter')) },
  // Prometheus asks the instance metadata service for a missing region; we cannot
  // here, so an empty region is left for the provider to resolve.
  check: (s, m) => checkEc2Filters(s, (reason) => m.fail('filters', reason)),
};

export const lightsail: ProviderSchema<'lightsail'> = {
  type: 'lightsail',
  typeName: 'aws.plain',
  httpClient: true,
  fields: awsFields,
};

const AWS_ROLES = ['ec2', 'ecs', 'lightsail', 'msk', 'elasticache', 'mq', 'rds'] as const;

export const aws: ProviderSchema<'aws'> = {
  type: 'aws',
  typeName: 'aws.plain',
  httpClient: true,
  fields: {
    role: field(oneOf(AWS_ROLES, (v) => `unknown AWS SD role ${JSON.stringify(v)}`)),
    ...awsFields,
    filters: field(filters('aws.EC2Filter')),
    clusters: field(textList),
    request_concurrency: field(int),
  },
  check(s, m) {
    if (s.role === undefined) m.fail(undefined, `unknown AWS SD role ""`);
    checkEc2Filters(s, (reason) => m.fail('filters', reason));
  },
};

function awsService<T extends string>(type: T, fields: ProviderSchema['fields']): ProviderSchema<T> {
  return { type, typeName: 'aws.plain', httpClient: true, fields: { ...awsFields, ...fields } };
}

export const ecs = awsService('ecs', clusterFields(20));
export const msk = awsService('msk', clusterFields(10));
export const elasticache = awsService('elasticache', clusterFields(10));
export const rds: ProviderSchema<'rds'> = {
  ...awsService('rds', { ...clusterFields(10), filters: field(filters('aws.Filter')) }),
  check: (s, m) => checkEc2Filters(s, (reason) => m.fail('filters', reason)),
};
// Amazon MQ brokers carry their own ports: the section has no `port`.
const { port: _mqHasNoPort, ...mqFields } = awsFields;
export const mq: ProviderSchema<'mq'> = {
  type: 'mq',
  typeName: 'aws.plain',
  httpClient: true,
  fields: { ...mqFields, request_concurrency: field(int, 10) },
};

export const AWS_PROVIDERS = [aws, ec2, ecs, elasticache, lightsail, mq, msk, rds] as const;
