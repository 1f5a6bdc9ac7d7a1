import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startExporter, startHarness, until } from '../server-harness.ts';

const TEXT = `# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{code="200"} 10
# HELP temperature Where it is measured varies.
# TYPE temperature gauge
temperature 21
# HELP build_info The build.
# TYPE build_info gauge
build_info{version="1"} 1
`;

const OPENMETRICS = `# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds CPU time used.
process_cpu_seconds_total 1.5
# TYPE temperature gauge
# HELP temperature In the server room.
temperature 19
# TYPE build_info gauge
# HELP build_info The build.
build_info{version="2"} 1
# EOF
`;

describe('/api/v1/targets/metadata and /api/v1/metadata', () => {
  let h: Harness;
  let text: { server: Server; address: string };
  let om: { server: Server; address: string };
  let textTarget: Record<string, string>;
  let omTarget: Record<string, string>;
  beforeAll(async () => {
    text = await startExporter('text/plain; version=0.0.4', TEXT);
    om = await startExporter('application/openmetrics-text; version=1.0.0; charset=utf-8', OPENMETRICS);
    textTarget = { instance: text.address, job: 'text' };
    omTarget = { instance: om.address, job: 'om' };
    h = await startHarness({
      config: `
global:
  scrape_interval: 1s
  scrape_timeout: 500ms
scrape_configs:
  - job_name: text
    static_configs: [{ targets: ['${text.address}'] }]
  - job_name: om
    static_configs: [{ targets: ['${om.address}'] }]
`,
    });
    // Until both targets have been scraped.
    await until(async () => {
      const { body } = await h.json('/api/v1/targets/metadata?metric=build_info');
      return (body.data as unknown[]).length === 2 ? true : undefined;
    });
  });
  afterAll(async () => {
    await h.close();
    text.server.close();
    om.server.close();
  });

  it('lists every target’s families with the target’s labels, pools by name', async () => {
    expect(await h.json('/api/v1/targets/metadata')).toEqual({
      status: 200,
      body: {
        status: 'success',
        data: [
          {
            target: omTarget,
            metric: 'process_cpu_seconds',
            type: 'counter',
            help: 'CPU time used.',
            unit: 'seconds',
          },
          { target: omTarget, metric: 'temperature', type: 'gauge', help: 'In the server room.', unit: '' },
          { target: omTarget, metric: 'build_info', type: 'gauge', help: 'The build.', unit: '' },
          {
            target: textTarget,
            metric: 'http_requests_total',
            type: 'counter',
            help: 'Requests served.',
            unit: '',
          },
          {
            target: textTarget,
            metric: 'temperature',
            type: 'gauge',
            help: 'Where it is measured varies.',
            unit: '',
          },
          { target: textTarget, metric: 'build_info', type: 'gauge', help: 'The build.', unit: '' },
        ],
      },
    });
  });

  it('metric: one family, the entries without `metric`', async () => {
    expect((await h.json('/api/v1/targets/metadata?metric=temperature')).body.data).toEqual([
      { target: omTarget, type: 'gauge', help: 'In the server room.', unit: '' },
      { target: textTarget, type: 'gauge', help: 'Where it is measured varies.', unit: '' },
    ]);
    expect(await h.json('/api/v1/targets/metadata?metric=nope')).toEqual({
      status: 200,
      body: { status: 'success', data: [] },
    });
  });

  it('match_target: the targets whose labels match', async () => {
    const entries = (await h.json('/api/v1/targets/metadata?match_target={job="text"}')).body.data as {
      target: unknown;
    }[];
    expect(entries.map((e) => e.target)).toEqual([textTarget, textTarget, textTarget]);
    const one = `/api/v1/targets/metadata?match_target={job=~"t.*",instance="${textTarget.instance}"}&metric=http_requests_total`;
    expect((await h.json(one)).body.data).toEqual([
      { target: textTarget, type: 'counter', help: 'Requests served.', unit: '' },
    ]);
    expect((await h.json('/api/v1/targets/metadata?match_target={job="none"}')).body.data).toEqual([]);
  });

  it('limit: checked before each target, as Prometheus does', async () => {
    const entries = async (qs: string) =>
      (await h.json(`/api/v1/targets/metadata?${qs}`)).body.data as unknown[];
    expect(await entries('metric=build_info&limit=1')).toEqual([
      { target: omTarget, type: 'gauge', help: 'The build.', unit: '' },
    ]);
    expect(await entries('metric=build_info&limit=0')).toEqual([]);
    expect(await entries('metric=build_info&limit=-1')).toHaveLength(2);
    // Without a metric, the first target's entries all come.
    expect(await entries('limit=1')).toHaveLength(3);
    expect(await entries('limit=4')).toHaveLength(6);
  });

  it.each([
    [
      '/api/v1/targets/metadata?match_target=sum(x)',
      'invalid parameter "match_target": 1:1: parse error: expected a series selector, got "sum(x)"',
    ],
    [
      '/api/v1/targets/metadata?match_target={job=',
      'invalid parameter "match_target": 1:6: parse error: unexpected end of input inside braces',
    ],
    ['/api/v1/targets/metadata?limit=x', 'limit must be a number'],
    ['/api/v1/targets/metadata?limit=1.5', 'limit must be a number'],
    ['/api/v1/metadata?limit=x', 'limit must be a number'],
    ['/api/v1/metadata?limit_per_metric=few', 'limit_per_metric must be a number'],
  ])('%s → 400 bad_data', async (path, error) => {
    const { status, body } = await h.json(path);
    expect(status).toBe(400);
    expect(body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('/api/v1/metadata: each family’s distinct metadata across targets, by name', async () => {
    expect(await h.json('/api/v1/metadata')).toEqual({
      status: 200,
      body: {
        status: 'success',
        data: {
          build_info: [{ type: 'gauge', help: 'The build.', unit: '' }],
          http_requests_total: [{ type: 'counter', help: 'Requests served.', unit: '' }],
          process_cpu_seconds: [{ type: 'counter', help: 'CPU time used.', unit: 'seconds' }],
          temperature: [
            { type: 'gauge', help: 'In the server room.', unit: '' },
            { type: 'gauge', help: 'Where it is measured varies.', unit: '' },
          ],
        },
      },
    });
  });

  it('/api/v1/metadata: metric, limit and limit_per_metric', async () => {
    const data = async (qs: string) => (await h.json(`/api/v1/metadata?${qs}`)).body.data;
    expect(await data('metric=temperature')).toEqual({
      temperature: [
        { type: 'gauge', help: 'In the server room.', unit: '' },
        { type: 'gauge', help: 'Where it is measured varies.', unit: '' },
      ],
    });
    expect(await data('metric=nope')).toEqual({});
    expect(Object.keys((await data('limit=2')) as object)).toEqual(['build_info', 'http_requests_total']);
    expect(await data('limit=0')).toEqual({});
    expect(Object.keys((await data('limit=-1')) as object)).toHaveLength(4);
    expect(await data('metric=temperature&limit_per_metric=1')).toEqual({
      temperature: [{ type: 'gauge', help: 'In the server room.', unit: '' }],
    });
    // 0 (or less) is no limit per metric.
    expect(
      ((await data('metric=temperature&limit_per_metric=0')) as { temperature: unknown[] }).temperature,
    ).toHaveLength(2);
  });
});
