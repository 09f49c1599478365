/**
 * Atomic file writes: write a temporary file beside the target, flush it to disk, then rename over the
 * target. A reader (or a crash) sees either the old file or the new one, never half of one. A failure
 * (disk full, read-only folder, …) removes the temporary file and is reported for the target's path.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync, rmSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { FsError, fsError } from './errors.js';

/**
 * mkdir -p, one level at a time from the nearest existing ancestor. Node's `mkdirSync(…, { recursive: true })` spins
 * for ever under a pseudo-filesystem such as /proc (its parent exists but refuses new entries with ENOENT, which the
 * recursive walk takes for a missing parent); here that ENOENT is thrown at once. Throws Node's system errors
 * (ENOTDIR when a file is in the way).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let p = resolve(dir);
  while (!existsSync(p)) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: p });
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue; // made meanwhile
      throw e;
    }
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    makeDirs(dirname(path));
  } catch (e) {
    // mkdir -p over a file says EEXIST; say what that means here.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new FsError(dirname(path), 'create folder', code, `a file of that name is in the way, not a folder (${code})`);
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

/**
 * Checks that `path` can be written — its folder made, a probe file written beside it and removed — before a long
 * computation whose result would otherwise be lost at the end. Throws FsError naming the path.
 */
export function probeWritable(path: string): void {
  const probe = join(dirname(path), `.${basename(path)}.${process.pid}.probe`);
  try {
    writeFileAtomic(probe, '');
  } catch (e) {
    if (e instanceof FsError) throw new FsError(path, 'write', e.code, e.message.replace(/^cannot [^:]*: /, ''));
    throw e;
  }
  try {
    rmSync(probe, { force: true });
  } catch (e) {
    throw fsError(e, path, 'write');
  }
}
