import type { Node } from 'yaml';
import { int } from './kinds.ts';
import { type DecodeContext, Mapping } from './yaml-reader.ts';

/** `runtime`: Go garbage-collector tuning. Node has no equivalent; it is kept for the status page. */
export interface RuntimeConfig {
  gogc: number;
}

export function readRuntime(node: Node | null, ctx: DecodeContext): RuntimeConfig {
  const m = new Mapping(ctx, node, 'config.RuntimeConfig', ['gogc']);
  return { gogc: m.get('gogc', int, 75) };
}
