import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkProvidersBuilt, loadConfigFile } from '../src/index.ts';
import { defaultConfigYaml } from '../src/lifecycle/default-config.ts';

const dir = fileURLToPath(new URL('../../../examples/server/', import.meta.url));

describe('examples/server', () => {
  it.each(['prometheus.yml', 'node-exporter.yml'])('%s loads and can be run', async (name) => {
    const config = await loadConfigFile(dir + name);
    checkProvidersBuilt(config);
    expect(config.scrapeConfigs.length).toBeGreaterThan(0);
  });

  it('prometheus.yml is the built-in default', async () => {
    const file = await readFile(`${dir}prometheus.yml`, 'utf8');
    const strip = (text: string) =>
      text
        .split('\n')
        .filter((l) => !l.startsWith('#') && l.trim() !== '')
        .join('\n')
        .replaceAll('"', "'");
    expect(strip(file)).toBe(strip(defaultConfigYaml('localhost:9090')));
  });

  it('the Grafana provisioning file names a prometheus data source', async () => {
    expect(await readdir(dir)).toContain('grafana-datasource.yml');
    const text = await readFile(`${dir}grafana-datasource.yml`, 'utf8');
    expect(text).toMatch(/type: prometheus/);
    expect(text).toMatch(/url: http:\/\/localhost:9090/);
  });
});
