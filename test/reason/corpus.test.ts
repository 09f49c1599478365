import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutLine, loadTextCorpus, spellLine } from '../../src/reason/corpus.js';
import { pretrainBatch, textLinesPerBatch, type PretrainConfig } from '../../src/reason/pretrain.js';
import { makeTask } from '../../src/reason/tasks/index.js';
import { decode, encode, encodeIn, TEXT_VOCAB, TEXT_VOCAB_SIZE, VOCAB, VOCAB_SIZE } from '../../src/reason/vocab.js';
import { InputError } from '../../src/io/errors.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir('reason-corpus-');
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

test('the text vocabulary: the task characters keep their ids, then the rest of printable ASCII, once each', () => {
  assert.equal(TEXT_VOCAB.slice(0, VOCAB_SIZE), VOCAB);
  assert.equal(TEXT_VOCAB_SIZE, 96);
  assert.equal(new Set(TEXT_VOCAB).size, 96);
  for (let c = 0x20; c < 0x7f; c++) assert.ok(TEXT_VOCAB.includes(String.fromCharCode(c)), `0x${c.toString(16)}`);
  const s = 'And Jesus said, "Come!" 3*5+7=22\n';
  assert.equal(decode(encodeIn(s, TEXT_VOCAB_SIZE)), s);
  assert.deepEqual([...encodeIn('3+4', TEXT_VOCAB_SIZE)], [...encode('3+4')]); // task text: the same ids in both
  assert.deepEqual(['1+2', '3'].map(encode).map((t) => [...t]), [[3, 12, 4], [5]]); // map's index is not a size
  assert.throws(() => encode('x'), /not in the vocabulary "\\n 0123456789\+-\*\/\(\)>="$/); // a task model refuses letters
  assert.throws(() => encodeIn('é', TEXT_VOCAB_SIZE), /"é" is not in the vocabulary/);
});

test('spellLine: typographic characters become ASCII, others are dropped and counted, white space collapses', () => {
  assert.deepEqual(spellLine('\u201cYea,\u201d  he said \u2014 it\u2019s\tdone\u2026 caf\u00e9 \u4e2d'), { text: '"Yea," he said - it\'s done... caf', dropped: 2 });
  assert.deepEqual(spellLine('   '), { text: '', dropped: 0 });
});

test('cutLine: pieces of at most maxChars, cut at spaces, a word longer than the limit cut at the limit', () => {
  assert.deepEqual(cutLine('the quick brown fox jumps', 10), ['the quick', 'brown fox', 'jumps']);
  assert.deepEqual(cutLine('abcdefghijklmnop qr', 8), ['abcdefgh', 'ijklmnop', 'qr']);
  assert.deepEqual(cutLine('short', 10), ['short']);
  assert.deepEqual(cutLine('', 10), []);
});

test('loadTextCorpus: a folder of .txt files in name order, lines ending in a newline, its hash; bad input named', () => {
  const dir = join(root, 'texts');
  mkdirSync(dir);
  const a = 'In the beginning was the Word, and the Word was with God.\n\nAnd the light shineth in darkness.\r\n';
  const b = 'Blessed are the meek: for they shall inherit the earth.';
  writeFileSync(join(dir, 'b.txt'), b);
  writeFileSync(join(dir, 'a.txt'), a);
  writeFileSync(join(dir, 'skip.md'), 'not read');
  const c = loadTextCorpus(dir, 32);
  assert.equal(c.files, 2);
  assert.equal(c.sha256, createHash('sha256').update(a).update(b).digest('hex'));
  assert.deepEqual(c.lines, ['In the beginning was the Word,\n', 'and the Word was with God.\n', 'And the light shineth in\n', 'darkness.\n', 'Blessed are the meek: for they\n', 'shall inherit the earth.\n']);
  for (const l of c.lines) encodeIn(l, TEXT_VOCAB_SIZE); // every line is spelled in the text vocabulary
  assert.equal(loadTextCorpus(join(dir, 'b.txt'), 96).lines.length, 1);
  assert.throws(() => loadTextCorpus(join(root, 'none')), (e: Error) => e instanceof InputError && /--corpus: '.*none' does not exist/.test(e.message));
  const empty = join(root, 'empty');
  mkdirSync(empty);
  assert.throws(() => loadTextCorpus(empty), /has no \.txt files/);
  writeFileSync(join(root, 'bad.txt'), Buffer.from([0x41, 0xff, 0xfe]));
  assert.throws(() => loadTextCorpus(join(root, 'bad.txt')), /not valid UTF-8/);
  writeFileSync(join(root, 'cjk.txt'), '\u4e2d\u6587\n');
  assert.throws(() => loadTextCorpus(join(root, 'cjk.txt')), /no text the vocabulary can spell/);
});

test('pretrainBatch: without text the task lines as before; with text the first lines drawn from it, deterministically', () => {
  const c: PretrainConfig = { model: { dim: 8, hidden: 8, layers: 1, vocab: VOCAB_SIZE }, tasks: ['countdown', 'addition'], steps: 10, batch: 8, lr: 1e-3, solvedFraction: 0.5, seed: 3 };
  const tasks = c.tasks.map(makeTask);
  // Task line i of the run is task i mod 2, line ⌊i/2⌋ of its text (the rule the bundled base was made with).
  assert.deepEqual(pretrainBatch(c, 2), Array.from({ length: 8 }, (_, b) => tasks[(16 + b) % 2].pretrainLine(3, Math.floor((16 + b) / 2), 0.5)));
  const text = Array.from({ length: 50 }, (_, i) => `line ${i}\n`);
  const t: PretrainConfig = { ...c, textFraction: 0.25 };
  assert.equal(textLinesPerBatch(t), 2);
  const batch = pretrainBatch(t, 2, text);
  assert.equal(batch.length, 8);
  assert.ok(batch.slice(0, 2).every((l) => text.includes(l)));
  assert.deepEqual(batch.slice(2), Array.from({ length: 6 }, (_, b) => tasks[(12 + b) % 2].pretrainLine(3, Math.floor((12 + b) / 2), 0.5)));
  assert.deepEqual(pretrainBatch(t, 2, text), batch);
  assert.notDeepEqual(pretrainBatch(t, 3, text).slice(0, 2), batch.slice(0, 2));
  // The draws cover the corpus: over 200 steps every line comes up.
  const seen = new Set<string>();
  for (let s = 0; s < 200; s++) for (const l of pretrainBatch(t, s, text).slice(0, 2)) seen.add(l);
  assert.equal(seen.size, 50);
  assert.throws(() => pretrainBatch(t, 0), /needs the text lines/);
});
