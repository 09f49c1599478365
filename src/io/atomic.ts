/**
 * Atomic file writes: write a temporary file beside the target, flush it to disk, then rename over the
 * target. A reader (or a crash) sees either the old file or the new one, never half of one. A failure
 * (disk full, read-only folder, …) removes the temporary file and is reported for the target's path.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { FsError, fsError } from './errors.js';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    // mkdir -p over a file says EEXIST; say what that means here.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new FsError(dirname(path), 'create folder', 'EEXIST', 'a file of that name is in the way, not a folder (EEXIST)');
    throw fsError(e, dirname(path), 'create folder');
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw fsError(e, path, 'write');
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw fsError(e, path, 'write');
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsError(e, path, 'write');
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
