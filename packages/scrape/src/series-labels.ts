import { type Labels, LabelsBuilder } from '@pyrometer/model';
import { type RelabelConfig, relabel } from '@pyrometer/relabel';
import type { ScrapeConfig } from './config.ts';

/** Fails the whole scrape, as Prometheus's label limits do. */
export class LabelLimitError extends Error {
  override name = 'LabelLimitError';
}

/**
 * A scraped series' final labels: the target's labels attached (with `honor_labels`, the
 * exposed ones win; otherwise the target's win and clashing exposed labels are kept as
 * `exported_<name>`), then `metric_relabel_configs`. Undefined when relabeling drops it.
 */
export function seriesLabels(scraped: Labels, target: Labels, config: ScrapeConfig): Labels | undefined {
  const b = new LabelsBuilder(scraped);
  if (config.honorLabels) {
    target.forEach((name, value) => {
      if (!scraped.has(name)) b.set(name, value);
    });
  } else {
    const clashes: [string, string][] = [];
    target.forEach((name, value) => {
      const exposed = scraped.get(name);
      if (exposed !== '') clashes.push([name, exposed]);
      b.set(name, value);
    });
    for (const [name, value] of clashes) {
      let renamed = `exported_${name}`;
      while (b.get(renamed) !== '') renamed = `exported_${renamed}`;
      b.set(renamed, value);
    }
  }
  return applyMetricRelabel(b.labels(), config.metricRelabelConfigs);
}

function applyMetricRelabel(labels: Labels, rules: readonly RelabelConfig[]): Labels | undefined {
  return rules.length === 0 ? labels : relabel(labels, rules);
}

/** Checks `label_limit`, `label_name_length_limit` and `label_value_length_limit`. */
export function checkLabelLimits(labels: Labels, config: ScrapeConfig): void {
  const metric = labels.metricName.slice(0, 50);
  if (config.labelLimit > 0 && labels.size > config.labelLimit) {
    throw new LabelLimitError(
      `label_limit exceeded (metric: ${metric}, number of labels: ${labels.size}, limit: ${config.labelLimit})`,
    );
  }
  if (config.labelNameLengthLimit === 0 && config.labelValueLengthLimit === 0) return;
  // Lengths in bytes of UTF-8, as Prometheus counts them.
  labels.forEach((name, value) => {
    const nameLength = Buffer.byteLength(name);
    const valueLength = Buffer.byteLength(value);
    if (config.labelNameLengthLimit > 0 && nameLength > config.labelNameLengthLimit) {
      throw new LabelLimitError(
        `label_name_length_limit exceeded (metric: ${metric}, label name: ${name.slice(0, 50)}, length: ${nameLength}, limit: ${config.labelNameLengthLimit})`,
      );
    }
    if (config.labelValueLengthLimit > 0 && valueLength > config.labelValueLengthLimit) {
      throw new LabelLimitError(
        `label_value_length_limit exceeded (metric: ${metric}, label name: ${name.slice(0, 50)}, value: ${JSON.stringify(value.slice(0, 50))}, length: ${valueLength}, limit: ${config.labelValueLengthLimit})`,
      );
    }
  });
}
