import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeLabelName } from '../../src/web/series-api.ts';
import { type Harness, loadDemoData, startHarness, T0 } from '../server-harness.ts';

describe('series, labels and label values', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ args: ['--web.max-match-params=3'] });
    await loadDemoData(h.memory);
  });
  afterAll(() => h.close());

  it('/api/v1/series: the union of every match[], sorted', async () => {
    const { status, body } = await h.json('/api/v1/series?match[]=up&match[]=temperature_celsius');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'success',
      data: [
        { __name__: 'temperature_celsius', instance: 'c:1', job: 'sensors', room: 'lab' },
        { __name__: 'up', instance: 'a:9100', job: 'api' },
        { __name__: 'up', instance: 'b:9100', job: 'api' },
      ],
    });
  });

  it('/api/v1/series: POST, time range and limit', async () => {
    const res = await h.post('/api/v1/series', {
      'match[]': '{job="api"}',
      start: String(T0 / 1000),
      end: String(T0 / 1000 + 60),
      limit: '2',
    });
    const body = (await res.json()) as { data: unknown[]; warnings: string[] };
    expect(body.data).toHaveLength(2);
    expect(body.warnings).toEqual(['results truncated due to limit']);
    const later = await h.json(`/api/v1/series?match[]=up&start=${T0 / 1000 + 3600}`);
    expect(later.body.data).toEqual([]);
  });

  it.each([
    ['/api/v1/series', 'no match[] parameter provided'],
    ['/api/v1/series?match[]=up(', '1:1: parse error: unknown function with name "up"'],
    ['/api/v1/series?match[]=up&start=x', 'invalid parameter "start": cannot parse "x" to a valid timestamp'],
    [
      '/api/v1/series?match[]=up&limit=x',
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    ],
    ['/api/v1/series?match[]=up&limit=-1', 'invalid parameter "limit": limit must be non-negative'],
    ['/api/v1/series?match[]=sum(up)', '1:1: parse error: expected a series selector, got "sum(up)"'],
    [
      '/api/v1/series?match[]=a&match[]=b&match[]=c&match[]=d',
      'invalid parameter "match[]": 4 match[] parameters, more than the limit of 3',
    ],
    ['/api/v1/label/U__a_zz/values', 'invalid label name: "U__a_zz"'],
  ])('%s → 400', async (path, error) => {
    const { status, body } = await h.json(path);
    expect(status).toBe(400);
    expect(body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('/api/v1/labels', async () => {
    expect((await h.json('/api/v1/labels')).body.data).toEqual([
      '__name__',
      'code',
      'instance',
      'job',
      'room',
    ]);
    expect((await h.json('/api/v1/labels?match[]=up')).body.data).toEqual(['__name__', 'instance', 'job']);
    const limited = await h.json('/api/v1/labels?limit=2');
    expect(limited.body).toEqual({
      status: 'success',
      data: ['__name__', 'code'],
      warnings: ['results truncated due to limit'],
    });
  });

  it('/api/v1/label/<name>/values', async () => {
    expect((await h.json('/api/v1/label/__name__/values')).body.data).toEqual([
      'http_requests_total',
      'temperature_celsius',
      'up',
    ]);
    expect((await h.json('/api/v1/label/job/values?match[]=temperature_celsius')).body.data).toEqual([
      'sensors',
    ]);
    expect((await h.json('/api/v1/label/instance/values?limit=1')).body.warnings).toEqual([
      'results truncated due to limit',
    ]);
    expect((await h.json('/api/v1/label/nothing/values')).body.data).toEqual([]);
    expect((await h.json('/api/v1/label/U__r_6f_om/values')).body.data).toEqual(['lab']);
  });

  it('label values is GET only', async () => {
    const res = await h.post('/api/v1/label/job/values', {});
    expect(res.status).toBe(405);
  });
});

describe('unescapeLabelName', () => {
  it.each([
    ['job', 'job'],
    ['U__http_2e_status__code', 'http.status_code'],
    ['U__a_1F600_', 'a😀'],
    ['U__bad_', undefined],
  ])('%s', (raw, name) => {
    expect(unescapeLabelName(raw)).toBe(name);
  });
});
