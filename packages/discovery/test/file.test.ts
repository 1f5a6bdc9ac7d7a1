import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFileSdPath, FileDiscoverer } from '../src/file.ts';
import { eventually, runDiscoverer } from './run-until.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pyrometer-filesd-'));
}

describe('FileDiscoverer', () => {
  it('reads JSON and YAML files matching a glob, with __meta_filepath and path:index sources', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify([{ targets: ['a:1'], labels: { team: 'x' } }, { targets: ['b:2'] }]),
    );
    writeFileSync(join(dir, 'b.yml'), '- targets: [c:3]\n  labels:\n    team: y\n');
    writeFileSync(join(dir, 'ignored.txt'), 'not matched');
    const d = new FileDiscoverer({ files: ['*.json', '*.yml'], baseDir: dir });
    const groups = await d.refresh();
    expect(groups.map((g) => g.source)).toEqual([
      `${join(dir, 'a.json')}:0`,
      `${join(dir, 'a.json')}:1`,
      `${join(dir, 'b.yml')}:0`,
    ]);
    expect(groups[0]!.labels.toRecord()).toEqual({ __meta_filepath: join(dir, 'a.json'), team: 'x' });
    expect(groups[2]!.targets.map((t) => t.get('__address__'))).toEqual(['c:3']);
  });

  it('picks up edits through the file watcher, keeps the last good groups of a broken file, drops a deleted one', async () => {
    const dir = tempDir();
    const file = join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify([{ targets: ['a:1'] }, { targets: ['b:2'] }]));
    const errors: string[] = [];
    // A long refresh interval: only the watcher can explain quick updates.
    const run = runDiscoverer(
      new FileDiscoverer({
        files: [join(dir, '*.json')],
        refreshIntervalMs: 600_000,
        onError: (e) => errors.push(e.message),
      }),
    );
    await eventually(() => run.addresses().join() === 'a:1,b:2');
    writeFileSync(file, JSON.stringify([{ targets: ['c:3'] }]));
    await eventually(() => run.addresses().join() === 'c:3');
    writeFileSync(file, '[{"targets": [');
    await eventually(() => errors.length > 0);
    expect(errors[0]).toContain(`error reading file "${file}"`);
    expect(run.addresses()).toEqual(['c:3']);
    rmSync(file);
    await eventually(() => run.addresses().length === 0);
    await run.stop();
  });

  it('rejects paths Prometheus rejects', () => {
    expect(() => checkFileSdPath('targets.txt')).toThrow(
      'path name "targets.txt" is not valid for file discovery',
    );
    expect(() => checkFileSdPath('dir*/x.json')).toThrow('is not valid for file discovery');
    expect(() => checkFileSdPath('/etc/sd/*.yaml')).not.toThrow();
  });
});
