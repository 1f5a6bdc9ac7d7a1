import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/index.ts';

const parse = (text: string) => parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer' });

describe('YAML as Prometheus reads it', () => {
  it('resolves anchors and merge keys, explicit keys winning', () => {
    const config = parse(`
scrape_configs:
  - &base
    job_name: a
    scrape_interval: 30s
    metrics_path: /m
  - <<: *base
    job_name: b
    metrics_path: /n
`);
    expect(config.scrapeConfigs.map((j) => [j.jobName, j.scrapeIntervalMs, j.metricsPath])).toEqual([
      ['a', 30_000, '/m'],
      ['b', 30_000, '/n'],
    ]);
  });

  it('reads YAML 1.1 booleans', () => {
    const [job] = parse(
      'scrape_configs:\n  - job_name: a\n    honor_labels: yes\n    enable_compression: off\n',
    ).scrapeConfigs;
    expect([job?.honorLabels, job?.enableCompression]).toEqual([true, false]);
  });

  it('puts the source text of numbers and booleans into text fields, as Go does', () => {
    const [job] = parse(
      'scrape_configs:\n  - job_name: 0123\n    relabel_configs:\n      - regex: 1.50\n        target_label: x\n',
    ).scrapeConfigs;
    expect(job?.jobName).toBe('0123');
    expect(job?.relabelConfigs[0]?.regex).toBe('1.50');
  });

  it('decodes !!binary text', () => {
    const config = parse('global:\n  external_labels:\n    site: !!binary "ZXUtMQ=="\n');
    expect(config.global.externalLabels).toEqual({ site: 'eu-1' });
  });

  it('gives an explicit null the zero value, as Go does: an empty regex', () => {
    const [job] = parse(
      'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex:\n        target_label: x\n',
    ).scrapeConfigs;
    expect(job?.relabelConfigs[0]?.regex).toBe('');
  });

  it('treats an empty file as all defaults', () => {
    expect(parse('# nothing\n').scrapeConfigs).toEqual([]);
  });

  it.each([
    ['a list at the top', '- a\n', 'cannot unmarshal !!seq into config.plain'],
    ['two documents', 'global: {}\n---\nglobal: {}\n', 'yaml:'],
    [
      'a duplicate map key',
      'global:\n  external_labels:\n    a: x\n    a: y\n',
      'mapping key "a" already defined',
    ],
  ])('refuses %s', (_, text, reason) => {
    expect(() => parse(text)).toThrow(reason);
  });
});

describe('unknown keys', () => {
  it.each([
    [
      'scrape_configs:\n  - job_name: a\n    consult_sd_configs: []\n',
      'field consult_sd_configs not found in type config.plain (did you mean consul_sd_configs?)',
    ],
    [
      'global:\n  scrape_intervall: 1m\n',
      'field scrape_intervall not found in type config.plain (did you mean scrape_interval?)',
    ],
    ['global:\n  nonexistent_field: 1\n', 'field nonexistent_field not found in type config.plain'],
  ])('suggests a close known key for %j', (text, reason) => {
    expect(() => parse(text)).toThrow(reason);
  });

  it('suggests nothing for a key far from every known one', () => {
    expect(() => parse('global:\n  nonexistent_field: 1\n')).not.toThrow('did you mean');
  });
});
