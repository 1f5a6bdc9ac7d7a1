import type { Node } from 'yaml';
import type { NameValidationScheme } from './global.ts';
import { bool, oneOf, textList } from './kinds.ts';
import { type DecodeContext, Mapping } from './yaml-reader.ts';

export type OtlpTranslationStrategy =
  | 'UnderscoreEscapingWithSuffixes'
  | 'UnderscoreEscapingWithoutSuffixes'
  | 'NoUTF8EscapingWithSuffixes'
  | 'NoTranslation';

/** `otlp`: how the OTLP receiver turns OpenTelemetry metrics into series. */
export interface OtlpConfig {
  promoteAllResourceAttributes: boolean;
  promoteResourceAttributes: string[];
  ignoreResourceAttributes: string[];
  translationStrategy: OtlpTranslationStrategy;
  keepIdentifyingResourceAttributes: boolean;
  convertHistogramsToNhcb: boolean;
  promoteScopeMetadata: boolean;
  labelNameUnderscoreSanitization: boolean;
  labelNamePreserveMultipleUnderscores: boolean;
}

const STRATEGIES: readonly OtlpTranslationStrategy[] = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

// Strategies that keep names as OpenTelemetry wrote them, which legacy validation refuses.
const UTF8_STRATEGIES: readonly OtlpTranslationStrategy[] = ['NoUTF8EscapingWithSuffixes', 'NoTranslation'];

const strategy = oneOf(STRATEGIES, (v) => `unsupported OTLP translation strategy ${JSON.stringify(v)}`);

const OTLP_KEYS = [
  'promote_all_resource_attributes',
  'promote_resource_attributes',
  'ignore_resource_attributes',
  'translation_strategy',
  'keep_identifying_resource_attributes',
  'convert_histograms_to_nhcb',
  'promote_scope_metadata',
  'label_name_underscore_sanitization',
  'label_name_preserve_multiple_underscores',
];

/**
 * Trims attribute names and reports every empty or repeated one at once, as Prometheus
 * does (`what` is "promoted" or "ignored").
 */
function sanitizeAttributes(m: Mapping, key: string, what: string): string[] {
  const names = m.get(key, textList, []).map((name) => name.trim());
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') problems.push(`empty ${what} OTel resource attribute`);
    else if (seen.has(name))
      problems.push(`duplicated ${what} OTel resource attribute ${JSON.stringify(name)}`);
    seen.add(name);
  }
  if (problems.length > 0) m.fail(key, `invalid '${key}': ${problems.join('; ')}`);
  return names;
}

export function readOtlp(
  node: Node | null,
  ctx: DecodeContext,
  validation: NameValidationScheme,
): OtlpConfig {
  const m = new Mapping(ctx, node, 'config.OTLPConfig', OTLP_KEYS);
  const promoteAll = m.get('promote_all_resource_attributes', bool, false);
  const written = (key: string) => m.get(key, textList, []).length > 0;
  if (promoteAll && written('promote_resource_attributes')) {
    m.fail(
      'promote_resource_attributes',
      "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously",
    );
  }
  if (written('ignore_resource_attributes') && !promoteAll) {
    m.fail(
      'ignore_resource_attributes',
      "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true",
    );
  }
  const promote = sanitizeAttributes(m, 'promote_resource_attributes', 'promoted');
  const ignore = sanitizeAttributes(m, 'ignore_resource_attributes', 'ignored');
  const translationStrategy = m.get('translation_strategy', strategy, 'UnderscoreEscapingWithSuffixes');
  if (validation === 'legacy' && UTF8_STRATEGIES.includes(translationStrategy)) {
    m.fail(
      'translation_strategy',
      `OTLP translation strategy ${JSON.stringify(translationStrategy)} is not allowed when UTF8 is disabled`,
    );
  }
  return {
    promoteAllResourceAttributes: promoteAll,
    promoteResourceAttributes: promote,
    ignoreResourceAttributes: ignore,
    translationStrategy,
    keepIdentifyingResourceAttributes: m.get('keep_identifying_resource_attributes', bool, false),
    convertHistogramsToNhcb: m.get('convert_histograms_to_nhcb', bool, false),
    promoteScopeMetadata: m.get('promote_scope_metadata', bool, false),
    labelNameUnderscoreSanitization: m.get('label_name_underscore_sanitization', bool, true),
    labelNamePreserveMultipleUnderscores: m.get('label_name_preserve_multiple_underscores', bool, true),
  };
}
