import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/index.ts';

const parse = (text: string, agentMode: boolean) =>
  parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer', agentMode });

describe('agent mode', () => {
  it.each([
    ['rule_files: [a.yml]\n', 'field rule_files is not allowed in agent mode'],
    [
      'alerting:\n  alertmanagers:\n    - static_configs: [{ targets: [a:9093] }]\n',
      'field alerting is not allowed in agent mode',
    ],
    [
      'alerting:\n  alert_relabel_configs:\n    - action: labeldrop\n      regex: x\n',
      'field alerting is not allowed in agent mode',
    ],
    ['remote_read:\n  - url: http://r/read\n', 'field remote_read is not allowed in agent mode'],
  ])('refuses %j', (text, reason) => {
    expect(() => parse(text, true)).toThrow(reason);
    expect(() => parse(text, false)).not.toThrow();
  });

  it('accepts scraping and remote write', () => {
    const config = parse('remote_write:\n  - url: http://r/push\nscrape_configs:\n  - job_name: a\n', true);
    expect(config.remoteWrite).toHaveLength(1);
  });
});
