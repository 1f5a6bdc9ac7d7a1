import { LineCounter, parseDocument } from 'yaml';
import { DecodeError } from './error.ts';
import type { DecodeContext } from './yaml-reader.ts';

/**
 * Parses YAML as Prometheus's loader reads it: YAML 1.1 scalars (`yes` is a boolean),
 * merge keys, and duplicate keys left for the strict decoder to report with the type name.
 */
export function documentContext(text: string, file: string, baseDir: string): DecodeContext {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, schema: 'yaml-1.1', uniqueKeys: false, merge: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const at = error.linePos?.[0];
    const reason = `yaml: ${error.message.split('\n')[0]}`;
    throw new DecodeError(reason, at === undefined ? undefined : { file, line: at.line, column: at.col });
  }
  return { file, baseDir, lineCounter, doc };
}
