import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every package README opens with a runnable example: run each one as a user would, with
// Node, from inside the package so its imports resolve to the workspace packages.
const root = new URL('..', import.meta.url).pathname;
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'README.md')),
);

function firstTypeScriptBlock(markdown: string): string | undefined {
  return /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
}

describe('README examples', () => {
  it.each(packages)('packages/%s/README.md runs', (pkg) => {
    const dir = join(root, 'packages', pkg);
    expect(existsSync(join(dir, 'README.md')), 'every package has a README').toBe(true);
    const code = firstTypeScriptBlock(readFileSync(join(dir, 'README.md'), 'utf8'));
    expect(code, 'the README has a ```ts example').toBeDefined();
    const file = join(dir, '.readme-example.ts');
    writeFileSync(file, code!);
    try {
      execFileSync(process.execPath, ['--conditions=@pyrometer/source', file], { cwd: dir, timeout: 30_000 });
    } finally {
      rmSync(file, { force: true });
    }
  });
});
