#!/usr/bin/env node
// The `pyrometer` command. It runs the server in this very process (no wrapper process),
// so the PID a supervisor or benchmark sees is the server's. A published package runs its
// build. In the workspace it runs the build too when every package's build is newer than
// its sources (after `pnpm build`); otherwise it runs the TypeScript sources, so a stale build
// never runs: a resolve hook adds the "@pyrometer/source" export condition, as
// `node --conditions=@pyrometer/source` would, so the other workspace packages resolve to
// their src/index.ts too. The build is preferred because type stripping keeps some 30 MiB
// resident for the life of the process.
import { existsSync, readdirSync, statSync } from 'node:fs';
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
if (existsSync(source) && !workspaceBuildIsFresh(new URL('../../', import.meta.url))) {
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

/** Whether every workspace package with sources has a build newer than all of them. */
function workspaceBuildIsFresh(packagesDir) {
  for (const name of readdirSync(packagesDir)) {
    const src = new URL(`${name}/src/`, packagesDir);
    if (!existsSync(src)) continue;
    const built = new URL(`${name}/dist/index.js`, packagesDir);
    if (!existsSync(built)) return false;
    if (newestMtime(src) > statSync(built).mtimeMs) return false;
  }
  return true;
}

function newestMtime(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() || entry.isDirectory()) {
      newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}
