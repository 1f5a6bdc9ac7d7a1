import { parseMetricFamilies } from '@pyrometer/exposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../examples/instrument-http/app.ts';

// The example app from examples/instrument-http, started in-process on a free port.
describe('examples/instrument-http', () => {
  let app: RunningServer;
  beforeAll(async () => {
    app = await startServer(0);
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves its routes and exposes request metrics with the default metrics on /metrics', async () => {
    expect((await fetch(`${app.url}/`)).status).toBe(200);
    expect((await fetch(`${app.url}/nowhere`)).status).toBe(404);
    const response = await fetch(`${app.url}/metrics`, {
      headers: { Accept: 'application/openmetrics-text' },
    });
    expect(response.status).toBe(200);
    const families = parseMetricFamilies(await response.text(), 'openmetrics');
    const byName = new Map(families.map((f) => [f.name, f]));
    const requests = byName
      .get('http_requests')
      ?.samples.filter((s) => s.labels.metricName === 'http_requests_total');
    expect(requests?.map((s) => [s.labels.get('route'), s.labels.get('status_code'), s.value])).toEqual([
      ['/', '200', 1],
      ['unmatched', '404', 1],
    ]);
    expect(byName.get('http_request_duration_seconds')?.unit).toBe('seconds');
    expect(byName.has('process_cpu_seconds')).toBe(true);
    expect(byName.has('nodejs_heap_size_used_bytes')).toBe(true);
  });
});
