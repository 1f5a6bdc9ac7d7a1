#!/usr/bin/env node
// The `pyrometer` command. It runs the server in this very process (no wrapper process),
// so the PID a supervisor or benchmark sees is the server's. In the workspace it runs
// the TypeScript source: a resolve hook adds the "@pyrometer/source" export condition,
// as `node --conditions=@pyrometer/source` would, so the other workspace packages resolve
// to their src/index.ts too. A published package runs its build instead.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { setFlagsFromString } from 'node:v8';

// Scraping allocates quickly, so V8 would grow the young generation to 64 MiB a semi-space
// (about 128 MiB resident), nearly all of it short-lived garbage of single scrapes. Keeping it
// at its initial size saved some 150 MiB at 100k series on the bench, with no more CPU per
// sample (see the README). This is skipped when node was given a semi-space flag.
const nodeFlags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
if (!/semi[-_]space/.test(nodeFlags)) setFlagsFromString('--semi-space-growth-factor=1');

const source = new URL('../src/cli/main.ts', import.meta.url);
let entry = new URL('../dist/index.js', import.meta.url);
if (existsSync(source)) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const conditions = context.conditions ?? [];
      if (conditions.includes('@pyrometer/source')) return nextResolve(specifier, context);
      return nextResolve(specifier, { ...context, conditions: ['@pyrometer/source', ...conditions] });
    },
  });
  entry = source;
}
const { runCli } = await import(entry.href);
const code = await runCli(process.argv.slice(2));
process.exit(code);
