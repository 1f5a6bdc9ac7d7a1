import { compileAnchoredRegex, isLegacyLabelName, RegexSyntaxError } from '@pyrometer/model';
import {
  compileRelabelConfig,
  type RelabelConfig,
  RelabelConfigError,
  type RelabelConfigInput,
} from '@pyrometer/relabel';
import type { Node } from 'yaml';
import { int, text, textList } from './kinds.ts';
import { fail, Mapping, sequenceItems } from './yaml-reader.ts';

const RULE_KEYS = ['source_labels', 'separator', 'target_label', 'regex', 'modulus', 'replacement', 'action'];

/**
 * Reads a list of relabel rules and compiles them with the relabel package, which words
 * errors as Prometheus does. `nullRule` is Prometheus's message for an empty list item,
 * which differs by section ("empty or null target relabeling rule", ...).
 */
export function readRelabelRules(m: Mapping, key: string, nullRule: string): RelabelConfig[] {
  const node = m.value(key);
  if (node === null) return [];
  return sequenceItems(m.ctx, node, '[]*relabel.Config').map((item) => {
    if (item === null) fail(m.ctx, node, nullRule);
    return compileRule(new Mapping(m.ctx, item, 'relabel.plain', RULE_KEYS), item);
  });
}

function compileRule(rule: Mapping, node: Node): RelabelConfig {
  const input: RelabelConfigInput = {};
  const sourceLabels = rule.get('source_labels', textList);
  if (sourceLabels !== undefined) input.source_labels = sourceLabels;
  for (const key of ['separator', 'target_label', 'replacement'] as const) {
    const value = rule.get(key, text);
    if (value !== undefined) input[key] = value;
  }
  const modulus = rule.get('modulus', int);
  if (modulus !== undefined) input.modulus = modulus;
  // Go's decoder sets an explicit null to the zero value: an empty regex, an empty action.
  if (rule.has('regex')) {
    input.regex = rule.get('regex', text, '');
    // Prometheus compiles the regex while decoding, before it checks the rule as a whole,
    // so a bad regex is the error reported even when other fields are also wrong.
    try {
      compileAnchoredRegex(input.regex);
    } catch (err) {
      if (err instanceof RegexSyntaxError) rule.fail('regex', err.message);
      throw err;
    }
  }
  if (rule.has('action')) input.action = rule.get('action', text, '');
  try {
    return compileRelabelConfig(input);
  } catch (err) {
    if (err instanceof RelabelConfigError) fail(rule.ctx, node, err.message);
    throw err;
  }
}

const WRITES_TARGET = new Set(['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);

/**
 * With legacy name validation a job's rules may only write legacy label names, as
 * Prometheus checks them against the job's scheme; a `replace` target holding a `$`
 * reference is only known once expanded.
 */
export function checkLegacyTargetLabels(m: Mapping, key: string, rules: readonly RelabelConfig[]): void {
  for (const rule of rules) {
    if (!WRITES_TARGET.has(rule.action) || isLegacyLabelName(rule.targetLabel)) continue;
    if (rule.action === 'replace' && rule.targetLabel.includes('$')) continue;
    m.fail(key, `${JSON.stringify(rule.targetLabel)} is invalid 'target_label' for ${rule.action} action`);
  }
}
