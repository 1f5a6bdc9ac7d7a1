import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, LockFile, PyrometerServer, parseCommandLine } from '../src/index.ts';
import { type Harness, startHarness } from './server-harness.ts';

const JOB_A = 'scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["127.0.0.1:1"] }]\n';
const JOB_B = 'scrape_configs:\n  - job_name: b\n    static_configs: [{ targets: ["127.0.0.1:2"] }]\n';

async function jobs(h: Harness): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const { body } = await h.json('/api/v1/targets');
    const pools = (body.data as { activeTargets: { scrapePool: string }[] }).activeTargets.map(
      (t) => t.scrapePool,
    );
    if (pools.length > 0) return pools;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

describe('configuration reload', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('POST /-/reload applies a good new file', async () => {
    h = await startHarness({ config: JOB_A, args: ['--web.enable-lifecycle'] });
    expect(await jobs(h)).toEqual(['a']);
    await writeFile(h.configPath, JOB_B);
    const res = await fetch(`${h.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(200);
    for (let i = 0; i < 100 && (await jobs(h))[0] !== 'b'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await jobs(h)).toEqual(['b']);
    expect(((await h.json('/api/v1/status/config')).body.data as { yaml: string }).yaml).toBe(JOB_B);
    expect(await (await h.get('/metrics')).text()).toContain('prometheus_config_last_reload_successful 1');
  });

  it('a bad file is rejected, logged and counted; the old configuration keeps running', async () => {
    h = await startHarness({ config: JOB_A, args: ['--web.enable-lifecycle'] });
    await writeFile(h.configPath, 'scrape_configs:\n  - job_name: a\n    scrape_interval: banana\n');
    const res = await fetch(`${h.url}/-/reload`, { method: 'PUT' });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^failed to reload config: .*banana/);
    expect(await jobs(h)).toEqual(['a']);
    expect(((await h.json('/api/v1/status/config')).body.data as { yaml: string }).yaml).toBe(JOB_A);
    expect(await (await h.get('/metrics')).text()).toContain('prometheus_config_last_reload_successful 0');
    expect((await h.json('/api/v1/status/runtimeinfo')).body.data).toMatchObject({
      reloadConfigSuccess: false,
    });
    expect(h.logs.some((l) => l.includes('level=error') && l.includes('Error reloading config'))).toBe(true);
  });

  it('an unbuilt service-discovery provider is refused on reload too', async () => {
    h = await startHarness({ config: JOB_A });
    await writeFile(
      h.configPath,
      'scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs: [{ role: pod }]\n',
    );
    await expect(h.server.reload()).rejects.toThrow(/kubernetes_sd_configs/);
    expect(await jobs(h)).toEqual(['a']);
  });

  it('POST /-/quit stops the server', async () => {
    h = await startHarness({ args: ['--web.enable-lifecycle'] });
    const res = await fetch(`${h.url}/-/quit`, { method: 'POST' });
    expect(res.status).toBe(200);
    await h.server.stopped;
    await expect(fetch(`${h.url}/-/healthy`)).rejects.toThrow();
  });
});

describe('start-up', () => {
  it('refuses a job with an unbuilt service-discovery provider, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pyrometer-test-'));
    try {
      const config = join(dir, 'p.yml');
      await writeFile(
        config,
        'scrape_configs:\n  - job_name: k\n    consul_sd_configs: [{ server: "c:8500" }]\n',
      );
      const parsed = parseCommandLine([
        `--config.file=${config}`,
        `--storage.tsdb.path=${dir}/data`,
        '--web.listen-address=127.0.0.1:0',
      ]);
      if (parsed.action !== 'run') throw new Error('flags');
      const start = PyrometerServer.start({ flags: parsed.flags });
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(/scrape job "k" uses consul_sd_configs/);
      // The lock was released: a second start with a good file works.
      await writeFile(config, 'scrape_configs: []\n');
      const server = await PyrometerServer.start({ flags: { ...parsed.flags, logLevel: 'error' } });
      await server.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a listen address in use is an error, and the data directory is unlocked again', async () => {
    const h = await startHarness();
    const dir = await mkdtemp(join(tmpdir(), 'pyrometer-test-'));
    try {
      const parsed = parseCommandLine([
        `--config.file=${h.configPath}`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${h.server.port}`,
        '--log.level=error',
      ]);
      if (parsed.action !== 'run') throw new Error('flags');
      await expect(PyrometerServer.start({ flags: parsed.flags })).rejects.toThrow(/EADDRINUSE/);
      await expect(readFile(join(dir, 'data', 'lock'), 'utf8')).rejects.toThrow();
    } finally {
      await h.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing explicit --config.file is an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pyrometer-test-'));
    try {
      const parsed = parseCommandLine([
        `--config.file=${dir}/none.yml`,
        `--storage.tsdb.path=${dir}/data`,
        '--web.listen-address=127.0.0.1:0',
      ]);
      if (parsed.action !== 'run') throw new Error('flags');
      await expect(PyrometerServer.start({ flags: parsed.flags })).rejects.toThrow(
        /couldn't load configuration/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LockFile', () => {
  it('holds the PID; a live owner blocks, a dead one does not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pyrometer-lock-'));
    try {
      const lock = await LockFile.acquire(dir);
      expect((await readFile(join(dir, 'lock'), 'utf8')).trim()).toBe(String(process.pid));
      await lock.release();
      // A live process (this test's parent) holds it.
      await writeFile(join(dir, 'lock'), `${process.ppid}\n`);
      await expect(LockFile.acquire(dir)).rejects.toThrow(`held by running process ${process.ppid}`);
      // A process that no longer runs (PIDs are below 2^22 on Linux).
      await writeFile(join(dir, 'lock'), '4194304999\n');
      const taken = await LockFile.acquire(dir);
      expect((await readFile(join(dir, 'lock'), 'utf8')).trim()).toBe(String(process.pid));
      await taken.release();
      // Garbage in the file does not block either.
      await writeFile(join(dir, 'lock'), 'not a pid');
      await (await LockFile.acquire(dir)).release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a second server on the same data directory is refused', async () => {
    const h = await startHarness();
    try {
      const parsed = parseCommandLine([
        `--storage.tsdb.path=${h.dir}/data`,
        `--config.file=${h.configPath}`,
        '--web.listen-address=127.0.0.1:0',
      ]);
      if (parsed.action !== 'run') throw new Error('flags');
      // Same PID as the owner here, so pretend another live process owns it.
      await writeFile(join(h.dir, 'data', 'lock'), `${process.ppid}\n`);
      await expect(PyrometerServer.start({ flags: parsed.flags })).rejects.toThrow(/lock DB directory/);
    } finally {
      await h.close();
    }
  });
});
