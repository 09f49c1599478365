/**
 * Text data for EGG: a UTF-8 text file or a folder of .txt files, split into train and held-out BY
 * DOCUMENT, each turned into one byte stream in which every document is preceded by byte 0 (the
 * model resets its recurrent state on 0; text never contains it, since files with NUL are rejected).
 *
 * Documents: each .txt file of a folder is one document; a single file is split at blank lines into
 * paragraphs, consecutive paragraphs merged until each document has ≥ 2 KiB (so a document is more
 * than a line). Held-out: every 10th document (index ≡ 9 mod 10), or the last one when there are fewer
 * than 10. Deterministic: file names are sorted by code point.
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../io/errors.js';
import { readTextFile as readText, textFilesAt } from '../io/text-files.js';

export { MAX_TEXT_BYTES } from '../io/text-files.js';

export interface Corpus {
  source: string;
  documents: number;
  trainDocs: number;
  heldoutDocs: number;
  /** 0 doc 0 doc … streams. */
  train: Uint8Array;
  heldout: Uint8Array;
}

/** The default corpus: the KJV New Testament shipped in data/kjv-nt (public domain; see SOURCE.md). */
export function defaultCorpusPath(): string {
  // src/egg/data.ts and dist/egg/data.js are both two levels below the package root.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'kjv-nt');
}

const MIN_DOC_BYTES = 2048;

/** Reads one file and rejects anything that is not non-empty UTF-8 text (errors name --data). */
export function readTextFile(path: string): Uint8Array {
  return readText(path, '--data').bytes;
}

/** Splits one file's bytes at blank lines, merging paragraphs up to MIN_DOC_BYTES. */
export function splitParagraphs(bytes: Uint8Array): Uint8Array[] {
  const text = new TextDecoder().decode(bytes);
  const paras = text.split(/\r?\n[ \t]*\r?\n/).filter((p) => p.trim().length > 0);
  const enc = new TextEncoder();
  const docs: Uint8Array[] = [];
  let cur = '';
  for (const p of paras) {
    cur = cur ? cur + '\n\n' + p : p;
    if (Buffer.byteLength(cur) >= MIN_DOC_BYTES) { docs.push(enc.encode(cur)); cur = ''; }
  }
  if (cur) docs.push(enc.encode(cur));
  return docs;
}

function concatDocs(docs: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(docs.reduce((n, d) => n + d.length + 1, 0));
  let at = 0;
  for (const d of docs) { out[at++] = 0; out.set(d, at); at += d.length; }
  return out;
}

export function loadCorpus(path: string): Corpus {
  const { files, folder } = textFilesAt(path, '--data');
  let docs = files.map((f) => readTextFile(f));
  if (!folder || docs.length === 1) docs = splitParagraphs(docs[0]);
  if (docs.length < 2) throw new InputError(`--data: '${path}' holds one document; need at least 2 (blank-line-separated paragraphs totalling > ${MIN_DOC_BYTES} bytes, or several .txt files) to split train from held-out`);
  const held = (i: number): boolean => (docs.length < 10 ? i === docs.length - 1 : i % 10 === 9);
  const train = docs.filter((_, i) => !held(i));
  const heldout = docs.filter((_, i) => held(i));
  return {
    source: resolve(path),
    documents: docs.length,
    trainDocs: train.length,
    heldoutDocs: heldout.length,
    train: concatDocs(train),
    heldout: concatDocs(heldout),
  };
}
