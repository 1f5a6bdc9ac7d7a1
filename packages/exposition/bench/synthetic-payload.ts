/**
 * A synthetic scrape in the text format 0.0.4 with realistic shapes: families of counters,
 * gauges and histograms, 3 to 6 labels a series, values of every common form.
 */
export function syntheticPayload(targetSeries: number): { text: string; samples: number } {
  const lines: string[] = [];
  let samples = 0;
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  const codes = ['200', '201', '400', '404', '500'];
  const buckets = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (let family = 0; samples < targetSeries; family++) {
    const kind = family % 3;
    const name =
      kind === 0
        ? `app_requests_${family}_total`
        : kind === 1
          ? `app_queue_${family}_bytes`
          : `app_latency_${family}_seconds`;
    lines.push(`# HELP ${name} Synthetic family ${family} for the parser benchmark.`);
    lines.push(`# TYPE ${name} ${kind === 0 ? 'counter' : kind === 1 ? 'gauge' : 'histogram'}`);
    for (let s = 0; s < 40 && samples < targetSeries; s++) {
      const job = `job="service-${family % 7}"`;
      const instance = `instance="10.0.${family % 250}.${s % 250}:9100"`;
      if (kind === 0) {
        const labels = `${instance},${job},method="${methods[s % 4]}",code="${codes[s % 5]}",handler="/api/v1/item/${s}"`;
        lines.push(`${name}{${labels}} ${1000 + family * 37 + s * 11}`);
        samples++;
      } else if (kind === 1) {
        const labels = `${instance},${job},queue="q${s}"`;
        lines.push(`${name}{${labels}} ${(family * 1.5 + s * 0.25).toFixed(2)}e+03`);
        samples++;
      } else {
        const labels = `${instance},${job},route="/r/${s % 10}",method="${methods[s % 4]}"`;
        let cumulative = 0;
        for (const le of buckets) {
          cumulative += s % 5;
          lines.push(`${name}_bucket{${labels},le="${le}"} ${cumulative}`);
        }
        lines.push(`${name}_sum{${labels}} ${(cumulative * 0.123456).toFixed(6)}`);
        lines.push(`${name}_count{${labels}} ${cumulative}`);
        samples += buckets.length + 2;
      }
    }
  }
  return { text: `${lines.join('\n')}\n`, samples };
}
