import * as fs from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The file operations that change the disk, for the WAL, checkpoints, blocks and snapshots,
 * so tests can inject failures (a full disk, a failing fsync or rename) without a real one.
 * Reads and removals go to `node:fs` directly. Synchronous: a commit's bytes reach the OS
 * before the commit returns.
 */
export interface FileLayer {
  open(path: string, flags: 'r' | 'w' | 'r+' | 'a'): number;
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  truncate(fd: number, length: number): void;
  fsync(fd: number): void;
  close(fd: number): void;
  /** Creates a directory and any missing parents. */
  mkdir(path: string): void;
  /** Renames a file or directory, replacing a file (or empty directory) at `to`. */
  rename(from: string, to: string): void;
  /** Puts a directory's entries (files created or renamed in it) on disk. */
  syncDir(path: string): void;
  /**
   * Makes `to` another name of the file `from` (a hard link), for snapshots. Optional: without
   * it, or where the file system refuses (another device), snapshots copy the files.
   */
  link?(from: string, to: string): void;
}

export const nodeFiles: FileLayer = {
  // 'a' opens for positional writes without O_APPEND, which Linux would let override the position.
  open: (path, flags) =>
    flags === 'a'
      ? fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644)
      : fs.openSync(path, flags),
  write: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  truncate: (fd, length) => fs.ftruncateSync(fd, length),
  fsync: (fd) => fs.fdatasyncSync(fd),
  close: (fd) => fs.closeSync(fd),
  mkdir: (path) => {
    fs.mkdirSync(path, { recursive: true });
  },
  rename: (from, to) => fs.renameSync(from, to),
  link: (from, to) => fs.linkSync(from, to),
  syncDir: (path) => {
    // Windows cannot open a directory to sync it (nor needs to), as Prometheus skips it there.
    if (process.platform === 'win32') return;
    const fd = fs.openSync(path, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** Writes all of `buf[offset, offset+length)` at `position`, looping over short writes. */
export function writeFully(
  files: FileLayer,
  fd: number,
  buf: Uint8Array,
  offset: number,
  length: number,
  position: number,
): void {
  while (length > 0) {
    const n = files.write(fd, buf, offset, length, position);
    offset += n;
    length -= n;
    position += n;
  }
}

/** Closes `fd` after a failure, keeping the failure (not a second error from close) to report. */
export function closeQuietly(files: FileLayer, fd: number): void {
  try {
    files.close(fd);
  } catch {}
}

/** Writes a new file and puts its bytes on disk; on failure the half-written file is removed. */
export function writeFileDurably(files: FileLayer, path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let fd = -1;
  try {
    fd = files.open(path, 'w');
    writeFully(files, fd, bytes, 0, bytes.length, 0);
    files.fsync(fd);
    const closing = fd;
    fd = -1;
    files.close(closing);
  } catch (err) {
    if (fd >= 0) closeQuietly(files, fd);
    removeQuietly(path);
    throw err;
  }
}

/**
 * Writes a whole file and renames it into place, so readers (and a crash) see either the
 * old content or the new, never half of it.
 */
export function writeFileAtomic(files: FileLayer, path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  writeFileDurably(files, tmp, data);
  try {
    files.rename(tmp, path);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

/**
 * Removes a file or directory tree left by a failed write; a failure to remove it is not
 * reported (the failed write is), and leftovers are removed when the database opens next.
 */
export function removeQuietly(path: string): void {
  try {
    fs.rmSync(path, { recursive: true, force: true });
  } catch {}
}

/**
 * Copies the directory tree `from` to `to` through `files`: into `<to>.tmp-for-creation`,
 * synced, then renamed, so `to` appears whole or not at all (the temporary directory is
 * removed on a failure).
 */
/**
 * Makes `to` a durable copy of the directory `from` (a block), whole or not at all. Files are
 * hard-linked where the file system allows, as Prometheus's snapshots do: a block's files
 * never change in place (a tombstones rewrite replaces its file by a rename), so the links
 * keep the content they had. Elsewhere they are copied.
 */
export function copyDirDurably(files: FileLayer, from: string, to: string): void {
  const tmp = `${to}.tmp-for-creation`;
  try {
    removeQuietly(tmp);
    copyTree(files, from, tmp);
    files.rename(tmp, to);
    files.syncDir(dirname(to));
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

function copyTree(files: FileLayer, from: string, to: string): void {
  files.mkdir(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    if (entry.isDirectory()) copyTree(files, src, join(to, entry.name));
    else if (!linked(files, src, join(to, entry.name))) copyFileDurably(files, src, join(to, entry.name));
  }
  files.syncDir(to);
}

// Errors of a file system that cannot link these two paths (rather than a failing disk).
const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK']);

function linked(files: FileLayer, from: string, to: string): boolean {
  if (files.link === undefined) return false;
  try {
    files.link(from, to);
    return true;
  } catch (err) {
    if (CANNOT_LINK.has((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
}

const COPY_BUFFER = 1 << 20;

// Copies one file in pieces (a block's chunk files run to 512 MiB) and syncs it.
function copyFileDurably(files: FileLayer, from: string, to: string): void {
  const src = fs.openSync(from, 'r');
  let fd = -1;
  try {
    fd = files.open(to, 'w');
    const buf = new Uint8Array(COPY_BUFFER);
    for (let pos = 0; ; ) {
      const n = fs.readSync(src, buf, 0, buf.length, pos);
      if (n === 0) break;
      writeFully(files, fd, buf, 0, n, pos);
      pos += n;
    }
    files.fsync(fd);
    const closing = fd;
    fd = -1;
    files.close(closing);
  } finally {
    if (fd >= 0) closeQuietly(files, fd);
    fs.closeSync(src);
  }
}
