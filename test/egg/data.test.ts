import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus, defaultCorpusPath } from '../../src/egg/data.js';
import { NgramModel, gzipBpb } from '../../src/egg/baselines.js';
import { InputError } from '../../src/io/errors.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('egg-data-');

test('a folder of .txt files: one document per file, every 10th held out, 0 before each document', () => {
  const d = join(dir, 'folder');
  mkdirSync(d);
  for (let i = 0; i < 12; i++) writeFileSync(join(d, `${String(i).padStart(2, '0')}.txt`), `doc ${i}\n`);
  writeFileSync(join(d, 'ignored.md'), 'not text data');
  const c = loadCorpus(d);
  assert.equal(c.documents, 12);
  assert.equal(c.heldoutDocs, 1);
  assert.equal(new TextDecoder().decode(c.heldout), '\0doc 9\n');
  assert.equal(c.train.filter((b) => b === 0).length, 11);
});

test('one file: split at blank lines into documents of ≥ 2 KiB; the last is held out when < 10', () => {
  const para = 'word '.repeat(300).trim();
  const f = join(dir, 'one.txt');
  writeFileSync(f, [para, para, para, para].join('\n\n'));
  const c = loadCorpus(f);
  assert.equal(c.documents, 2);
  assert.equal(c.heldoutDocs, 1);
});

test('bad data: empty, binary, invalid UTF-8, missing, single document → InputError naming the problem', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['empty.txt', '', /empty/],
    ['bin.txt', Uint8Array.from([1, 2, 0, 3]), /binary/],
    ['latin1.txt', Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20]), /UTF-8/],
    ['short.txt', 'just one line', /one document/],
  ];
  for (const [name, content, re] of cases) {
    const p = join(dir, name);
    writeFileSync(p, content);
    assert.throws(() => loadCorpus(p), (e: Error) => e instanceof InputError && re.test(e.message), name);
  }
  assert.throws(() => loadCorpus(join(dir, 'nope')), (e: Error) => e instanceof InputError && /does not exist/.test(e.message));
});

test('the bundled default corpus loads: 27 books, held-out by document', () => {
  const c = loadCorpus(defaultCorpusPath());
  assert.equal(c.documents, 27);
  assert.equal(c.heldoutDocs, 2);
  assert.ok(c.train.length > 900_000);
});

test('n-gram baselines: add-one smoothing, exact on a hand case', () => {
  const train = new TextEncoder().encode('abab');
  const m = new NgramModel(train);
  // Targets b, a, b: unigram counts a:1 b:2 of 3 → p(b) = 3/259, p(a) = 2/259.
  const uni = -(2 * Math.log2(3 / 259) + Math.log2(2 / 259)) / 3;
  assert.ok(Math.abs(m.unigramBpb(train) - uni) < 1e-12);
  // Bigram: after a: b twice (ctx a = 2) → p(b|a) = 3/258; after b: a once (ctx b = 1) → p(a|b) = 2/257.
  const bi = -(2 * Math.log2(3 / 258) + Math.log2(2 / 257)) / 3;
  assert.ok(Math.abs(m.bigramBpb(train) - bi) < 1e-12);
  assert.ok(gzipBpb(new TextEncoder().encode('a'.repeat(10000))) < 0.1);
});
