import type { FileLayer } from '../src/index.ts';
import { nodeFiles } from '../src/internal/file-layer.ts';

export type FileOp =
  | 'open'
  | 'write'
  | 'truncate'
  | 'fsync'
  | 'close'
  | 'mkdir'
  | 'rename'
  | 'syncDir'
  | 'link';

/**
 * A file layer that fails on demand. While armed it numbers the calls that change the disk
 * (every call but opening for reading) that `only` accepts, and fails call `failAt`; with
 * `sticky` every later one too, as a disk that stays full. A failing write first writes a few
 * bytes (a short write), as a disk filling up does; a failing close closes the file all the same.
 * Syncs are counted (and can fail) but not made: no test here pulls the plug, and they are slow.
 */
export class FaultyFiles implements FileLayer {
  armed = false;
  calls = 0;
  failAt = Number.POSITIVE_INFINITY;
  sticky = false;
  code: 'ENOSPC' | 'EIO' = 'ENOSPC';
  only: (op: FileOp, path: string) => boolean = () => true;
  /** Runs just before the first failure, with the disk as a crash at that point would leave it. */
  beforeFirstFailure: (() => void) | undefined;
  /** "op path" of every call made to fail. */
  readonly failures: string[] = [];
  readonly #paths = new Map<number, string>();

  arm(failAt: number, options: { sticky?: boolean; code?: 'ENOSPC' | 'EIO' } = {}): void {
    this.armed = true;
    this.calls = 0;
    this.failAt = failAt;
    this.sticky = options.sticky ?? false;
    this.code = options.code ?? 'ENOSPC';
    this.failures.length = 0;
  }

  disarm(): void {
    this.armed = false;
  }

  #failing(op: FileOp, path: string): boolean {
    if (!this.armed || !this.only(op, path)) return false;
    this.calls++;
    const fail = this.calls === this.failAt || (this.sticky && this.calls > this.failAt);
    if (fail && this.failures.length === 0) this.beforeFirstFailure?.();
    if (fail) this.failures.push(`${op} ${path}`);
    return fail;
  }

  #error(op: FileOp, path: string): Error {
    const text = this.code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
    return Object.assign(new Error(`${this.code}: ${text}, ${op} '${path}'`), { code: this.code });
  }

  #check(op: FileOp, path: string): void {
    if (this.#failing(op, path)) throw this.#error(op, path);
  }

  open(path: string, flags: 'r' | 'w' | 'r+' | 'a'): number {
    if (flags !== 'r') this.#check('open', path);
    const fd = nodeFiles.open(path, flags);
    this.#paths.set(fd, path);
    return fd;
  }

  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
    const path = this.#paths.get(fd) ?? `fd ${fd}`;
    if (this.#failing('write', path)) {
      if (this.code === 'ENOSPC') nodeFiles.write(fd, buf, offset, Math.min(3, length), position);
      throw this.#error('write', path);
    }
    return nodeFiles.write(fd, buf, offset, length, position);
  }

  truncate(fd: number, length: number): void {
    this.#check('truncate', this.#paths.get(fd) ?? `fd ${fd}`);
    nodeFiles.truncate(fd, length);
  }

  fsync(fd: number): void {
    this.#check('fsync', this.#paths.get(fd) ?? `fd ${fd}`);
  }

  close(fd: number): void {
    const path = this.#paths.get(fd) ?? `fd ${fd}`;
    this.#paths.delete(fd);
    const fail = this.#failing('close', path);
    nodeFiles.close(fd);
    if (fail) throw this.#error('close', path);
  }

  mkdir(path: string): void {
    this.#check('mkdir', path);
    nodeFiles.mkdir(path);
  }

  rename(from: string, to: string): void {
    this.#check('rename', from);
    nodeFiles.rename(from, to);
  }

  syncDir(path: string): void {
    this.#check('syncDir', path);
  }

  link(from: string, to: string): void {
    this.#check('link', to);
    nodeFiles.link?.(from, to);
  }
}
