import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/index.ts';

const BASE = '/etc/pyrometer';
const parse = (text: string) => parseConfig(text, { filename: 'prometheus.yml', baseDir: BASE });

describe('paths resolve against the configuration file directory and need not exist', () => {
  const config = parse(`
global:
  query_log_file: logs/query.log
rule_files: [rules/*.yml, /abs/alerts.yml]
scrape_configs:
  - job_name: a
    tls_config: { ca_file: ca.pem, cert_file: /abs/cert.pem, key_file: ../key.pem }
    basic_auth: { username: u, password_file: secrets/pw }
    file_sd_configs:
      - files: [targets/*.json, /abs/t.yml]
  - job_name: b
    authorization: { credentials_file: token }
    http_headers:
      X-Key: { files: [key.txt] }
`);
  const [a, b] = config.scrapeConfigs;
  it.each([
    ['query log file', config.global.queryLogFile, `${BASE}/logs/query.log`],
    ['rule files', config.ruleFiles, [`${BASE}/rules/*.yml`, '/abs/alerts.yml']],
    ['CA file', a?.httpClient.tls.caFile, `${BASE}/ca.pem`],
    ['absolute cert file', a?.httpClient.tls.certFile, '/abs/cert.pem'],
    ['parent-relative key file', a?.httpClient.tls.keyFile, '/etc/key.pem'],
    ['password file', a?.httpClient.basicAuth?.password, { file: `${BASE}/secrets/pw` }],
    [
      'SD files',
      a?.serviceDiscovery[0],
      { type: 'file', files: [`${BASE}/targets/*.json`, '/abs/t.yml'], refreshIntervalMs: 300_000 },
    ],
    ['credentials file', b?.httpClient.authorization?.credentials, { file: `${BASE}/token` }],
    ['header file', b?.httpClient.headers['X-Key'], [{ file: `${BASE}/key.txt` }]],
  ])('%s', (_, got, want) => expect(got).toEqual(want));
});
