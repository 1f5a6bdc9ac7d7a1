/**
 * Where Pyrometer (which follows Prometheus 3) and Debian's Prometheus 2.42 are expected to
 * answer differently, each with its reason. A query matches an entry when it equals `query`
 * (a string) or matches it (a RegExp); `mode` limits the entry to range or instant queries.
 */
export interface ExpectedDifference {
  query: string | RegExp;
  mode?: 'range' | 'instant';
  reason: string;
  /**
   * A query that Prometheus 2.42 answers exactly as Pyrometer answers the original one, when
   * the difference can be expressed in 2.42's PromQL. The test asserts that equality, so the
   * difference is pinned down to its stated reason and nothing else.
   */
  prometheusEquivalent?: string;
}

export const EXPECTED_DIFFERENCES: ExpectedDifference[] = [
  {
    query: 'avg_over_time(rate(demo_cpu_usage_seconds_total[1m])[2m:10s])',
    reason:
      'Prometheus 3.0 made range windows left-open, subqueries included: `[2m:10s]` evaluated at t ' +
      'takes the inner points in (t-2m, t], while 2.42 also takes the point at t-2m. The subquery ' +
      'points sit on multiples of 10 s and the query grid on multiples of 60 s, so the left edge is ' +
      'always a subquery point (the +1.234 s sample phase cannot move it). 2.42 over `[119s:10s]` ' +
      'selects the same points as 3.x over `[2m:10s]`.',
    prometheusEquivalent: 'avg_over_time(rate(demo_cpu_usage_seconds_total[1m])[119s:10s])',
  },
  {
    query: 'min_over_time(rate(demo_cpu_usage_seconds_total[1m])[7m:17s])',
    reason:
      '(extra query) the same left-open subquery window: at the steps where t-7m is a multiple of ' +
      '17 s (about one step in 17, so the instant query differs on some runs only), 2.42 takes one ' +
      'more subquery point. 2.42 over `[419s:17s]` selects the same points.',
    prometheusEquivalent: 'min_over_time(rate(demo_cpu_usage_seconds_total[1m])[419s:17s])',
  },
  {
    query: 'holt_winters(demo_disk_usage_bytes[10m], 0.5, 0.5)',
    reason:
      '(extra query) Prometheus 3.0 renamed holt_winters to double_exponential_smoothing, an ' +
      'experimental function behind --enable-feature=promql-experimental-functions; holt_winters ' +
      'is an unknown function (bad_data) in 3.x and in Pyrometer.',
  },
  {
    query: 'demo_num_cpus atan2 demo_num_cpus',
    reason:
      '(extra query) Prometheus 2.46 (prometheus/prometheus#12595) made the atan2 operator drop the ' +
      'metric name like the other arithmetic operators; 2.42 keeps __name__.',
    prometheusEquivalent: 'label_replace(demo_num_cpus atan2 demo_num_cpus, "__name__", "", "", "")',
  },
  {
    query: 'increase(demo_api_request_duration_seconds_bucket{le="+Inf"}[1h])',
    mode: 'range',
    reason:
      '(extra query) Prometheus 2.51 (prometheus/prometheus#13725) fixed the limit on extrapolating ' +
      'a counter below zero in rate/increase/delta: the zero point now only shortens the ' +
      'extrapolation the 1.1-interval rule chose, where 2.42 let it replace a "half an interval" ' +
      'choice. It shows at the start of the data, where a window holds the first samples of a ' +
      'counter that starts small (here the first two steps).',
  },
  {
    query: 'label_replace(demo_num_cpus, "~invalid", "", "src", "(.*)")',
    reason:
      'Prometheus 3.0 accepts any UTF-8 label name (name validation scheme UTF-8 by default), so ' +
      '"~invalid" is a valid destination; 2.42 allows only [a-zA-Z_][a-zA-Z0-9_]* and fails with ' +
      '"invalid destination label name". The compliance list (written for 2.x) marks it should_fail. ' +
      'Here the label is set to "" (src is absent), i.e. not added, so the answer is the input.',
    prometheusEquivalent: 'demo_num_cpus',
  },
  {
    query: 'label_join(demo_num_cpus, "~invalid", "-", "instance")',
    reason:
      'Prometheus 3.0 accepts any UTF-8 label name, so "~invalid" is a valid destination and the ' +
      'series get a "~invalid" label holding the instance; 2.42 fails with "invalid destination label ' +
      'name in label_join()". The compliance list (written for 2.x) marks it should_fail.',
  },
];

/**
 * Differences caused by Pyrometer bugs, not by a version change. They are reported (printed)
 * on every run and not asserted, until fixed; each names the bug.
 */
// Pyrometer bugs this test found, kept here while they are open: each listed difference is
// reported on every run, not asserted. (label_replace/label_join collisions under an
// aggregation and empty on()/ignoring() beside a scalar were found here and fixed.)
export const KNOWN_BUGS: ExpectedDifference[] = [];

export function findEntry(
  list: readonly ExpectedDifference[],
  query: string,
  mode: 'range' | 'instant',
): ExpectedDifference | undefined {
  return list.find(
    (e) =>
      (e.mode === undefined || e.mode === mode) &&
      (typeof e.query === 'string' ? e.query === query : e.query.test(query)),
  );
}
