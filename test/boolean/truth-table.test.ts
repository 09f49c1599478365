import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  entropy, fromBitString, getBit, literalPlane, majority, ones, parity, popcount32, tile, toBitString, validMask, wordsFor,
} from '../../src/boolean/truth-table.js';
import { seqRng } from '../../src/boolean/rng.js';

test('literal planes: bit v of x_{j+1} is bit j of v, for every n up to 12', () => {
  for (let n = 1; n <= 12; n++) {
    assert.equal(wordsFor(n), Math.max(1, 2 ** n / 32));
    for (let j = 0; j < n; j++) {
      const p = literalPlane(n, j);
      for (let v = 0; v < 2 ** n; v++) assert.equal((p[v >>> 5] >>> (v & 31)) & 1, (v >>> j) & 1, `n=${n} j=${j} v=${v}`);
      if (n < 5) assert.equal(p[0] & ~validMask(n), 0, 'unused bits stay zero');
    }
  }
});

test('bit strings round-trip and the paper\'s families have the right counts', () => {
  const rng = seqRng(3, 99);
  for (let n = 1; n <= 9; n++) {
    let s = '';
    for (let v = 0; v < 2 ** n; v++) s += rng.u32() & 1 ? '1' : '0';
    assert.equal(toBitString(fromBitString(s)), s);
  }
  assert.equal(toBitString(parity(4, [0, 1, 2, 3])), '0110100110010110');
  assert.equal(toBitString(parity(3, [0])), '01010101');
  for (let k = 0; k <= 7; k++) assert.equal(ones(parity(7, Array.from({ length: k }, (_, j) => j))), k === 0 ? 0 : 64);
  for (const t of [0, 1, 35, 128]) assert.equal(ones(entropy(7, t, rng)), t);
  assert.equal(toBitString(tile(3, '01001')), '01001010');
  assert.equal(ones(majority(5)), 16);
  assert.equal(popcount32(0xffffffff), 32);
  assert.equal(getBit(fromBitString('0001'), 3), 1);
});

test('bad truth tables are rejected with a message naming the allowed lengths', () => {
  assert.throws(() => fromBitString('0110011'), /length 7; it must have length 2\^n/);
  assert.throws(() => fromBitString('01a0'), /only the characters 0 and 1/);
  assert.throws(() => fromBitString('1'), /length 1/);
});
