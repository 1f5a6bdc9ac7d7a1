/**
 * Queries beyond the promql-compliance list, over the same data: functions and operators the
 * list does not reach, the version differences worth pinning down (each one also in
 * EXPECTED_DIFFERENCES) and the Pyrometer bugs found while comparing (in KNOWN_BUGS).
 */
export const EXTRA_QUERIES: string[] = [
  // Functions and operators the compliance list does not use.
  'sort(demo_memory_usage_bytes)',
  'sort_desc(demo_memory_usage_bytes)',
  'sgn(demo_memory_usage_bytes - 2e9)',
  'sin(demo_num_cpus)',
  'acosh(demo_num_cpus)',
  'deg(demo_num_cpus)',
  'round(demo_disk_usage_bytes, 1000)',
  'round(-2.5 + 0 * demo_num_cpus)',
  'day_of_year(demo_batch_last_success_timestamp_seconds)',
  'demo_memory_usage_bytes and demo_memory_usage_bytes{type="free"}',
  'demo_memory_usage_bytes or demo_num_cpus',
  'demo_memory_usage_bytes unless on(instance) demo_num_cpus{instance="demo.promlabs.com:10000"}',
  'demo_num_cpus * on(instance) group_right demo_memory_usage_bytes',
  'scalar(demo_num_cpus{instance="demo.promlabs.com:10000"})',
  'scalar(demo_num_cpus)',
  'group by (instance) (demo_memory_usage_bytes)',
  'count_values by (instance) ("v", demo_num_cpus)',
  'quantile by (instance) (0.3, demo_memory_usage_bytes)',
  'demo_memory_usage_bytes @ end()',
  'rate(demo_cpu_usage_seconds_total[5m] @ end())',
  'absent_over_time(demo_intermittent_metric[1m])',
  'present_over_time(demo_intermittent_metric[1m])',
  'changes(demo_intermittent_metric[20m])',
  'timestamp(demo_intermittent_metric)',
  'demo_intermittent_metric offset 7m',
  'histogram_quantile(0.9, sum by (le) (rate(demo_api_request_duration_seconds_bucket[1m])))',
  'rate(demo_api_request_duration_seconds_sum[1m]) / rate(demo_api_request_duration_seconds_count[1m])',
  'max_over_time(demo_disk_usage_bytes[10m:1m])',
  'label_replace(demo_num_cpus, "foo", "${1}x", "instance", "(demo)")',
  'demo_num_cpus{instance=~"(?i)DEMO.*"}',
  // Version differences (EXPECTED_DIFFERENCES).
  'holt_winters(demo_disk_usage_bytes[10m], 0.5, 0.5)',
  'demo_num_cpus atan2 demo_num_cpus',
  'increase(demo_api_request_duration_seconds_bucket{le="+Inf"}[1h])',
  'min_over_time(rate(demo_cpu_usage_seconds_total[1m])[7m:17s])',
  // Pyrometer bugs (KNOWN_BUGS).
  'sum(label_replace(demo_num_cpus, "instance", "same", "", ""))',
  'count(label_join(demo_num_cpus, "instance", "", "job"))',
  'demo_num_cpus / on() 2',
  'demo_num_cpus / ignoring() group_left 2',
];
