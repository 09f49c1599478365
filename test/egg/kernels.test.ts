// The wasm EGG kernels against the TypeScript reference, bit for bit, on random and extreme inputs,
// lengths that are not multiples of the SIMD width, rows without noise, and the n > 1024 epilogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackend, type Backend } from '../../src/backend/index.js';
import { EGG_TABLES, tsEggKernels, type EggKernels } from '../../src/egg/kernels.js';
import { wasmEggKernels } from '../../src/backend/kernels/egg-wasm.js';
import { mix32 } from '../../src/rng/philox.js';

function rng(seed: number): () => number {
  let i = 0;
  return () => mix32(seed, i++) >>> 0;
}

/** int8 values: uniform over [−127, 127], or mostly ±127 when `extreme`. */
function fillI8(a: Int8Array, next: () => number, extreme: boolean): Int8Array {
  for (let i = 0; i < a.length; i++) {
    const r = next();
    a[i] = extreme && (r & 3) !== 0 ? ((r & 4) ? 127 : -127) : (r % 255) - 127;
  }
  return a;
}

async function setup(): Promise<{ backend: Backend; wasm: EggKernels }> {
  const backend = await loadBackend('wasm');
  const wasm = wasmEggKernels(backend, EGG_TABLES);
  assert.ok(wasm, 'the wasm EGG kernels load on the wasm backend');
  return { backend, wasm };
}

test('wasm EGG kernels equal the TypeScript reference: matmul epilogue (rank-1 term, shifts, n ≤ 1024 and n > 1024)', async () => {
  const { backend, wasm } = await setup();
  const next = rng(1);
  for (const [rows, m, n] of [[5, 4, 4], [7, 64, 64], [9, 256, 64], [6, 64, 256], [3, 13, 37], [4, 24, 1040], [3, 64, 4096]]) {
    for (const extreme of [false, true]) {
      for (const k of [4, 8, 12]) {
        const x = fillI8(backend.allocI8(rows * n), next, extreme);
        const acc = backend.allocI32(rows * m);
        // acc as a real GEMM would give it: |acc| ≤ 127²·n.
        for (let i = 0; i < acc.length; i++) acc[i] = extreme ? ((next() & 1) ? 1 : -1) * 127 * 127 * n : (next() % (2 * 127 * 127 * 8 + 1)) - 127 * 127 * 8;
        const pairs = rows;
        const noise = fillI8(backend.allocI8(pairs * (m + n) + 16), next, extreme);
        const sign = backend.allocI8(rows);
        const noiseAt = backend.allocI32(rows);
        for (let i = 0; i < rows; i++) { sign[i] = [1, -1, 0][i % 3]; noiseAt[i] = ((i * 5) % pairs) * (m + n); }
        const shift = 4 + Math.log2(Math.sqrt(n)) | 0;
        const want = new Int8Array(rows * m), got = backend.allocI8(rows * m);
        tsEggKernels.matmulEpilogue(rows, m, n, x, acc, noise, sign, noiseAt, 16, k, shift, want);
        wasm.matmulEpilogue(rows, m, n, x, acc, noise, sign, noiseAt, 16, k, shift, got);
        assert.deepEqual(Array.from(got), Array.from(want), `epilogue rows ${rows} m ${m} n ${n} k ${k} extreme ${extreme}`);
      }
    }
  }
});

