import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, metricsHandler, Registry, Summary } from '@pyrometer/client';
import { parseMetricFamilies } from '@pyrometer/exposition';
import { Labels, MemoryStorage } from '@pyrometer/model';
import { HttpClient } from '@pyrometer/transport';
import { describe, expect, it } from 'vitest';
import { scrapeConfigWithDefaults } from '../src/config.ts';
import { ScrapeLoop } from '../src/scrape-loop.ts';
import { targetsFromGroup } from '../src/target.ts';
import { dump } from './scrape-support.ts';

// A Pyrometer client /metrics handler, scraped by the Pyrometer scraper: every exposed
// sample is stored, with the target's labels added, in both formats the handler speaks.
describe.each(['OpenMetricsText1.0.0', 'PrometheusText0.0.4'] as const)(
  'scraping a @pyrometer/client handler (%s)',
  (protocol) => {
    it('stores exactly the samples the registry exposes', async () => {
      const registry = new Registry();
      const requests = new Counter({
        name: 'app_requests',
        help: 'Requests.',
        labelNames: ['method', 'code'],
        registers: [registry],
      });
      requests.labels('GET', '200').inc(3);
      requests.labels('POST', '500').inc();
      new Gauge({ name: 'app_queue_depth', help: 'Queue depth.', registers: [registry] }).set(7);
      const latency = new Histogram({
        name: 'app_latency_seconds',
        help: 'Latency.',
        buckets: [0.1, 1],
        registers: [registry],
      });
      latency.observe(0.05);
      latency.observe(0.5);
      const sizes = new Summary({
        name: 'app_size_bytes',
        help: 'Sizes.',
        percentiles: [0.5],
        registers: [registry],
      });
      sizes.observe(100);

      const server = createServer(metricsHandler(registry));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const config = scrapeConfigWithDefaults('app', { scrapeProtocols: [protocol] });
      const target = targetsFromGroup(
        { source: '0', targets: [Labels.from({ __address__: address })], labels: Labels.EMPTY },
        config,
      ).targets[0]!;
      const client = new HttpClient(config.httpClient);
      const storage = new MemoryStorage();
      const report = await new ScrapeLoop({
        target,
        config,
        client,
        appendable: storage,
        now: () => 5000,
      }).scrapeAndReport(5000);
      await client.close();
      server.close();
      expect(report.up).toBe(true);

      const format = protocol.startsWith('OpenMetrics') ? 'openmetrics' : 'text';
      const exposed = parseMetricFamilies(await registry.metrics({ format }), format).flatMap((f) =>
        f.samples.map(
          (s) =>
            `${String(s.labels.builder().set('instance', address).set('job', 'app').labels())} ${s.value}`,
        ),
      );
      const stored = Object.entries(await dump(storage))
        .filter(([key]) => key.startsWith('app_'))
        .map(([key, samples]) => `${key} ${samples[0]![1]}`);
      // _created samples carry the creation time, which the second render gives anew.
      const withoutCreated = (lines: string[]) => lines.filter((l) => !l.includes('_created{')).sort();
      expect(withoutCreated(stored)).toEqual(withoutCreated(exposed));
      // OpenMetrics names a counter's sample `<name>_total`; the text format keeps the name as given.
      const counterSample = format === 'openmetrics' ? 'app_requests_total' : 'app_requests';
      expect(stored.some((l) => l.startsWith(`${counterSample}{code="200", instance=`))).toBe(true);
      expect(stored).toContain(`app_latency_seconds_bucket{instance="${address}", job="app", le="1"} 2`);
      expect(report.samplesScraped).toBe(exposed.length);
    });
  },
);
