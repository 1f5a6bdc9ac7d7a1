import { compileAnchoredRegex, isValidName, RegexSyntaxError } from '@pyrometer/model';
import { hasGroupReference } from './expand.ts';

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** A relabel rule as written in prometheus.yml (snake_case keys). */
export interface RelabelConfigInput {
  source_labels?: readonly string[] | null;
  separator?: string | null;
  target_label?: string | null;
  regex?: string | null;
  modulus?: number | null;
  replacement?: string | null;
  action?: string | null;
}

/** A validated rule with Prometheus's defaults filled in and its regex compiled. */
export interface RelabelConfig {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly targetLabel: string;
  /** The regex as written (unanchored); `regexp` is the anchored compiled form. */
  readonly regex: string;
  readonly regexp: RegExp;
  readonly modulus: number;
  readonly replacement: string;
  readonly action: RelabelAction;
}

export const DEFAULT_SEPARATOR = ';';
export const DEFAULT_REGEX = '(.*)';
export const DEFAULT_REPLACEMENT = '$1';

export class RelabelConfigError extends Error {
  override name = 'RelabelConfigError';
}

const KNOWN_KEYS = new Set([
  'source_labels',
  'separator',
  'target_label',
  'regex',
  'modulus',
  'replacement',
  'action',
]);

/**
 * Validates one rule as Prometheus does and fills in its defaults (separator `;`, regex
 * `(.*)`, replacement `$1`, action `replace`). Throws `RelabelConfigError` with
 * Prometheus's wording.
 */
export function compileRelabelConfig(input: RelabelConfigInput): RelabelConfig {
  if (input === null || typeof input !== 'object')
    throw new RelabelConfigError('empty or null relabeling rule');
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) throw new RelabelConfigError(`field ${key} not found in type relabel.plain`);
  }
  if ('action' in input && (input.action === null || input.action === '')) {
    throw new RelabelConfigError('relabel action cannot be empty');
  }
  const actionText = (input.action ?? 'replace').toLowerCase();
  if (!(RELABEL_ACTIONS as readonly string[]).includes(actionText)) {
    throw new RelabelConfigError(`unknown relabel action "${input.action}"`);
  }
  const action = actionText as RelabelAction;
  const sourceLabels = input.source_labels ?? [];
  for (const name of sourceLabels) {
    if (!isValidName(name)) throw new RelabelConfigError(`"${name}" is not a valid label name`);
  }
  const separator = input.separator ?? DEFAULT_SEPARATOR;
  const targetLabel = input.target_label ?? '';
  const regex = input.regex ?? DEFAULT_REGEX;
  const modulus = input.modulus ?? 0;
  const replacement = input.replacement ?? DEFAULT_REPLACEMENT;
  if (!Number.isInteger(modulus) || modulus < 0) {
    throw new RelabelConfigError(`modulus must be a non-negative integer, got ${modulus}`);
  }

  if (action === 'hashmod' && modulus === 0) {
    throw new RelabelConfigError('relabel configuration for hashmod requires non-zero modulus');
  }
  const needsTarget: readonly RelabelAction[] = [
    'replace',
    'hashmod',
    'lowercase',
    'uppercase',
    'keepequal',
    'dropequal',
  ];
  if (needsTarget.includes(action) && targetLabel === '') {
    throw new RelabelConfigError(`relabel configuration for ${action} action requires 'target_label' value`);
  }
  if (
    needsTarget.includes(action) &&
    !isValidName(targetLabel) &&
    !(action === 'replace' && hasGroupReference(targetLabel))
  ) {
    throw new RelabelConfigError(`"${targetLabel}" is invalid 'target_label' for ${action} action`);
  }
  if ((action === 'lowercase' || action === 'uppercase') && replacement !== DEFAULT_REPLACEMENT) {
    throw new RelabelConfigError(`'replacement' can not be set for ${action} action`);
  }
  if (action === 'labelmap' && !isValidName(replacement) && !hasGroupReference(replacement)) {
    throw new RelabelConfigError(`"${replacement}" is invalid 'replacement' for ${action} action`);
  }
  if (
    (action === 'keepequal' || action === 'dropequal') &&
    (regex !== DEFAULT_REGEX ||
      modulus !== 0 ||
      separator !== DEFAULT_SEPARATOR ||
      replacement !== DEFAULT_REPLACEMENT)
  ) {
    throw new RelabelConfigError(
      `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`,
    );
  }
  if (
    (action === 'labeldrop' || action === 'labelkeep') &&
    (input.source_labels != null ||
      targetLabel !== '' ||
      modulus !== 0 ||
      separator !== DEFAULT_SEPARATOR ||
      replacement !== DEFAULT_REPLACEMENT)
  ) {
    throw new RelabelConfigError(`${action} action requires only 'regex', and no other fields`);
  }

  let regexp: RegExp;
  try {
    regexp = compileAnchoredRegex(regex);
  } catch (err) {
    if (err instanceof RegexSyntaxError) throw new RelabelConfigError(err.message);
    throw err;
  }
  return { sourceLabels, separator, targetLabel, regex, regexp, modulus, replacement, action };
}

/** Validates a list of rules; the error names the rule's position. */
export function compileRelabelConfigs(
  inputs: readonly RelabelConfigInput[] | null | undefined,
): RelabelConfig[] {
  return (inputs ?? []).map((input, i) => {
    try {
      return compileRelabelConfig(input);
    } catch (err) {
      if (err instanceof RelabelConfigError && inputs!.length > 1) {
        throw new RelabelConfigError(`relabel rule ${i + 1}: ${err.message}`);
      }
      throw err;
    }
  });
}
