import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { TargetGroup } from '@pyrometer/model';
import { parse as parseYaml } from 'yaml';
import { type Discoverer, type DiscoveryErrorHandler, sleep } from './discoverer.ts';
import { removedSources, targetGroupsFromDocument, withGroupLabels } from './target-group-document.ts';

export interface FileDiscovererOptions {
  /** Paths or globs (`*`, `?`, `[...]` in the last path element) of .json, .yml or .yaml files. */
  files: string[];
  refreshIntervalMs?: number;
  /** Directory relative paths resolve against (the configuration file's). */
  baseDir?: string;
  onError?: DiscoveryErrorHandler;
}

const FILE_PATTERN = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

/** Checks a `file_sd_configs` path as Prometheus does. */
export function checkFileSdPath(path: string): void {
  if (!FILE_PATTERN.test(path)) throw new Error(`path name "${path}" is not valid for file discovery`);
}

/**
 * `file_sd_configs`: target groups from JSON or YAML files, re-read when a watched directory
 * changes and every refresh interval (5m by default). Each group gets `__meta_filepath`;
 * sources are `path:index`. A file that cannot be read or parsed keeps its last good groups;
 * a file that disappears takes its groups with it.
 */
export class FileDiscoverer implements Discoverer {
  readonly patterns: string[];
  readonly refreshIntervalMs: number;
  readonly #onError: DiscoveryErrorHandler;
  // Sources each file contributed in the last update.
  readonly #sourcesByFile = new Map<string, string[]>();

  constructor(options: FileDiscovererOptions) {
    for (const f of options.files) checkFileSdPath(f);
    const base = options.baseDir ?? '.';
    this.patterns = options.files.map((f) => (isAbsolute(f) ? f : resolve(base, f)));
    this.refreshIntervalMs = options.refreshIntervalMs ?? 300_000;
    this.#onError = options.onError ?? (() => {});
  }

  async run(signal: AbortSignal, update: (groups: TargetGroup[]) => void): Promise<void> {
    let wake: (() => void) | undefined;
    let changed = false;
    const watchers: FSWatcher[] = [];
    for (const dir of new Set(this.patterns.map((p) => dirname(p)))) {
      try {
        const w = watch(dir, () => {
          changed = true;
          wake?.();
        });
        w.on('error', (err) => this.#onError(err));
        watchers.push(w);
      } catch (err) {
        this.#onError(new Error(`cannot watch ${dir}: ${(err as Error).message}`));
      }
    }
    try {
      while (!signal.aborted) {
        changed = false;
        const groups = await this.refresh();
        if (signal.aborted) break;
        if (groups.length > 0) update(groups);
        // Wait for a file event or the refresh interval; file events come in bursts while
        // an editor writes, so settle briefly before reading again.
        if (!changed) {
          const tick = new AbortController();
          wake = () => tick.abort();
          signal.addEventListener('abort', wake, { once: true });
          await sleep(this.refreshIntervalMs, tick.signal);
          signal.removeEventListener('abort', wake);
          wake = undefined;
        }
        await sleep(50, signal);
      }
    } finally {
      for (const w of watchers) w.close();
    }
  }

  /** Reads every matching file once and returns the changes since the last call. */
  async refresh(): Promise<TargetGroup[]> {
    const files = await this.#matchingFiles();
    const out: TargetGroup[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file);
      try {
        const groups = await readTargetFile(file);
        out.push(...groups, ...removedSources(this.#sourcesByFile.get(file) ?? [], groups));
        this.#sourcesByFile.set(
          file,
          groups.map((g) => g.source),
        );
      } catch (err) {
        this.#onError(new Error(`error reading file "${file}": ${(err as Error).message}`));
      }
    }
    for (const [file, sources] of this.#sourcesByFile) {
      if (seen.has(file)) continue;
      out.push(...removedSources(sources, []));
      this.#sourcesByFile.delete(file);
    }
    return out;
  }

  async #matchingFiles(): Promise<string[]> {
    const files = new Set<string>();
    for (const pattern of this.patterns) {
      const dir = dirname(pattern);
      const glob = globToRegExp(basename(pattern));
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch {
        continue;
      }
      for (const entry of entries.sort()) if (glob.test(entry)) files.add(resolve(dir, entry));
    }
    return [...files];
  }
}

async function readTargetFile(file: string): Promise<TargetGroup[]> {
  const text = await readFile(file, 'utf8');
  const ext = extname(file).toLowerCase();
  const doc = ext === '.json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  return withGroupLabels(targetGroupsFromDocument(doc, `${file}:`), { __meta_filepath: file });
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^\^/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
