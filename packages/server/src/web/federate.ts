import type { ServerResponse } from 'node:http';
import { escapeLabelValue } from '@pyrometer/exposition';
import { isStaleNaN, type Labels, LabelsBuilder, ValueType } from '@pyrometer/model';
import type { ApiContext } from './api-context.ts';
import { formatValue } from './query-json.ts';
import type { RequestParams } from './request-params.ts';
import { matcherSets } from './series-api.ts';

/**
 * `GET /federate?match[]=...`: the latest sample (within the lookback delta) of every
 * matching series in the text format, with the external labels added, as Prometheus does.
 */
export async function federate(ctx: ApiContext, params: RequestParams, res: ServerResponse): Promise<void> {
  const sets = matcherSets(ctx, params);
  const now = Date.now();
  const mint = now - ctx.flags.lookbackDeltaMs;
  const external = Object.entries(ctx.config().config.global.externalLabels);
  const latest = new Map<string, { labels: Labels; t: number; v: number }>();
  const querier = await ctx.storage.querier(mint, now);
  try {
    for (const matchers of sets) {
      const set = await querier.select(false, { start: mint, end: now, func: 'series' }, ...matchers);
      while (set.next()) {
        const series = set.at();
        const it = series.iterator();
        let t = Number.NaN;
        let v = Number.NaN;
        let kind: ValueType = it.seek(mint);
        while (kind !== ValueType.None) {
          if (kind === ValueType.Float) {
            t = it.t();
            v = it.value();
          }
          kind = it.next();
        }
        if (Number.isNaN(t) || isStaleNaN(v)) continue;
        const b = new LabelsBuilder(series.labels);
        for (const [name, value] of external) if (series.labels.get(name) === '') b.set(name, value);
        const labels = b.labels();
        latest.set(labels.toString(), { labels, t, v });
      }
    }
  } finally {
    querier.close();
  }
  const byName = new Map<string, string[]>();
  for (const { labels, t, v } of [...latest.values()].sort((a, b) =>
    a.labels.toString() < b.labels.toString() ? -1 : 1,
  )) {
    const name = labels.get('__name__');
    const pairs: string[] = [];
    labels.forEach((n, value) => {
      if (n !== '__name__') pairs.push(`${n}="${escapeLabelValue(value)}"`);
    });
    const lines = byName.get(name) ?? [];
    lines.push(`${name}{${pairs.join(',')}} ${formatValue(v)} ${t}`);
    byName.set(name, lines);
  }
  let body = '';
  for (const name of [...byName.keys()].sort())
    body += `# TYPE ${name} untyped\n${byName.get(name)!.join('\n')}\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(body);
}
