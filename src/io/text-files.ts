/**
 * Reading user text for training: a UTF-8 file or a folder of .txt files, each read bounded and checked (non-empty,
 * no NUL bytes, valid UTF-8), with errors that name the flag the path came from. EGG's corpus (egg/data.ts) and the
 * reasoning model's pretraining text (reason/corpus.ts) both read through here.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadFileError, InputError, readFileBounded } from './errors.js';

/** The most text one file may hold (a bound that also stops endless inputs such as /dev/zero or a FIFO). */
export const MAX_TEXT_BYTES = 1 << 30;

/** The files `path` names: itself, or a folder's .txt files sorted by code point (deterministic order). */
export function textFilesAt(path: string, flag: string): { files: string[]; folder: boolean } {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(`${flag}: '${path}' does not exist; expected a UTF-8 text file or a folder of .txt files`);
  }
  if (!st.isDirectory()) return { files: [path], folder: false };
  const names = readdirSync(path).filter((n) => n.endsWith('.txt')).sort();
  if (names.length === 0) throw new InputError(`${flag}: folder '${path}' has no .txt files; expected a folder of UTF-8 .txt files`);
  return { files: names.map((n) => join(path, n)), folder: true };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * One file's bytes and its text, rejecting anything that is not non-empty UTF-8 text. The text is the validating
 * decode's own result, so a caller that needs it does not decode the file a second time.
 */
export function readTextFile(path: string, flag: string): { bytes: Uint8Array; text: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileBounded(path, MAX_TEXT_BYTES);
  } catch (e) {
    if (e instanceof BadFileError) throw new InputError(`${flag}: '${path}' ${e.problem}; expected a UTF-8 text file (at most 1 GiB) or a folder of .txt files`);
    throw new InputError(`${flag}: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.replace(/^cannot read [^:]*: /, '')}); expected a UTF-8 text file or a folder of .txt files`);
  }
  if (bytes.length === 0) throw new InputError(`${flag}: '${path}' is empty; expected non-empty UTF-8 text`);
  if (bytes.includes(0)) throw new InputError(`${flag}: '${path}' looks binary (contains NUL bytes); expected UTF-8 text`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new InputError(`${flag}: '${path}' is not valid UTF-8; expected UTF-8 text`);
  }
  return { bytes, text };
}
