/**
 * General text for the base model's pretraining (`reason pretrain --corpus`): a UTF-8 file or a folder of .txt files
 * (names sorted by code point), cut into lines the text vocabulary can spell, so a base learns language under the
 * task text and has more than the task to draw on when it is fine-tuned.
 *
 * Each source line is trimmed, its runs of white space made one space, the usual typographic characters replaced by
 * their ASCII forms (curly quotes, dashes, ellipsis, no-break space), anything else outside the text vocabulary
 * dropped (and counted); a line longer than `maxChars` is cut at its last space before the limit (or at the limit
 * when a word is longer). Every line ends with the newline that ends a completion, as the task lines do.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { InputError } from '../io/errors.js';
import { readTextFile, textFilesAt } from '../io/text-files.js';
import { TEXT_VOCAB } from './vocab.js';

/**
 * The default longest text line: near the task lines' length (Countdown's are 15–30 characters), because a batch is
 * padded to its longest line: with half of each batch text, a step costs 2.6× a task-only step at 48 characters and
 * 5.8× at 96 (scripts/reason-pretrain-cost.ts, 2026-12-08).
 */
export const TEXT_LINE_CHARS = 48;

export interface TextCorpus {
  /** The path read, absolute. */
  source: string;
  /** SHA-256 of the files' bytes in the order read: the provenance of a base made from it. */
  sha256: string;
  files: number;
  /** The pretraining lines, each ending in '\n'. */
  lines: string[];
  /** Characters dropped as outside the text vocabulary. */
  dropped: number;
}

const ASCII_FORMS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2033': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...', '\u00a0': ' ', '\t': ' ',
};
const SPELLABLE = new Set(TEXT_VOCAB);

/** One source line in the text vocabulary (without its newline) and how many characters were dropped. */
export function spellLine(line: string): { text: string; dropped: number } {
  let out = '';
  let dropped = 0;
  for (const ch of line) {
    const c = ASCII_FORMS[ch] ?? ch;
    if (c.length === 1 && (!SPELLABLE.has(c) || c === '\n')) { dropped++; continue; }
    out += c;
  }
  return { text: out.replace(/ {2,}/g, ' ').trim(), dropped };
}

/** A spelled line cut into pieces of at most `maxChars`, at spaces where it can. */
export function cutLine(text: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const space = rest.lastIndexOf(' ', maxChars);
    const at = space > 0 ? space : maxChars;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Reads `path` (a UTF-8 text file or a folder of .txt files) into pretraining lines of at most `maxChars` + '\n'. */
export function loadTextCorpus(path: string, maxChars = TEXT_LINE_CHARS): TextCorpus {
  if (!Number.isInteger(maxChars) || maxChars < 8) throw new RangeError(`loadTextCorpus: maxChars must be an integer ≥ 8, got ${maxChars}`);
  const { files } = textFilesAt(path, '--corpus');
  const hash = createHash('sha256');
  const lines: string[] = [];
  let dropped = 0;
  for (const file of files) {
    const { bytes, text } = readTextFile(file, '--corpus');
    hash.update(bytes);
    for (const raw of text.split(/\r?\n/)) {
      const spelled = spellLine(raw);
      dropped += spelled.dropped;
      for (const piece of cutLine(spelled.text, maxChars)) lines.push(piece + '\n');
    }
  }
  if (lines.length === 0) throw new InputError(`--corpus: '${path}' holds no text the vocabulary can spell (printable ASCII); expected UTF-8 text`);
  return { source: resolve(path), sha256: hash.digest('hex'), files: files.length, lines, dropped };
}
