/**
 * The native lowRankAdd (AVX-512 in the addon) must give the wasm kernel's bits exactly: the native backend
 * uses the addon on one thread and the wasm kernel when a call is split over threads, so any difference
 * would make results depend on the thread count. Shapes with tails of the 8-lane dot product (n mod 8)
 * and of the 16-lane axpy (m mod 16), ranks across the wasm kernel's groups of four, rows with coef 0 and
 * −0, and non-finite inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { loadNativeAddon, type NativeAddon } from '../../src/backend/native.js';

let addon: NativeAddon | undefined;
let skip: string | false = false;
try {
  addon = loadNativeAddon();
  if (addon.gemmKernel() !== 'avx512' || !addon.lowRankAdd) skip = 'no AVX-512 lowRankAdd on this CPU';
} catch (e) {
  skip = `native addon not built: ${(e as Error).message}`;
}

function rand(len: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: len }, () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) / 2 ** 32 - 0.5) * 3;
  });
}

test('native lowRankAdd gives the wasm kernel\'s bits', { skip }, () => {
  const wasm = createWasmBackend({ threads: 1 });
  for (const [rows, n, m] of [[1, 1, 1], [7, 4, 64], [13, 64, 64], [5, 9, 17], [11, 64, 2], [4, 23, 33], [3, 130, 47]]) {
    for (const r of [1, 2, 3, 4, 5, 8]) {
      const pairs = 3;
      const x = rand(rows * n, rows * 31 + n), bt = rand(pairs * r * n, r * 7 + n), at = rand(pairs * r * m, r * 11 + m);
      const pair = Int32Array.from({ length: rows }, (_, i) => (i * 5) % pairs);
      const coef = Float32Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? 0 : i % 7 === 5 ? -0 : (i % 2 ? -0.07 : 0.11)));
      if (rows > 4) { x[n] = Number.NaN; at[m + 1] = Number.POSITIVE_INFINITY; }
      const y0 = rand(rows * m, rows + m + r);
      const want = y0.slice(), got = y0.slice();
      wasm.lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, want);
      addon!.lowRankAdd!(rows, n, m, r, x, bt, at, pair, coef, got);
      for (let e = 0; e < want.length; e++) {
        if (!Object.is(got[e], want[e])) assert.fail(`${rows}×${n}→${m}, r ${r}: element ${e} is ${got[e]}, wasm gave ${want[e]}`);
      }
    }
  }
});

test('native lowRankAdd refuses a pair outside the factors', { skip }, () => {
  const y = new Float32Array(4);
  assert.throws(() => addon!.lowRankAdd!(1, 4, 4, 1, new Float32Array(4), new Float32Array(4), new Float32Array(4),
    Int32Array.of(1), Float32Array.of(1), y), /outside the factor arrays/);
  // A row with coef 0 is not read, so its pair is not checked (the wasm kernel skips it too).
  addon!.lowRankAdd!(1, 4, 4, 1, new Float32Array(4), new Float32Array(4), new Float32Array(4), Int32Array.of(9), Float32Array.of(0), y);
});
