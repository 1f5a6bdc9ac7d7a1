import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/index.ts';

function errorOf(text: string, agentMode = false): ConfigError {
  try {
    parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer', agentMode });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration loaded');
}

describe('errors name the file, line and column', () => {
  it.each([
    ['unknown top-level key', 'foo: 1\n', 'field foo not found in type config.plain', '1:1'],
    ['duplicate section', 'global: {}\nglobal: {}\n', 'field global already set in type config.plain', '2:1'],
    ['wrong type', 'global:\n  sample_limit: lots\n', 'cannot unmarshal !!str `lots` into uint', '2:17'],
    ['negative limit', 'global:\n  sample_limit: -1\n', 'cannot unmarshal !!int `-1` into uint', '2:17'],
    ['bad duration', 'global:\n  scrape_interval: 1x\n', 'not a valid duration string: "1x"', '2:20'],
    ['bad size', 'global:\n  body_size_limit: 10\n', 'units: unknown unit  in 10', '2:20'],
    ['bad label name', 'global:\n  external_labels:\n    "": c\n', '"" is not a valid label name', '3:5'],
    [
      'timeout above interval',
      'global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n',
      'global scrape timeout greater than scrape interval',
      '3:19',
    ],
    [
      'job timeout above interval',
      'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n',
      'scrape timeout greater than scrape interval for scrape config with job name "a"',
      '4:21',
    ],
    [
      'duplicate job',
      'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
      'found multiple scrape configs with job name "a"',
      '2:3',
    ],
    ['empty job name', 'scrape_configs:\n  - job_name: ""\n', 'job_name is empty', '2:15'],
    [
      'bad regex',
      'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: "a(b"\n        target_label: x\n',
      'error parsing regexp',
      '4:16',
    ],
    [
      'relabel rule error from the relabel package',
      'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n',
      'relabel configuration for hashmod requires non-zero modulus',
      '4:9',
    ],
    [
      'HTTP client error from transport',
      'scrape_configs:\n  - job_name: a\n    bearer_token: x\n    bearer_token_file: y\n',
      'at most one of bearer_token & bearer_token_file must be configured',
      '2:5',
    ],
    [
      'unknown scrape protocol',
      'scrape_configs:\n  - job_name: a\n    scrape_protocols: [Foo]\n',
      'scrape_protocols: unknown scrape protocol Foo',
      '3:23',
    ],
    [
      'target with a path',
      'scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ["http://x"]\n',
      '"http://x" is not a valid hostname',
      '4:18',
    ],
    [
      'unknown key in an unbuilt provider',
      'scrape_configs:\n  - job_name: a\n    gce_sd_configs:\n      - project: p\n        zone: z\n        zonee: y\n',
      'field zonee not found in type gce.plain',
      '6:9',
    ],
    [
      'provider check',
      'scrape_configs:\n  - job_name: a\n    gce_sd_configs:\n      - project: p\n',
      'GCE SD configuration requires a zone',
      '4:9',
    ],
    ['YAML syntax', 'global:\n  a: [1\n', 'yaml:', '3:1'],
    ['rule file glob', 'rule_files: ["a/*/b"]\n', 'invalid rule file path "a/*/b"', '1:13'],
    [
      'remote write queue',
      'remote_write:\n  - url: http://x\n    queue_config: { capacity: 0 }\n',
      'remote write queue capacity must be positive',
      '3:31',
    ],
  ])('%s', (_, text, reason, at) => {
    const err = errorOf(text);
    expect(err.reason).toContain(reason);
    expect(err.message).toContain(`parsing YAML file prometheus.yml: ${err.reason}`);
    expect(`${err.position?.line}:${err.position?.column}`).toBe(at);
    expect(err.message).toContain(`prometheus.yml:${at}`);
  });
});
