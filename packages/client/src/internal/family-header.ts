import { type ExpositionFormat, escapeHelpText, escapeLabelValue } from '@pyrometer/exposition';
import { familyNameOf, type MetricKind } from './validation.ts';

/**
 * The `# HELP` / `# TYPE` (and OpenMetrics `# UNIT`) lines that open a metric family.
 * OpenMetrics names a counter family without its `_total` suffix and escapes quotes in HELP.
 */
export function familyHeader(
  format: ExpositionFormat,
  kind: MetricKind,
  name: string,
  help: string,
  unit: string,
): string {
  if (format === 'text') return `# HELP ${name} ${escapeHelpText(help)}\n# TYPE ${name} ${kind}\n`;
  const family = familyNameOf(name, kind);
  const header = `# HELP ${family} ${escapeLabelValue(help)}\n# TYPE ${family} ${kind}\n`;
  return unit === '' ? header : `${header}# UNIT ${family} ${unit}\n`;
}