test('wasm EGG kernels equal the TypeScript reference: layer norm, gates, residual adds, embedding', async () => {
  const { backend, wasm } = await setup();
  const next = rng(2);
  for (const [rows, D] of [[3, 4], [5, 16], [7, 64], [2, 256], [3, 13]]) {
    for (const extreme of [false, true]) {
      const len = rows * D;
      const logD = Math.max(0, Math.round(Math.log2(D)));
      const x = fillI8(backend.allocI8(len), next, extreme);
      if (!extreme) x.fill(0, 0, D); // an all-zero row: the mean absolute value floors to 0, divided by 1
      const w = fillI8(backend.allocI8(len), next, extreme);
      const out1 = new Int8Array(len), out2 = backend.allocI8(len);
      tsEggKernels.layerNorm(rows, D, logD, x, w, out1);
      wasm.layerNorm(rows, D, logD, x, w, out2);
      assert.deepEqual(Array.from(out2), Array.from(out1), `layerNorm ${rows}×${D} extreme ${extreme}`);

      const a = fillI8(backend.allocI8(len), next, extreme), b = fillI8(backend.allocI8(len), next, extreme), c = fillI8(backend.allocI8(len), next, extreme);
      tsEggKernels.add3(len, a, b, c, out1);
      wasm.add3(len, a, b, c, out2);
      assert.deepEqual(Array.from(out2), Array.from(out1), `add3 ${len}`);

      tsEggKernels.gruReset(len, a, b, out1);
      wasm.gruReset(len, a, b, out2);
      assert.deepEqual(Array.from(out2), Array.from(out1), `gruReset ${len}`);

      const s1 = Int8Array.from(b), y1 = Int8Array.from(c);
      const s2 = backend.allocI8(len), y2 = backend.allocI8(len);
      s2.set(b); y2.set(c);
      tsEggKernels.gruUpdate(len, a, x, s1, y1);
      wasm.gruUpdate(len, a, x, s2, y2);
      assert.deepEqual(Array.from(s2), Array.from(s1), `gruUpdate state ${len}`);
      assert.deepEqual(Array.from(y2), Array.from(y1), `gruUpdate residual ${len}`);

      const ya = Int8Array.from(a), yb = backend.allocI8(len);
      yb.set(a);
      tsEggKernels.addInto(len, ya, b);
      wasm.addInto(len, yb, b);
      assert.deepEqual(Array.from(yb), Array.from(ya), `addInto ${len}`);

      const emb = fillI8(backend.allocI8(256 * D), next, extreme);
      const noise = fillI8(backend.allocI8(rows * (256 + D) + 8), next, extreme);
      const tokView = backend.allocI8(rows);
      const tok = new Uint8Array(tokView.buffer, tokView.byteOffset, rows);
      for (let i = 0; i < rows; i++) tok[i] = i === 0 ? 0 : i === 1 ? 255 : next() & 255;
      const sign = backend.allocI8(rows), noiseAt = backend.allocI32(rows);
      for (let i = 0; i < rows; i++) { sign[i] = [-1, 1, 0][i % 3]; noiseAt[i] = i * (256 + D); }
      for (const k of [4, 8]) {
        tsEggKernels.embed(rows, D, tok, emb, noise, sign, noiseAt, 8, k, out1);
        wasm.embed(rows, D, tok, emb, noise, sign, noiseAt, 8, k, out2);
        assert.deepEqual(Array.from(out2), Array.from(out1), `embed ${rows}×${D} k ${k}`);
      }
    }
  }
});

test('wasm EGG kernels equal the TypeScript reference: integer log-softmax', async () => {
  const { backend, wasm } = await setup();
  const next = rng(3);
  const rows = 64;
  const logits = backend.allocI8(rows * 256);
  fillI8(logits, next, false);
  logits.fill(127, 0, 256); // all at the top: the largest sum
  logits.fill(-127, 256, 512); // all at the bottom: the smallest
  fillI8(logits.subarray(512, 1024), next, true);
  const tv = backend.allocI8(rows);
  const targets = new Uint8Array(tv.buffer, tv.byteOffset, rows);
  for (let i = 0; i < rows; i++) targets[i] = next() & 255;
  const want = new Int32Array(rows), got = backend.allocI32(rows);
  tsEggKernels.logProbs(rows, logits, targets, want);
  wasm.logProbs(rows, logits, targets, got);
  assert.deepEqual(Array.from(got), Array.from(want));
});

test('wasm EGG kernels refuse arrays that are not in backend memory', async () => {
  const { backend, wasm } = await setup();
  assert.throws(() => wasm.addInto(4, new Int8Array(4), backend.allocI8(4)), /allocated by the backend/);
});
