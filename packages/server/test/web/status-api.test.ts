import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { compressWriteRequest } from '@pyrometer/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, loadDemoData, startExporter, startHarness, T0, until } from '../server-harness.ts';

describe('targets, metadata and status', () => {
  let h: Harness;
  let exporter: { server: Server; address: string };
  beforeAll(async () => {
    exporter = await startExporter(
      'text/plain; version=0.0.4',
      '# HELP widgets_total Widgets made.\n# TYPE widgets_total counter\nwidgets_total 42\n',
    );
    h = await startHarness({
      config: `
global:
  scrape_interval: 1s
  scrape_timeout: 500ms
  external_labels: { region: eu }
scrape_configs:
  - job_name: widgets
    static_configs:
      - targets: ['${exporter.address}']
      - targets: ['dropme:1']
    relabel_configs:
      - { source_labels: [__address__], regex: 'dropme:1', action: drop }
`,
    });
    await loadDemoData(h.memory);
  });
  afterAll(async () => {
    await h.close();
    exporter.server.close();
  });

  it('/api/v1/targets: active targets after their first scrape, dropped ones with discovered labels', async () => {
    const data = await until(async () => {
      const { body } = await h.json('/api/v1/targets');
      const d = body.data as { activeTargets: { health: string }[] };
      return d.activeTargets[0]?.health === 'up' ? d : undefined;
    });
    expect(data).toEqual({
      activeTargets: [
        {
          discoveredLabels: {
            __address__: exporter.address,
            __metrics_path__: '/metrics',
            __scheme__: 'http',
            __scrape_interval__: '1s',
            __scrape_timeout__: '500ms',
            job: 'widgets',
          },
          labels: { instance: exporter.address, job: 'widgets' },
          scrapePool: 'widgets',
          scrapeUrl: `http://${exporter.address}/metrics`,
          globalUrl: `http://${hostname()}:${exporter.address.split(':')[1]}/metrics`,
          lastError: '',
          lastScrape: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastScrapeDuration: expect.any(Number),
          health: 'up',
          scrapeInterval: '1s',
          scrapeTimeout: '500ms',
        },
      ],
      droppedTargets: [
        {
          discoveredLabels: {
            __address__: 'dropme:1',
            __metrics_path__: '/metrics',
            __scheme__: 'http',
            __scrape_interval__: '1s',
            __scrape_timeout__: '500ms',
            job: 'widgets',
          },
          scrapePool: 'widgets',
        },
      ],
      droppedTargetCounts: { widgets: 1 },
    });
    const q = await h.json('/api/v1/query?query=widgets_total');
    expect((q.body.data as { result: { value: unknown[] }[] }).result[0]?.value[1]).toBe('42');
  });

  it('/api/v1/targets?state=...&scrapePool=...', async () => {
    const active = (await h.json('/api/v1/targets?state=active')).body.data as Record<string, unknown[]>;
    expect(active.droppedTargets).toEqual([]);
    expect(active.activeTargets).toHaveLength(1);
    const dropped = (await h.json('/api/v1/targets?state=dropped')).body.data as Record<string, unknown[]>;
    expect(dropped.activeTargets).toEqual([]);
    expect(dropped.droppedTargets).toHaveLength(1);
    const other = (await h.json('/api/v1/targets?scrapePool=nope')).body.data as Record<string, unknown[]>;
    expect(other).toEqual({ activeTargets: [], droppedTargets: [], droppedTargetCounts: {} });
  });

  it('/api/v1/query_exemplars: an empty list for a valid query', async () => {
    expect((await h.json('/api/v1/query_exemplars?query=up&start=0&end=10')).body).toEqual({
      status: 'success',
      data: [],
    });
    expect((await h.json('/api/v1/query_exemplars?query=up(')).status).toBe(400);
  });

  it('/api/v1/status/config: the YAML of the loaded file', async () => {
    const { body } = await h.json('/api/v1/status/config');
    expect((body.data as { yaml: string }).yaml).toContain('job_name: widgets');
  });

  it('/api/v1/status/flags', async () => {
    const data = (await h.json('/api/v1/status/flags')).body.data as Record<string, string>;
    expect(data['web.listen-address']).toBe('127.0.0.1:0');
    expect(data['query.timeout']).toBe('2m');
    expect(data['web.enable-lifecycle']).toBe('false');
  });

  it('/api/v1/status/runtimeinfo and buildinfo', async () => {
    const runtime = (await h.json('/api/v1/status/runtimeinfo')).body.data as Record<string, unknown>;
    expect(runtime).toMatchObject({ reloadConfigSuccess: true, CWD: process.cwd(), storageRetention: '15d' });
    const build = (await h.json('/api/v1/status/buildinfo')).body.data as Record<string, unknown>;
    expect(Object.keys(build).sort()).toEqual([
      'branch',
      'buildDate',
      'buildUser',
      'goVersion',
      'revision',
      'version',
    ]);
    expect(build.version).toMatch(/^3\.\d+\.\d+\+pyrometer\./);
  });

  it('/api/v1/status/tsdb: head stats and top lists', async () => {
    const data = (await h.json('/api/v1/status/tsdb?limit=2')).body.data as Record<string, unknown>;
    expect(data.headStats).toMatchObject({ numSeries: expect.any(Number), minTime: T0 });
    expect(data.seriesCountByMetricName).toEqual([
      // The demo data's two and the scraped one.
      { name: 'up', value: 3 },
      { name: 'http_requests_total', value: 2 },
    ]);
    expect(data.labelValueCountByLabelName).toHaveLength(2);
    expect(data.memoryInBytesByLabelName).toHaveLength(2);
    expect(data.seriesCountByLabelValuePair).toHaveLength(2);
    expect((await h.json('/api/v1/status/tsdb?limit=0')).status).toBe(400);
  });

  it('/api/v1/status/walreplay', async () => {
    expect((await h.json('/api/v1/status/walreplay')).body).toEqual({
      status: 'success',
      data: { min: 0, max: 0, current: 0 },
    });
  });

  it('/federate: the latest samples in the text format, with external labels', async () => {
    const res = await h.get(`/federate?match[]=temperature_celsius&match[]=widgets_total`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    // The demo data is in the past (beyond the lookback delta); the scraped series is live.
    expect(text).toMatch(
      new RegExp(
        `^# TYPE widgets_total untyped\\nwidgets_total\\{instance="${exporter.address}",job="widgets",region="eu"\\} 42 \\d+\\n$`,
      ),
    );
    expect((await h.get('/federate?match[]=sum(x)')).status).toBe(400);
  });

  it('/metrics: the server metrics under Prometheus names', async () => {
    await h.get('/api/v1/query?query=up');
    const text = await (await h.get('/metrics')).text();
    for (const name of [
      'prometheus_http_requests_total{handler="/api/v1/query",code="200"}',
      'prometheus_http_request_duration_seconds_bucket',
      'prometheus_engine_queries ',
      'prometheus_engine_queries_concurrent_max 20',
      'prometheus_engine_query_duration_seconds{slice="inner_eval",quantile="0.5"}',
      'prometheus_config_last_reload_successful 1',
      'prometheus_ready 1',
      'prometheus_target_scrape_pool_targets{scrape_job="widgets"} 1',
      'prometheus_sd_discovered_targets{config="widgets",name="scrape"} 2',
      'prometheus_build_info{',
      'prometheus_tsdb_head_series ',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('unknown paths are 404, wrong methods 405', async () => {
    expect((await h.get('/api/v1/nope')).status).toBe(404);
    expect((await h.get('/nope')).status).toBe(404);
    const res = await fetch(`${h.url}/api/v1/query`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect((await fetch(`${h.url}/api/v1/targets`, { method: 'POST' })).status).toBe(405);
  });

  it('/ points at the API', async () => {
    const res = await h.get('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/api/v1/');
  });

  it('/-/healthy and /-/ready', async () => {
    expect((await h.get('/-/healthy')).status).toBe(200);
    expect((await h.get('/-/ready')).status).toBe(200);
    expect((await fetch(`${h.url}/-/ready`, { method: 'HEAD' })).status).toBe(200);
  });

  it('without the lifecycle flag, /-/reload and /-/quit are 403', async () => {
    for (const path of ['/-/reload', '/-/quit']) {
      const res = await fetch(h.url + path, { method: 'POST' });
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('Lifecycle API is not enabled.');
    }
    expect((await h.get('/-/reload')).status).toBe(405);
  });

  it('without the admin flag, the admin API is 503 unavailable', async () => {
    for (const op of ['delete_series?match[]=up', 'clean_tombstones', 'snapshot']) {
      const res = await h.json(`/api/v1/admin/tsdb/${op}`, { method: 'POST' });
      expect(res).toEqual({
        status: 503,
        body: { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' },
      });
    }
  });

  it('remote write while the receiver is off: 404 with the flag to set', async () => {
    const res = await fetch(`${h.url}/api/v1/write`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('--web.enable-remote-write-receiver');
  });

  it('a body larger than --web.max-request-body-size is refused with 413', async () => {
    const res = await h.post('/api/v1/query', { query: 'x'.repeat(33 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect((await h.json('/api/v1/query?query=1')).status).toBe(200);
  });
});

describe('the admin API with --web.enable-admin-api', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      args: ['--web.enable-admin-api', '--web.external-url=https://metrics.example.com/'],
    });
  });
  afterAll(() => h.close());

  it('clean_tombstones: 204', async () => {
    const res = await fetch(`${h.url}/api/v1/admin/tsdb/clean_tombstones`, { method: 'PUT' });
    expect(res.status).toBe(204);
  });

  it('delete_series: match[] is required; the memory storage cannot delete', async () => {
    expect((await h.json('/api/v1/admin/tsdb/delete_series', { method: 'POST' })).body).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'no match[] parameter provided',
    });
    expect((await h.json('/api/v1/admin/tsdb/delete_series?match[]=up', { method: 'POST' })).body).toEqual({
      status: 'error',
      errorType: 'unavailable',
      error: 'deleting series is not supported by the memory storage',
    });
  });

  it('snapshot: skip_head is checked; the memory storage cannot snapshot', async () => {
    expect((await h.json('/api/v1/admin/tsdb/snapshot?skip_head=maybe', { method: 'POST' })).status).toBe(
      400,
    );
    expect((await h.json('/api/v1/admin/tsdb/snapshot', { method: 'POST' })).body).toMatchObject({
      errorType: 'unavailable',
    });
  });

  it('GET is not allowed', async () => {
    expect((await h.get('/api/v1/admin/tsdb/snapshot')).status).toBe(405);
  });

  it('--web.external-url is shown in status/flags', async () => {
    const flags = (await h.json('/api/v1/status/flags')).body.data as Record<string, string>;
    expect(flags['web.external-url']).toBe('https://metrics.example.com/');
  });
});

describe('the remote-write receiver with --web.enable-remote-write-receiver', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ args: ['--web.enable-remote-write-receiver'] });
  });
  afterAll(() => h.close());

  const write = (body: Uint8Array) =>
    fetch(`${h.url}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
      body,
    });

  it('appends samples with their timestamps (204), queryable at once', async () => {
    const body = compressWriteRequest([
      {
        labels: [
          ['__name__', 'pushed'],
          ['job', 'rw'],
        ],
        samples: [
          { t: T0, v: 1 },
          { t: T0 + 15_000, v: 2 },
        ],
      },
    ]);
    const res = await write(body);
    expect(res.status).toBe(204);
    const { body: q } = await h.json(`/api/v1/query?query=pushed&time=${(T0 + 15_000) / 1000}`);
    expect(q.data).toEqual({
      resultType: 'vector',
      result: [{ metric: { __name__: 'pushed', job: 'rw' }, value: [(T0 + 15_000) / 1000, '2'] }],
    });
  });

  it('a body that is not snappy: 400', async () => {
    const res = await write(new TextEncoder().encode('not snappy at all'));
    expect(res.status).toBe(400);
  });

  it('GET: 405', async () => {
    expect((await h.get('/api/v1/write')).status).toBe(405);
  });
});
