import { Labels } from '@pyrometer/model';
import { compileRelabelConfigs } from '@pyrometer/relabel';
import { describe, expect, it } from 'vitest';
import { scrapeConfigWithDefaults } from '../src/config.ts';
import { targetsFromGroup } from '../src/target.ts';

const group = (targets: Record<string, string>[], labels: Record<string, string> = {}) => ({
  source: '0',
  targets: targets.map((t) => Labels.from(t)),
  labels: Labels.from(labels),
});

describe('targetsFromGroup', () => {
  it('fills in the job defaults, removes __meta_ labels and defaults instance to the address', () => {
    const config = scrapeConfigWithDefaults('node', { scrapeIntervalMs: 15_000, scrapeTimeoutMs: 5000 });
    const { targets, dropped } = targetsFromGroup(
      group([{ __address__: 'a:9100', __meta_x: 'm' }], { env: 'prod', __meta_y: 'n' }),
      config,
    );
    expect(dropped).toEqual([]);
    expect(targets[0]!.internalLabels.toRecord()).toEqual({
      __address__: 'a:9100',
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      __scrape_interval__: '15s',
      __scrape_timeout__: '5s',
      env: 'prod',
      instance: 'a:9100',
      job: 'node',
    });
    expect(targets[0]!.labels().toRecord()).toEqual({ env: 'prod', instance: 'a:9100', job: 'node' });
    expect(targets[0]!.discoveredLabels.get('__meta_x')).toBe('m');
    expect(targets[0]!.url().href).toBe('http://a:9100/metrics');
  });

  it('lets target labels override group labels and relabeling change everything', () => {
    const config = scrapeConfigWithDefaults('j', {
      relabelConfigs: compileRelabelConfigs([
        {
          source_labels: ['__meta_port'],
          target_label: '__address__',
          regex: '(.+)',
          replacement: 'host:$1',
        },
        { target_label: '__scheme__', replacement: 'https' },
        { target_label: '__metrics_path__', replacement: '/probe' },
        { source_labels: ['__address__'], target_label: '__param_target' },
      ]),
      params: { module: ['http_2xx', 'second'] },
    });
    const { targets } = targetsFromGroup(
      group([{ __address__: 'x:1', __meta_port: '8443', env: 't' }], { env: 'g' }),
      config,
    );
    const t = targets[0]!;
    expect(t.labels().toRecord()).toEqual({ env: 't', instance: 'host:8443', job: 'j' });
    expect(t.url().href).toBe('https://host:8443/probe?module=http_2xx&module=second&target=host%3A8443');
  });

  it('keeps dropped targets with their discovered labels', () => {
    const config = scrapeConfigWithDefaults('j', {
      relabelConfigs: compileRelabelConfigs([
        { source_labels: ['__address__'], regex: 'b:.*', action: 'drop' },
      ]),
    });
    const { targets, dropped } = targetsFromGroup(
      group([{ __address__: 'a:1' }, { __address__: 'b:2' }]),
      config,
    );
    expect(targets.map((t) => t.labels().get('instance'))).toEqual(['a:1']);
    expect(dropped.map((l) => l.get('__address__'))).toEqual(['b:2']);
    expect(dropped[0]!.get('job')).toBe('j');
  });

  it.each<[Record<string, string>, string]>([
    [{ __address__: '' }, 'no address'],
    [{ __address__: 'http://a/b' }, '"http://a/b" is not a valid hostname'],
    [
      { __address__: 'a:1', __scrape_interval__: 'nope' },
      'error parsing scrape interval: not a valid duration string',
    ],
    [
      { __address__: 'a:1', __scrape_timeout__: '2m' },
      'scrape timeout cannot be greater than scrape interval ("2m" > "1m")',
    ],
    [{ __address__: 'a:1', __scrape_interval__: '0s' }, 'scrape interval cannot be 0'],
  ])('refuses %j: %s', (labels, message) => {
    const { targets, failures } = targetsFromGroup(group([labels]), scrapeConfigWithDefaults('j'));
    expect(targets).toEqual([]);
    expect(failures[0]).toContain(message);
  });
});
