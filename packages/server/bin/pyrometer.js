#!/usr/bin/env node
// The `pyrometer` command. It runs the server in this very process (no wrapper process),
// so the PID a supervisor or benchmark sees is the server's. In the workspace it runs
// the TypeScript source: a resolve hook adds the "@pyrometer/source" export condition,
// as `node --conditions=@pyrometer/source` would, so the other workspace packages resolve
// to their src/index.ts too. A published package runs its build instead.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';

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
