import { globSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Node } from 'yaml';
import { documentContext } from './document.ts';
import { DecodeError } from './error.ts';
import type { GlobalConfig } from './global.ts';
import { readScrapeJob, type ScrapeJobConfig } from './scrape.ts';
import { type DecodeContext, Mapping, readSections } from './yaml-reader.ts';

/** The jobs of `key`, each with the global defaults; job names must be unique. */
export function readJobs(m: Mapping, global: GlobalConfig, key = 'scrape_configs'): ScrapeJobConfig[] {
  const jobs = readSections(m, key, 'empty or null scrape config section', (node, ctx) =>
    readScrapeJob(node, ctx, global),
  );
  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.jobName)) {
      m.fail(key, `found multiple scrape configs with job name ${JSON.stringify(job.jobName)}`);
    }
    seen.add(job.jobName);
  }
  return jobs;
}

/**
 * The jobs of every file matching `pattern` (sorted), each read with the main file's
 * global defaults and its own directory for relative paths, as Prometheus does.
 */
export function readScrapeConfigFiles(
  pattern: string,
  main: DecodeContext,
  global: GlobalConfig,
): ScrapeJobConfig[] {
  const jobs: ScrapeJobConfig[] = [];
  for (const file of globSync(pattern).sort()) {
    const display = join(dirname(main.file), relative(main.baseDir, file));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DecodeError(`reading scrape config file ${display}: ${(err as Error).message}`);
    }
    const ctx = documentContext(text, display, dirname(file));
    const m = new Mapping(ctx, (ctx.doc.contents ?? null) as Node | null, 'config.ScrapeConfigs', [
      'scrape_configs',
    ]);
    jobs.push(...readJobs(m, global));
  }
  return jobs;
}
