/**
 * `pnpm bench [filter]`: runs every package's benchmarks (packages/<name>/bench/*.bench.ts),
 * one process each so they do not disturb each other, and prints their tables.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2];
const files: string[] = [];
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.bench.ts') && (filter === undefined || `${pkg}/${file}`.includes(filter))) {
      files.push(join(dir, file));
    }
  }
}

console.log(`# Pyrometer benchmarks (node ${process.version}, ${new Date().toISOString()})`);
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file.slice(root.length)}`);
  const result = spawnSync(process.execPath, ['--conditions=@pyrometer/source', '--expose-gc', file], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.status !== 0) {
    failed++;
    console.log(`\n(${file} exited with ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
