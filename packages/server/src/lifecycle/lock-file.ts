import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The data directory's lock: a `lock` file holding the PID of the server that owns it. */
export class LockFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Takes the lock on `dir`. A lock whose PID no longer runs (the owner was killed) is
   * taken over, so a crash never blocks a restart; a live owner is an error.
   */
  static async acquire(dir: string): Promise<LockFile> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        return new LockFile(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = Number.parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `lock DB directory ${dir}: held by running process ${owner} (another Pyrometer uses this --storage.tsdb.path)`,
        );
      }
      await unlink(path).catch(() => {});
    }
    throw new Error(`lock DB directory ${dir}: could not take over the stale lock file ${path}`);
  }

  async release(): Promise<void> {
    await unlink(this.path).catch(() => {});
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
