import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kClauses, kDnf, kLZ, kTheta, lz76, minimumCover, minimumDnf } from '../../src/boolean/complexity.js';
import { dnfLength, evalDnf } from '../../src/boolean/dnf.js';
import { seqRng } from '../../src/boolean/rng.js';
import { complement, parity, tile, constant, getBit, type TruthTable } from '../../src/boolean/truth-table.js';

/**
 * Independent brute force: dp over subsets of the required minterms, every cube inside the allowed
 * set as a candidate (no primes, no bounds). Exponential; fine for ≤ 16 required minterms.
 */
function bruteCover(req: TruthTable, dc: TruthTable | undefined, cost: (lits: number) => number): number {
  const n = req.n, N = 2 ** n;
  const reqList: number[] = [];
  for (let v = 0; v < N; v++) if (getBit(req, v)) reqList.push(v);
  const allowed = (v: number) => getBit(req, v) || (dc ? getBit(dc, v) : false);
  const cubes: { mask: number; c: number }[] = [];
  for (let code = 0; code < 3 ** n; code++) {
    let pos = 0, neg = 0, c = code, lits = 0;
    for (let j = 0; j < n; j++) { const d = c % 3; c = (c - d) / 3; if (d === 1) { pos |= 1 << j; lits++; } else if (d === 2) { neg |= 1 << j; lits++; } }
    let ok = true, mask = 0;
    for (let v = 0; v < N && ok; v++) if ((v & pos) === pos && (v & neg) === 0) { if (!allowed(v)) ok = false; }
    if (!ok) continue;
    reqList.forEach((v, i) => { if ((v & pos) === pos && (v & neg) === 0) mask |= 1 << i; });
    if (mask) cubes.push({ mask, c: cost(lits) });
  }
  const full = (1 << reqList.length) - 1;
  const dp = new Float64Array(full + 1).fill(Infinity);
  dp[0] = 0;
  for (let s = 0; s <= full; s++) {
    if (dp[s] === Infinity) continue;
    for (const q of cubes) { const t = s | q.mask; if (dp[s] + q.c < dp[t]) dp[t] = dp[s] + q.c; }
  }
  return dp[full];
}

const fn = (n: number, bits: number): TruthTable => ({ n, words: Uint32Array.of(bits >>> 0) });

test('minimum cover equals brute force: all 256 functions of n = 3, random n = 4 with don\'t-cares, three costs', () => {
  for (let f = 0; f < 256; f++) {
    const t = fn(3, f);
    assert.equal(minimumCover(t, undefined).cost, bruteCover(t, undefined, (l) => l), `f=${f}`);
    assert.equal(minimumCover(t, undefined, { cost: 'clauses' }).cost, bruteCover(t, undefined, () => 1));
    assert.equal(minimumCover(t, undefined, { cost: 'literals+clauses' }).cost, bruteCover(t, undefined, (l) => l + 1));
  }
  const rng = seqRng(5, 1);
  for (let k = 0; k < 40; k++) {
    const dcBits = rng.u32() & rng.u32() & 0xffff;
    const reqBits = rng.u32() & ~dcBits & 0xffff;
    const req = fn(4, reqBits), dc = fn(4, dcBits);
    const r = minimumCover(req, dc);
    assert.equal(r.cost, bruteCover(req, dc, (l) => l));
    assert.ok(r.exact);
    // The returned DNF covers every required input and nothing outside required ∪ don't-care.
    const out = evalDnf(r.dnf);
    assert.equal(dnfLength(r.dnf), r.cost);
    for (let v = 0; v < 16; v++) {
      if (getBit(req, v)) assert.equal(getBit(out, v), 1);
      if (getBit(out, v)) assert.ok(getBit(req, v) || getBit(dc, v));
    }
  }
});

test('K on known functions: k-parity k·2^(k−1), K_θ = (k+1)·2^(k−1), K_C = 2^k; constants 0; both polarities', () => {
  for (let n = 2; n <= 6; n++) {
    for (let k = 1; k <= Math.min(n, 5); k++) {
      const p = parity(n, Array.from({ length: k }, (_, j) => j));
      assert.equal(kDnf(p).value, k * 2 ** (k - 1), `n=${n} k=${k}`);
      assert.equal(kTheta(p).value, (k + 1) * 2 ** (k - 1));
      assert.equal(kClauses(p).value, 2 ** k);
    }
    assert.equal(kDnf(constant(n, 0)).value, 0);
    assert.equal(kDnf(constant(n, 1)).value, 0);
  }
  // One-hot (t = 1) needs the full minterm, n literals; its complement too (β = −1).
  const one = fn(4, 1 << 5);
  assert.equal(kDnf(one).value, 4);
  assert.equal(kDnf(complement(one)).value, 4);
  // "1001" tiled is XNOR(x1, x2) under x1 = least significant bit: K = 4 for every n.
  for (let n = 2; n <= 8; n++) assert.equal(kDnf(tile(n, '1001')).value, 4);
  // β = −1 matters: x1 ∨ x2 ∨ x3 costs 3 either way, but "all but one minterm" costs n, not 2^n-ish.
  const r = minimumDnf(fn(3, 0xfe));
  assert.equal(r.cost, 3);
});

test('Lempel–Ziv: Kaspar–Schuster reference value and eq. 8', () => {
  assert.equal(lz76('0001101001000101'), 6); // the example of Kaspar & Schuster (1987)
  assert.equal(kLZ('0000000000000000'), 4);
  assert.equal(kLZ('1111'), 2);
  const x = '0110100110010110';
  const rev = x.split('').reverse().join('');
  assert.equal(kLZ(x), (4 * (lz76(x) + lz76(rev))) / 2);
  // A repeated tile is far simpler for LZ than a random string of the same length.
  const rng = seqRng(9, 9);
  let r = '';
  for (let i = 0; i < 64; i++) r += rng.u32() & 1;
  assert.ok(kLZ('1001'.repeat(16)) < kLZ(r) / 2);
  assert.ok(toBits(parity(2, [0, 1])) === '0110');
});

function toBits(t: TruthTable): string { let s = ''; for (let v = 0; v < 2 ** t.n; v++) s += getBit(t, v); return s; }
