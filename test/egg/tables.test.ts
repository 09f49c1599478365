import { test } from 'node:test';
import assert from 'node:assert/strict';
import { log2, pow } from '../../src/math/index.js';
import { i8, EXP2, mantTable, log2Fix16, log2Reference, divTrunc, normalI8, CDF_U32, probitFix16, isqrt } from '../../src/egg/tables.js';
import { fillNormalI8, noiseKey } from '../../src/egg/noise.js';

test('i8 saturates to [-127, 127] and never produces -128', () => {
  for (const [x, y] of [[0, 0], [127, 127], [128, 127], [1e6, 127], [-127, -127], [-128, -127], [-1e6, -127], [-5, -5]]) assert.equal(i8(x), y);
});

test('EXP2 is round(16·2^(i/16)) and its 256-term sum stays below 2^28', () => {
  for (let i = 0; i < 256; i++) assert.equal(EXP2[i], Math.round(16 * 2 ** (i / 16)));
  for (let i = 0; i < 256; i++) assert.equal(EXP2[i], Math.round(16 * pow(2, i / 16)), `EXP2[${i}] against the correctly rounded pow`);
  assert.ok(256 * EXP2[255] < 2 ** 28);
  assert.equal(EXP2[0], 16);
  assert.equal(EXP2[16], 32);
});

test('log2Fix16 equals round(16·log2(s/16)) up to ±1, exhaustively for s < 2^22', () => {
  let mismatches = 0;
  const N = 1 << 22;
  for (let s = 1; s < N; s++) {
    const d = log2Fix16(s) - log2Reference(s);
    if (d !== 0) {
      mismatches++;
      assert.ok(Math.abs(d) === 1, `s=${s}: off by ${d}`);
      // A mismatch happens only next to a rounding boundary: the exact value is within 3.6e-4 of .5.
      const exact = 16 * Math.log2(s / 16);
      assert.ok(Math.abs(exact - Math.floor(exact) - 0.5) < 3.6e-4, `s=${s}: exact ${exact}`);
    }
  }
  assert.ok(mismatches / N < 1e-3, `mismatch rate ${mismatches / N}`);
});

test('log2Fix16 stays within ±1 of the exact table over the full 28-bit range (random sample)', () => {
  let x = 12345;
  let mismatches = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const s = 1 + (x % (2 ** 28 - 1));
    const d = log2Fix16(s) - log2Reference(s);
    assert.ok(Math.abs(d) <= 1, `s=${s}`);
    if (d !== 0) mismatches++;
  }
  assert.ok(mismatches / n < 1e-3);
  assert.equal(log2Fix16(16), 0);
  assert.equal(log2Fix16(32), 16);
  assert.equal(log2Fix16(2 ** 28 - 1), log2Reference(2 ** 28 - 1));
});

test('divTrunc is exact truncating division for every |p| ≤ 127·127 and m in 1..127', () => {
  for (let m = 1; m <= 127; m++) {
    for (let p = -16129; p <= 16129; p++) {
      if (divTrunc(p, m) !== Math.trunc(p / m)) assert.fail(`divTrunc(${p}, ${m}) = ${divTrunc(p, m)}, expected ${Math.trunc(p / m)}`);
    }
  }
});

test('normalI8 inverts the tabulated CDF (checked against a binary search) and gives round(16·N(0,1))', () => {
  let x = 99;
  for (let i = 0; i < 100_000; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    let lo = 0, hi = CDF_U32.length - 1; // first k with u < CDF[k]
    while (lo < hi) { const mid = (lo + hi) >> 1; if (x < CDF_U32[mid]) hi = mid; else lo = mid + 1; }
    assert.equal(normalI8(x), lo - 127);
  }
  assert.equal(normalI8(0), -100); // the extremes: P(|v| = 100) ≈ 2^−32
  assert.equal(normalI8(0xffffffff), 100);
  const out = new Int8Array(200_000);
  fillNormalI8(noiseKey(7, 2), 1, 2, 3, out, 0, out.length);
  let s = 0, s2 = 0, maxAbs = 0;
  for (const v of out) { s += v; s2 += v * v; maxAbs = Math.max(maxAbs, Math.abs(v)); }
  const mean = s / out.length, sd = Math.sqrt(s2 / out.length - mean * mean);
  assert.ok(Math.abs(mean) < 0.15, `mean ${mean}`);
  assert.ok(Math.abs(sd - 16) < 0.15, `sd ${sd}`); // round() adds variance 1/12: √(256+1/12) ≈ 16.003
  assert.ok(maxAbs < 127);
});

test('noise is a pure function of (key, pair, epoch, param) and any slice of a stream', () => {
  const a = new Int8Array(37), b = new Int8Array(37), c = new Int8Array(37);
  fillNormalI8(noiseKey(1, 2), 5, 6, 7, a, 0, 37);
  fillNormalI8(noiseKey(1, 2), 5, 6, 7, b, 0, 37);
  fillNormalI8(noiseKey(1, 2), 5, 7, 7, c, 0, 37);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('probitFix16 and isqrt', () => {
  assert.equal(probitFix16(0.5), 0);
  assert.equal(probitFix16(0.975), 31); // 16·1.95996 = 31.36
  assert.equal(probitFix16(1 - 0.0625 / 2), 29); // 16·1.8627 = 29.8
  for (const n of [0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 2 ** 40 - 1, 2 ** 40]) {
    const r = isqrt(n);
    assert.ok(r * r <= n && (r + 1) * (r + 1) > n, `isqrt(${n}) = ${r}`);
  }
});

test('MANT (built by a plain-double series) is round(2^20·log2(1 + j/2^16)) with the correctly rounded log2, every entry', () => {
  const t = mantTable();
  assert.equal(t.length, 65536);
  for (let j = 0; j < t.length; j++) if (t[j] !== Math.round(65536 * 16 * log2(1 + j / 65536))) assert.fail(`MANT[${j}] = ${t[j]}`);
  assert.equal(mantTable(), t, 'built once');
});
