import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile } from '../../src/index.ts';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pyrometer-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const job = (name: string, extra = '') =>
  `scrape_configs:\n  - job_name: ${name}\n    static_configs: [{ targets: ['h:1'] }]\n${extra}`;

describe('scrape_config_files', () => {
  it('appends the jobs of every matching file, sorted, after the main file', async () => {
    const dir = tree({
      'prometheus.yml': `global:\n  scrape_interval: 15s\nscrape_config_files: [jobs/*.yml]\n${job('main')}`,
      'jobs/b.yml': job('b'),
      'jobs/a.yml': job('a', '    tls_config: { ca_file: ca.pem }\n'),
    });
    const config = await loadConfigFile(join(dir, 'prometheus.yml'));
    expect(config.scrapeConfigs.map((j) => j.jobName)).toEqual(['main', 'a', 'b']);
    // The main file's global section applies; paths resolve against the included file.
    expect(config.scrapeConfigs[1]?.scrapeIntervalMs).toBe(15_000);
    expect(config.scrapeConfigs[1]?.httpClient.tls.caFile).toBe(join(dir, 'jobs/ca.pem'));
    expect(config.scrapeConfigFiles).toEqual([join(dir, 'jobs/*.yml')]);
  });

  it.each([
    [
      'a job name repeated across files',
      { 'prometheus.yml': `scrape_config_files: [a.yml]\n${job('x')}`, 'a.yml': job('x') },
      'found multiple scrape configs with job name "x"',
    ],
    [
      'a bad job in an included file, positioned in that file',
      {
        'prometheus.yml': 'scrape_config_files: [a.yml]\n',
        'a.yml': 'scrape_configs:\n  - job_name: y\n    scrape_interval: 5s\n    scrape_timeout: 6s\n',
      },
      'scrape timeout greater than scrape interval for scrape config with job name "y" (at a.yml:4:21)',
    ],
    [
      'a glob before the last path element',
      { 'prometheus.yml': 'scrape_config_files: ["jobs/*/x.yml"]\n' },
      'invalid scrape config file path "jobs/*/x.yml"',
    ],
    [
      'anything but scrape_configs in an included file',
      { 'prometheus.yml': 'scrape_config_files: [a.yml]\n', 'a.yml': 'global: {}\n' },
      'field global not found in type config.ScrapeConfigs',
    ],
  ])('refuses %s', async (_, files, reason) => {
    const dir = tree(files);
    const err = await loadConfigFile(join(dir, 'prometheus.yml'), { filename: 'prometheus.yml' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(reason);
  });

  it('a pattern that matches nothing adds nothing', async () => {
    const dir = tree({ 'prometheus.yml': 'scrape_config_files: [none/*.yml]\n' });
    expect((await loadConfigFile(join(dir, 'prometheus.yml'))).scrapeConfigs).toEqual([]);
  });
});
