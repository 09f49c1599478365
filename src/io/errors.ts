/**
 * Errors about files, worded for the person at the keyboard: each names the file and the problem in
 * words, so the CLI can print it as one line (see cli/main.ts for the exit codes).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export { InputError } from './input-error.js';
import { InputError } from './input-error.js';

/** A file read back (config, sidecar, latest.json, safetensors, data) is malformed: bad input, exit 2. */
export class BadFileError extends Error {
  override readonly name = 'BadFileError';
  constructor(readonly path: string, readonly problem: string) {
    super(`${path}: ${problem}`);
  }
}

/** A file-system operation failed at run time (disk full, permission denied, …): exit 1. */
export class FsError extends Error {
  override readonly name = 'FsError';
  constructor(readonly path: string, readonly verb: string, readonly code: string | undefined, cause: string) {
    super(`cannot ${verb} ${path}: ${cause}`);
  }
}

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an input/output error on the device',
  EPIPE: 'the reader closed the pipe',
  EFBIG: 'the file is too large',
  ELOOP: 'too many symbolic links',
  EXDEV: 'it is on another file system',
  EBUSY: 'the file or device is busy',
};

/** "permission denied (EACCES)" for a Node system error; its message otherwise. */
export function describeCause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && CAUSES[code]) return `${CAUSES[code]} (${code})`;
  if (code) return `${(e as Error).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')} (${code})`;
  return (e as Error)?.message ?? String(e);
}

export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Wraps a Node system error as an FsError naming `path` (not a temporary file's name). */
export function fsError(e: unknown, path: string, verb: string): Error {
  if (e instanceof FsError || e instanceof BadFileError || !isSystemError(e)) return e as Error;
  return new FsError(path, verb, e.code, describeCause(e));
}

/** Byte sizes people read: 1.5 MiB. */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${Number(v.toFixed(1))} ${units[u]}`;
}

/**
 * Reads a whole file, refusing devices (/dev/zero never ends) and anything larger than `limit` bytes;
 * pipes and regular files are read up to the limit. Problems are BadFileErrors naming the path;
 * a missing or unreadable file is an FsError.
 */
export function readFileBounded(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fsError(e, path, 'read');
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new BadFileError(path, 'is a folder, expected a file');
    if (st.isCharacterDevice() || st.isBlockDevice() || st.isSocket()) throw new BadFileError(path, 'is a device, not a regular file');
    if (st.isFile() && st.size > limit) throw new BadFileError(path, `is ${bytesText(st.size)}, more than the ${bytesText(limit)} allowed`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total) || 1);
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw fsError(e, path, 'read');
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw new BadFileError(path, `holds more than the ${bytesText(limit)} allowed`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Parses JSON read back from `path`; a syntax error names the file. */
export function parseJsonFile(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // Node's message quotes the text, which may span lines: keep one line, and short.
    const why = (e as Error).message.replace(/\s+/g, ' ').replace(/, ".*" is not valid JSON$/, '').slice(0, 100);
    throw new BadFileError(path, `is not valid JSON (${why || 'syntax error'})`);
  }
}

/** One line for a zod error: "generation: expected a number, got string". */
export function zodProblem(err: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = err.issues[0];
  if (!i) return 'invalid content';
  if (i.path.length === 0 && /expected object/.test(i.message)) return 'must hold one JSON object';
  const where = i.path.length ? `field '${i.path.map(String).join('.')}'` : 'the content';
  return `${where}: ${i.message}`;
}

/** JSON files read back from a run directory are small; this bounds a corrupt or hostile one. */
export const JSON_LIMIT = 64 << 20;

/**
 * Reads a JSON file and validates it with the schema that describes what was written; any problem is
 * one BadFileError naming the file (a missing file is an FsError). Returns the value as written (the
 * schemas check, they do not transform), so key order — and any bytes derived from it — is kept.
 */
export function readJsonFile<T>(path: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T {
  const value = parseJsonFile(path, readFileBounded(path, JSON_LIMIT).toString('utf8'));
  const r = schema.safeParse(value);
  if (!r.success) throw new BadFileError(path, zodProblem(r.error));
  return value as T;
}
