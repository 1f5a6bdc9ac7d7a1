import * as fs from 'node:fs';

/**
 * The few file operations the WAL and block writers use, so tests can inject failures
 * (a full disk) without a real one. Synchronous: a commit's bytes reach the OS before the
 * commit returns.
 */
export interface FileLayer {
  open(path: string, flags: 'r' | 'w' | 'r+' | 'a'): number;
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  truncate(fd: number, length: number): void;
  fsync(fd: number): void;
  close(fd: number): void;
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

/** Writes a whole file and renames it into place, so readers never see half of it. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
}
