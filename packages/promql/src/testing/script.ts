import { parseDuration } from '../parser/parser.ts';

/** What an eval expects, from the lines of its body. */
export interface Expectations {
  fail?: { msg?: string; regex?: string };
  warn: { any: boolean; msgs: string[]; regexes: string[]; none: boolean; given: boolean };
  info: { any: boolean; msgs: string[]; regexes: string[]; none: boolean; given: boolean };
  ordered: boolean;
  rangeVector?: { start: number; end: number; step: number };
  string?: string;
  scalar?: string;
  /** Result series lines, unparsed: `<labels> <values>`. */
  series: { text: string; line: number }[];
}

export type Command =
  | { kind: 'clear'; line: number; text: string }
  | {
      kind: 'load';
      line: number;
      text: string;
      step: number;
      nhcb: boolean;
      series: { text: string; line: number }[];
    }
  | {
      kind: 'eval';
      line: number;
      text: string;
      mode: 'instant' | 'range';
      start: number;
      end: number;
      step: number;
      expr: string;
      expect: Expectations;
    };

export class ScriptError extends Error {
  override name = 'ScriptError';
}

function duration(text: string, line: number): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new ScriptError(`line ${line}: invalid duration "${text}"`);
  return ms;
}

const EVAL_INSTANT = /^eval(?:_fail)?\s+instant\s+at\s+(\S+)\s+(.+)$/i;
const EVAL_RANGE = /^eval(?:_fail)?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/i;

function emptyExpectations(): Expectations {
  const annot = () => ({ any: false, msgs: [], regexes: [], none: false, given: false });
  return { warn: annot(), info: annot(), ordered: false, series: [] };
}

/** Reads a PromQL test script (the upstream `.test` language) into commands. */
export function parseScript(source: string): Command[] {
  const lines = source.split('\n').map((l) => l.trim());
  const commands: Command[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    i++;
    if (raw === '' || raw.startsWith('#')) continue;
    const word = raw.split(/\s+/)[0]!.toLowerCase();
    const body: { text: string; line: number }[] = [];
    const readBody = () => {
      while (i < lines.length && lines[i] !== '' && !lines[i]!.startsWith('#')) {
        body.push({ text: lines[i]!, line: i + 1 });
        i++;
      }
    };
    if (word === 'clear') {
      commands.push({ kind: 'clear', line: lineNo, text: raw });
    } else if (word.startsWith('load')) {
      const m = /^(load(?:_with_nhcb)?)\s+(\S+)$/i.exec(raw);
      if (m === null) throw new ScriptError(`line ${lineNo}: invalid load command "${raw}"`);
      readBody();
      commands.push({
        kind: 'load',
        line: lineNo,
        text: raw,
        step: duration(m[2]!, lineNo),
        nhcb: m[1]!.toLowerCase() === 'load_with_nhcb',
        series: body,
      });
    } else if (word.startsWith('eval')) {
      readBody();
      const expect = parseExpectations(body, lineNo);
      if (word === 'eval_fail') expect.fail ??= {};
      let m = EVAL_INSTANT.exec(raw);
      if (m !== null) {
        const t = duration(m[1]!, lineNo);
        commands.push({
          kind: 'eval',
          line: lineNo,
          text: raw,
          mode: 'instant',
          start: t,
          end: t,
          step: 0,
          expr: m[2]!,
          expect,
        });
        continue;
      }
      m = EVAL_RANGE.exec(raw);
      if (m === null) throw new ScriptError(`line ${lineNo}: invalid eval command "${raw}"`);
      commands.push({
        kind: 'eval',
        line: lineNo,
        text: raw,
        mode: 'range',
        start: duration(m[1]!, lineNo),
        end: duration(m[2]!, lineNo),
        step: duration(m[3]!, lineNo),
        expr: m[4]!,
        expect,
      });
    } else {
      throw new ScriptError(`line ${lineNo}: unknown command "${raw}"`);
    }
  }
  return commands;
}

function parseExpectations(body: { text: string; line: number }[], evalLine: number): Expectations {
  const e = emptyExpectations();
  for (const { text, line } of body) {
    const m = /^expect\s+(\S+)(.*)$/.exec(text);
    if (m === null) {
      if (/^[+-]?(?:\d|\.\d|inf|nan)/i.test(text) && !/\s/.test(text)) e.scalar = text;
      else e.series.push({ text, line });
      continue;
    }
    const kind = m[1]!;
    const rest = m[2]!.trim();
    const detail = /^(msg|regex):\s*(.*)$/.exec(rest);
    switch (kind) {
      case 'fail':
        e.fail =
          detail === null
            ? {}
            : detail[1] === 'msg'
              ? { msg: detail[2]!.trim() }
              : { regex: detail[2]!.trim() };
        break;
      case 'warn':
      case 'info': {
        const a = e[kind];
        a.given = true;
        if (detail === null) a.any = true;
        else if (detail[1] === 'msg') a.msgs.push(detail[2]!.trim());
        else a.regexes.push(detail[2]!.trim());
        break;
      }
      case 'no_warn':
        e.warn.none = true;
        break;
      case 'no_info':
        e.info.none = true;
        break;
      case 'ordered':
        e.ordered = true;
        break;
      case 'range': {
        const r = /^vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/.exec(rest);
        if (r === null) throw new ScriptError(`line ${line}: invalid "expect range vector"`);
        e.rangeVector = {
          start: duration(r[1]!, line),
          end: duration(r[2]!, line),
          step: duration(r[3]!, line),
        };
        break;
      }
      case 'string': {
        if (!/^(["`]).*\1$/.test(rest)) throw new ScriptError(`line ${line}: invalid "expect string"`);
        e.string = rest;
        break;
      }
      default:
        throw new ScriptError(`line ${line}: unknown expectation "${text}" in eval at line ${evalLine}`);
    }
  }
  return e;
}
