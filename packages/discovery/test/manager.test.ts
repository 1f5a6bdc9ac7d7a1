import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDiscoverer } from '../src/file.ts';
import { DiscoveryManager, type TargetSets } from '../src/manager.ts';
import { StaticDiscoverer, staticTargetGroups } from '../src/static.ts';
import { eventually } from './run-until.ts';

function addresses(sets: TargetSets, job: string): string[] {
  return (sets.get(job) ?? []).flatMap((g) => g.targets.map((t) => t.get('__address__'))).sort();
}

const staticJob = (targets: string[]) => ({
  key: `static:${targets.join()}`,
  create: () => new StaticDiscoverer(staticTargetGroups([{ targets }])),
});

describe('DiscoveryManager', () => {
  it('merges providers per job and notifies subscribers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-dm-'));
    writeFileSync(join(dir, 't.json'), JSON.stringify([{ targets: ['f:1'] }]));
    const m = new DiscoveryManager({ updateIntervalMs: 20 });
    const seen: TargetSets[] = [];
    m.subscribe((t) => seen.push(t));
    m.applyConfig({
      api: [
        staticJob(['s:1', 's:2']),
        { key: 'file', create: () => new FileDiscoverer({ files: [join(dir, '*.json')] }) },
      ],
      db: [staticJob(['d:1'])],
    });
    await eventually(() => addresses(seen.at(-1) ?? new Map(), 'api').length === 3);
    expect(addresses(seen.at(-1)!, 'api')).toEqual(['f:1', 's:1', 's:2']);
    expect(addresses(seen.at(-1)!, 'db')).toEqual(['d:1']);
    await m.stop();
  });

  it('throttles notifications to the update interval', async () => {
    const m = new DiscoveryManager({ updateIntervalMs: 300 });
    let calls = 0;
    m.subscribe(() => calls++);
    m.applyConfig({ a: [staticJob(['a:1'])] });
    await eventually(() => calls === 1);
    m.applyConfig({ a: [staticJob(['a:2'])] });
    m.applyConfig({ a: [staticJob(['a:3'])] });
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(1);
    await eventually(() => calls === 2);
    expect(addresses(m.targets(), 'a')).toEqual(['a:3']);
    await m.stop();
  });

  it('keeps an unchanged provider running across applyConfig and drops removed jobs', async () => {
    const m = new DiscoveryManager({ updateIntervalMs: 10 });
    let created = 0;
    const counted = {
      key: 'same',
      create: () => {
        created++;
        return new StaticDiscoverer(staticTargetGroups([{ targets: ['k:1'] }]));
      },
    };
    m.applyConfig({ keep: [counted], gone: [staticJob(['g:1'])] });
    await eventually(() => addresses(m.targets(), 'keep').length === 1);
    m.applyConfig({ keep: [counted] });
    expect(created).toBe(1);
    expect(addresses(m.targets(), 'keep')).toEqual(['k:1']);
    expect(m.targets().has('gone')).toBe(false);
    await m.stop();
  });

  it('reports a provider that cannot be built and runs the others', async () => {
    const errors: string[] = [];
    const m = new DiscoveryManager({
      updateIntervalMs: 10,
      onError: (job, e) => errors.push(`${job}: ${e.message}`),
    });
    m.applyConfig({
      job: [{ key: 'bad', create: () => new FileDiscoverer({ files: ['x.txt'] }) }, staticJob(['ok:1'])],
    });
    await eventually(() => addresses(m.targets(), 'job').length === 1);
    expect(errors).toEqual(['job: path name "x.txt" is not valid for file discovery']);
    await m.stop();
  });
});
