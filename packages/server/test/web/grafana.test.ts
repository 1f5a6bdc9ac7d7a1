import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, loadDemoData, startHarness, T0 } from '../server-harness.ts';

// The requests Grafana's Prometheus data source sends, with its parameter spelling
// (form-encoded POST for queries, Unix seconds for times, a step in seconds).
describe('a Grafana-style request set', () => {
  let h: Harness;
  const start = String(T0 / 1000);
  const end = String(T0 / 1000 + 600);
  beforeAll(async () => {
    h = await startHarness();
    await loadDemoData(h.memory);
  });
  afterAll(() => h.close());

  const form = async (path: string, fields: Record<string, string>) => {
    const res = await fetch(h.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Grafana-Org-Id': '1' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as { status: string; data: unknown } };
  };

  it('health check: buildinfo', async () => {
    const { status, body } = await h.json('/api/v1/status/buildinfo');
    expect(status).toBe(200);
    expect((body.data as { version: string }).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('instant query: POST form with time', async () => {
    const { status, body } = await form('/api/v1/query', {
      query: 'sum by (job) (http_requests_total)',
      time: end,
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      resultType: 'vector',
      result: [{ metric: { job: 'api' }, value: [Number(end), '1800'] }],
    });
  });

  it('range query: POST form with start, end and a step in seconds', async () => {
    const { status, body } = await form('/api/v1/query_range', {
      query: 'temperature_celsius',
      start,
      end,
      step: '300',
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'temperature_celsius', instance: 'c:1', job: 'sensors', room: 'lab' },
          values: [
            [Number(start), '20'],
            [Number(start) + 300, '22'],
            [Number(end), '24'],
          ],
        },
      ],
    });
  });

  it('label names for the query editor', async () => {
    expect((await h.json(`/api/v1/labels?start=${start}&end=${end}`)).body.data).toEqual([
      '__name__',
      'code',
      'instance',
      'job',
      'room',
    ]);
    expect((await form('/api/v1/labels', { start, end, 'match[]': 'up' })).body.data).toEqual([
      '__name__',
      'instance',
      'job',
    ]);
  });

  it('metric names for the metric browser', async () => {
    expect((await h.json(`/api/v1/label/__name__/values?start=${start}&end=${end}`)).body.data).toEqual([
      'http_requests_total',
      'temperature_celsius',
      'up',
    ]);
  });

  it('a template variable: label_values(up, instance) via series', async () => {
    const { body } = await h.json(
      `/api/v1/series?match[]=${encodeURIComponent('up{job="api"}')}&start=${start}&end=${end}`,
    );
    expect(body.data).toEqual([
      { __name__: 'up', instance: 'a:9100', job: 'api' },
      { __name__: 'up', instance: 'b:9100', job: 'api' },
    ]);
    const values = await h.json(`/api/v1/label/instance/values?match[]=up&start=${start}&end=${end}`);
    expect(values.body.data).toEqual(['a:9100', 'b:9100']);
  });

  it('metric metadata', async () => {
    expect((await h.json('/api/v1/metadata')).body).toEqual({ status: 'success', data: {} });
    expect((await h.json('/api/v1/metadata?limit=10000')).status).toBe(200);
  });
});
