import { createHash } from 'node:crypto';
import { isValidName, type Labels, LabelsBuilder } from '@pyrometer/model';
import type { RelabelConfig } from './config.ts';
import { expandTemplate } from './expand.ts';

/**
 * Applies `configs` in order to a label set. Returns the new label set, or undefined when a
 * `keep`/`drop`-style rule dropped it.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | undefined {
  if (configs.length === 0) return labels;
  const builder = new LabelsBuilder(labels);
  return relabelBuilder(builder, configs) ? builder.labels() : undefined;
}

/** Applies `configs` to a builder in place; false when the target or series is dropped. */
export function relabelBuilder(builder: LabelsBuilder, configs: readonly RelabelConfig[]): boolean {
  for (const config of configs) {
    if (!applyRule(builder, config)) return false;
  }
  return true;
}

function sourceValue(builder: LabelsBuilder, config: RelabelConfig): string {
  const names = config.sourceLabels;
  if (names.length === 1) return builder.get(names[0]!);
  let value = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) value += config.separator;
    value += builder.get(names[i]!);
  }
  return value;
}

function applyRule(builder: LabelsBuilder, config: RelabelConfig): boolean {
  const re = config.regexp;
  switch (config.action) {
    case 'drop':
      return !re.test(sourceValue(builder, config));
    case 'keep':
      return re.test(sourceValue(builder, config));
    case 'dropequal':
      return sourceValue(builder, config) !== builder.get(config.targetLabel);
    case 'keepequal':
      return sourceValue(builder, config) === builder.get(config.targetLabel);
    case 'replace': {
      const value = sourceValue(builder, config);
      const match = re.exec(value);
      if (match === null) return true;
      const target = expandTemplate(config.targetLabel, match);
      if (!isValidName(target)) return true;
      builder.set(target, expandTemplate(config.replacement, match));
      return true;
    }
    case 'lowercase':
      builder.set(config.targetLabel, sourceValue(builder, config).toLowerCase());
      return true;
    case 'uppercase':
      builder.set(config.targetLabel, sourceValue(builder, config).toUpperCase());
      return true;
    case 'hashmod':
      builder.set(config.targetLabel, String(hashmod(sourceValue(builder, config), config.modulus)));
      return true;
    case 'labelmap': {
      const renamed: [string, string][] = [];
      builder.forEach((name, value) => {
        const match = re.exec(name);
        if (match !== null) renamed.push([expandTemplate(config.replacement, match), value]);
      });
      for (const [name, value] of renamed) builder.set(name, value);
      return true;
    }
    case 'labeldrop':
    case 'labelkeep': {
      const doomed: string[] = [];
      const dropMatching = config.action === 'labeldrop';
      builder.forEach((name) => {
        if (re.test(name) === dropMatching) doomed.push(name);
      });
      builder.delete(...doomed);
      return true;
    }
  }
}

/**
 * The bucket Prometheus's hashmod gives: the MD5 of the value, its last 8 bytes read as a
 * big-endian unsigned 64-bit integer, modulo `modulus`.
 */
export function hashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value).digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}
