import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The bin as a user runs it: the pnpm shim at the repository root.
const BIN = fileURLToPath(new URL('../../../../node_modules/.bin/pyrometer', import.meta.url));

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describe('the pyrometer bin', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pyrometer-bin-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('an unknown flag: a clear message and exit code 1', async () => {
    const r = await run(['--web.listen-adress=:1'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pyrometer: error: unknown long flag '--web.listen-adress', try --help\n");
  });

  it('a malformed value: exit code 1', async () => {
    const r = await run(['--query.timeout', 'forever'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid value 'forever' for flag '--query.timeout'");
  });

  it('--help and --version exit 0', async () => {
    const help = await run(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--web.listen-address');
    const version = await run(['--version'], dir);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^pyrometer, version /);
  });

  it('a bad configuration file: exit code 1 with the position', async () => {
    const config = join(dir, 'bad.yml');
    await import('node:fs/promises').then((fs) => fs.writeFile(config, 'global:\n  scrape_interval: soon\n'));
    const r = await run(
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'bad-data')}`,
        '--web.listen-address=127.0.0.1:0',
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/level=error msg="Error loading config".*bad\.yml:2/);
  });

  it('end to end: the default config scrapes itself, `up` is 1, SIGTERM exits 0', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    const child = spawn(
      BIN,
      [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${data}`, '--log.format=json'],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 40_000;
      let up: string | undefined;
      while (Date.now() < deadline && up === undefined) {
        await new Promise((r) => setTimeout(r, 200));
        const ready = await fetch(`${base}/-/ready`).catch(() => undefined);
        if (ready?.status !== 200) continue;
        const res = await fetch(`${base}/api/v1/query?query=up`);
        const body = (await res.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        const sample = body.data.result[0];
        if (sample !== undefined) {
          expect(sample.metric).toEqual({ __name__: 'up', instance: `127.0.0.1:${port}`, job: 'prometheus' });
          up = sample.value[1];
        }
      }
      expect(up).toBe('1');
      // The lock file holds the server's own PID: no wrapper process in between.
      expect((await readFile(join(data, 'lock'), 'utf8')).trim()).toBe(String(child.pid));
      expect(JSON.parse(stderr.split('\n')[0]!)).toMatchObject({ level: 'info', msg: 'starting Pyrometer' });
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      await expect(stat(join(data, 'lock'))).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('a lock left by a killed server does not block the restart; SIGHUP reloads', async () => {
    const data = join(dir, 'data-kill');
    const start = async (): Promise<{ child: ChildProcess; port: number; log: () => string }> => {
      const port = await freePort();
      const child = spawn(BIN, [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${data}`], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let log = '';
      child.stderr!.on('data', (d) => (log += d));
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        if ((await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined))?.status === 200) break;
      }
      return { child, port, log: () => log };
    };
    const first = await start();
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect((await readFile(join(data, 'lock'), 'utf8')).trim()).toBe(String(first.child.pid));
    const second = await start();
    try {
      expect((await readFile(join(data, 'lock'), 'utf8')).trim()).toBe(String(second.child.pid));
      second.child.kill('SIGHUP');
      for (let i = 0; i < 50 && !second.log().includes('Completed loading of configuration file'); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(second.log()).toContain('Completed loading of configuration file');
      const metrics = await (await fetch(`http://127.0.0.1:${second.port}/metrics`)).text();
      expect(metrics).toContain('prometheus_config_last_reload_successful 1');
      second.child.kill('SIGINT');
      expect(await exited(second.child)).toBe(0);
    } finally {
      if (second.child.exitCode === null) second.child.kill('SIGKILL');
    }
  }, 60_000);
});
