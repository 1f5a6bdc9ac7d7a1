/** Escapes a HELP text for the classic text format: backslash and newline. */
export function escapeHelpText(help: string): string {
  if (!/[\\\n]/.test(help)) return help;
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/**
 * Escapes a label value (both formats) or an OpenMetrics HELP text: backslash, double quote
 * and newline.
 */
export function escapeLabelValue(value: string): string {
  if (!/[\\\n"]/.test(value)) return value;
  return value.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
