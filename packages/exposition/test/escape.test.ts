import { describe, expect, it } from 'vitest';
import { escapeHelpText, escapeLabelValue } from '../src/index.ts';

describe('escaping', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['a\\b', 'a\\\\b', 'a\\\\b'],
    ['line\nbreak', 'line\\nbreak', 'line\\nbreak'],
    ['"quoted"', '"quoted"', '\\"quoted\\"'],
  ])('%j → HELP %j, label value %j', (raw, help, label) => {
    expect(escapeHelpText(raw)).toBe(help);
    expect(escapeLabelValue(raw)).toBe(label);
  });
});
