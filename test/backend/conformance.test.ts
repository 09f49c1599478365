/**
 * Conformance: every backend available on this machine against the js reference.
 *
 * f32 kernels must agree within a rounding-error bound derived from the same computation on absolute
 * values (|error| ≤ c·(k+4)·2⁻²⁴·(|α|·|A||B| + |β||C|)), int8 must be exact, and every backend must
 * honour the contract in src/backend/types.ts: a row's result does not depend on how many rows are in
 * the call (checked bit for bit by splitting calls), and the wasm backend gives bit-identical results
 * for any thread count. Backends that cannot load here (native without its addon) are skipped visibly.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend, loadBackend, type Backend } from '../../src/backend/index.js';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { createNativeBackend } from '../../src/backend/native.js';

// ---------------------------------------------------------------------------------------------------
// Deterministic test data (a tiny LCG, so failures reproduce).

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function randF32(n: number, r: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}
function randI8(n: number, r: () => number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(r() * 256) - 128;
  return a;
}
const abs = (a: Float32Array) => a.map(Math.abs);

/** Copies into a buffer of `be` (zero-copy path) or returns a plain copy (staging path). */
function place(be: Backend, src: Float32Array, owned: boolean): Float32Array {
  const out = owned ? be.allocF32(src.length) : new Float32Array(src.length);
  out.set(src);
  return out;
}

function assertClose(got: Float32Array, want: Float32Array, bound: Float32Array, k: number, what: string): void {
  const f = 2 * (k + 4) * 2 ** -24;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const tol = f * bound[i] + 1e-30;
    if (!(err <= tol)) assert.fail(`${what}: element ${i}: got ${got[i]}, want ${want[i]} (|err| ${err} > ${tol})`);
  }
}

function assertBitEqual(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

/** Rows [r0, r0+rows) of op(A) stored the way sgemm expects them for a call over those rows only. */
function rowsOfOpA(a: Float32Array, transA: boolean, m: number, k: number, r0: number, rows: number): Float32Array {
  if (!transA) return a.slice(r0 * k, (r0 + rows) * k);
  const out = new Float32Array(k * rows);
  for (let p = 0; p < k; p++) for (let i = 0; i < rows; i++) out[p * rows + i] = a[p * m + r0 + i];
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The backends under test.

interface Candidate {
  name: string;
  make: () => Backend;
  /** A slow backend (WebGPU on a software adapter): the largest split shapes are left out. */
  small?: boolean;
}
// WebGPU: the GPU, or SwiftShader's software Vulkan driver from Debian's chromium (.ci/run installs it and libvulkan1).
let webgpu: Backend | undefined;
let webgpuSkip: string | false = false;
try {
  webgpu = await loadBackend('webgpu');
} catch (e) {
  webgpuSkip = `webgpu backend not available here: ${(e as Error).message}`;
}
let nativeSkip: string | false = false;
try {
  createNativeBackend({ threads: 1 });
} catch (e) {
  nativeSkip = `native backend not available here: ${(e as Error).message}`;
}
const candidates: (Candidate & { skip: string | false })[] = [
  { name: 'wasm (1 thread)', make: () => createWasmBackend({ threads: 1 }), skip: false },
  // minParallelWork 0 forces every call to be split over both threads, so splitting is exercised.
  { name: 'wasm (2 threads, always split)', make: () => createWasmBackend({ threads: 2, minParallelWork: 0 }), skip: false },
  { name: 'native (1 thread)', make: () => createNativeBackend({ threads: 1 }), skip: nativeSkip },
  { name: 'native (2 threads)', make: () => createNativeBackend({ threads: 2 }), skip: nativeSkip },
  { name: 'webgpu', make: () => webgpu!, skip: webgpuSkip, small: true },
];

const GEMM_SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 9, 1], [3, 1, 7], [4, 8, 16], [5, 7, 3], [2, 3, 0], [13, 17, 19], [33, 9, 65], [8, 40, 1], [67, 45, 130], [130, 70, 257],
];
const ALPHA_BETA: [number, number][] = [[1, 0], [0.5, -2], [-1.25, 1]];

for (const cand of candidates) {
  describe(`backend ${cand.name}`, { skip: cand.skip }, () => {
    const be = cand.skip ? jsBackend : cand.make();

    test('sgemm matches the reference: all transposes, odd and non-tile shapes, alpha/beta', () => {
      const r = rng(1);
      let owned = false;
      for (const [m, n, k] of GEMM_SHAPES) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            for (const [alpha, beta] of ALPHA_BETA) {
              owned = !owned;
              const a = randF32(m * k, r), b = randF32(k * n, r), c0 = randF32(m * n, r);
              const want = c0.slice();
              jsBackend.sgemm(ta, tb, m, n, k, alpha, a, b, beta, want);
              const bound = abs(c0);
              jsBackend.sgemm(ta, tb, m, n, k, Math.abs(alpha), abs(a), abs(b), Math.abs(beta), bound);
              const c = place(be, c0, owned);
              be.sgemm(ta, tb, m, n, k, alpha, place(be, a, owned), place(be, b, owned), beta, c);
              assertClose(c, want, bound, k, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k} α=${alpha} β=${beta}`);
            }
          }
        }
      }
    });

    test('sgemm with beta 0 ignores NaN in C', () => {
      const r = rng(2);
      const [m, n, k] = [9, 11, 13];
      const c = be.allocF32(m * n).fill(NaN);
      be.sgemm(false, true, m, n, k, 1, randF32(m * k, r), randF32(n * k, r), 0, c);
      assert.ok(c.every(Number.isFinite), 'C still has NaN after beta = 0');
    });

    test('sgemm rows do not depend on the rows beside them (split calls are bit-identical)', () => {
      const r = rng(3);
      // Tile tails in m and n on both kernels' tile shapes, and a layer large enough for several column groups.
      for (const [m, n, k] of ([[23, 19, 37], [64, 33, 130], [300, 24, 50], [300, 400, 400]] as const).filter(([m, n, k]) => !cand.small || m * n * k < 1e6)) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = randF32(m * k, r), b = randF32(k * n, r), c0 = randF32(m * n, r);
            const whole = c0.slice();
            be.sgemm(ta, tb, m, n, k, 0.75, a, b, 0.5, whole);
            for (const s of [1, 3, 5, 12, 131].filter((v) => v < m)) {
              const top = c0.slice(0, s * n), bottom = c0.slice(s * n);
              be.sgemm(ta, tb, s, n, k, 0.75, rowsOfOpA(a, ta, m, k, 0, s), b, 0.5, top);
              be.sgemm(ta, tb, m - s, n, k, 0.75, rowsOfOpA(a, ta, m, k, s, m - s), b, 0.5, bottom);
              const joined = new Float32Array(m * n);
              joined.set(top);
              joined.set(bottom, s * n);
              assertBitEqual(joined, whole, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k} split at ${s}`);
            }
          }
        }
      }
    });

    test('sgemv matches the reference (both transposes, alpha/beta, NaN in y with beta 0)', () => {
      const r = rng(4);
      for (const [m, n] of [[1, 1], [7, 3], [3, 17], [33, 65], [100, 9]] as const) {
        for (const trans of [false, true]) {
          for (const [alpha, beta] of ALPHA_BETA) {
            const a = randF32(m * n, r);
            const x = randF32(trans ? m : n, r);
            const y0 = beta === 0 ? new Float32Array(trans ? n : m).fill(NaN) : randF32(trans ? n : m, r);
            const want = y0.slice();
            jsBackend.sgemv(trans, m, n, alpha, a, x, beta, want);
            const bound = beta === 0 ? new Float32Array(y0.length) : abs(y0);
            jsBackend.sgemv(trans, m, n, Math.abs(alpha), abs(a), abs(x), Math.abs(beta), bound);
            const y = place(be, y0, true);
            be.sgemv(trans, m, n, alpha, place(be, a, true), place(be, x, false), beta, y);
            assertClose(y, want, bound, trans ? m : n, `sgemv ${trans ? 'T' : 'N'} ${m}×${n} α=${alpha} β=${beta}`);
          }
        }
      }
    });

    test('lowRankAdd matches the reference over several ranks; rows with coef 0 are untouched', () => {
      const r = rng(5);
      for (const [rows, n, m] of [[1, 1, 1], [6, 13, 9], [40, 64, 33], [17, 130, 70]] as const) {
        for (const rank of [1, 2, 4, 7]) {
          const pairs = Math.max(1, rows >> 1);
          const x = randF32(rows * n, r), bt = randF32(pairs * rank * n, r), at = randF32(pairs * rank * m, r);
          const pair = new Int32Array(rows).map(() => Math.floor(r() * pairs));
          const coef = new Float32Array(rows).map((_, i) => (i % 3 === 1 ? 0 : (r() < 0.5 ? -1 : 1) * (0.1 + r())));
          const y0 = randF32(rows * m, r);
          const want = y0.slice();
          jsBackend.lowRankAdd(rows, n, m, rank, x, bt, at, pair, coef, want);
          const bound = abs(y0);
          jsBackend.lowRankAdd(rows, n, m, rank, abs(x), abs(bt), abs(at), pair, abs(coef), bound);
          const y = place(be, y0, rank % 2 === 0);
          be.lowRankAdd(rows, n, m, rank, place(be, x, rank % 2 === 1), bt, at, pair, coef, y);
          assertClose(y, want, bound, (n + 4) * rank, `lowRankAdd ${rows}×${n}→${m} r=${rank}`);
          for (let i = 0; i < rows; i++) {
            if (coef[i] === 0) assertBitEqual(y.subarray(i * m, (i + 1) * m), y0.subarray(i * m, (i + 1) * m), `row ${i} with coef 0`);
          }
          // Row-split invariance.
          const s = rows >> 1;
          if (s > 0) {
            const split = y0.slice();
            be.lowRankAdd(s, n, m, rank, x.subarray(0, s * n), bt, at, pair.subarray(0, s), coef.subarray(0, s), split.subarray(0, s * m));
            be.lowRankAdd(rows - s, n, m, rank, x.subarray(s * n), bt, at, pair.subarray(s), coef.subarray(s), split.subarray(s * m));
            assertBitEqual(split, y, `lowRankAdd ${rows}×${n}→${m} r=${rank} split at ${s}`);
          }
        }
      }
    });

    test('igemm is exact, including the extremes ±127/−128 and odd k', () => {
      const r = rng(6);
      for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [13, 17, 31], [33, 9, 64], [20, 30, 1001]] as const) {
        const a = randI8(m * k, r), b = randI8(n * k, r);
        const want = new Int32Array(m * n);
        jsBackend.igemm(m, n, k, a, b, want);
        const c = be.allocI32(m * n).fill(12345);
        be.igemm(m, n, k, a, b, c);
        assertBitEqual(c, want, `igemm ${m}×${n}×${k}`);
      }
      // Extremes: every product at its largest magnitude; (−128)·(−128)·k is the largest sum.
      for (const [va, vb] of [[-128, -128], [-128, 127], [127, 127], [127, -128]] as const) {
        const [m, n, k] = [6, 10, 4097];
        const a = be.allocI8(m * k).fill(va), b = new Int8Array(n * k).fill(vb);
        const c = new Int32Array(m * n);
        be.igemm(m, n, k, a, b, c);
        assert.ok(c.every((v) => v === va * vb * k), `igemm with all ${va}·${vb}: got ${c[0]}, want ${va * vb * k}`);
      }
      // Row-split invariance.
      const [m, n, k] = [21, 11, 77]; // k ≥ 64: the native backend's own int8 kernel (shorter k goes to wasm)
      const a = randI8(m * k, r), b = randI8(n * k, r);
      const whole = new Int32Array(m * n), split = new Int32Array(m * n);
      be.igemm(m, n, k, a, b, whole);
      be.igemm(7, n, k, a.subarray(0, 7 * k), b, split.subarray(0, 7 * n));
      be.igemm(m - 7, n, k, a.subarray(7 * k), b, split.subarray(7 * n));
      assertBitEqual(split, whole, 'igemm split at 7');
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Thread-count invariance and the wasm memory itself.

describe('wasm backend threads and memory', () => {
  test('1 thread and 2 threads give bit-identical results', () => {
    const one = createWasmBackend({ threads: 1 });
    const two = createWasmBackend({ threads: 2, minParallelWork: 0 });
    const r = rng(7);
    for (const [m, n, k] of [[203, 77, 150], [64, 257, 33]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randF32(m * k, r), b = randF32(k * n, r);
          const c1 = randF32(m * n, r), c2 = c1.slice();
          one.sgemm(ta, tb, m, n, k, 1.5, a, b, 0.25, c1);
          two.sgemm(ta, tb, m, n, k, 1.5, a, b, 0.25, c2);
          assertBitEqual(c2, c1, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k}`);
        }
      }
      const ia = randI8(m * k, r), ib = randI8(n * k, r);
      const i1 = new Int32Array(m * n), i2 = new Int32Array(m * n);
      one.igemm(m, n, k, ia, ib, i1);
      two.igemm(m, n, k, ia, ib, i2);
      assertBitEqual(i2, i1, `igemm ${m}×${n}×${k}`);
      const rank = 3, pairs = (m + 1) >> 1;
      const x = randF32(m * k, r), bt = randF32(pairs * rank * k, r), at = randF32(pairs * rank * n, r);
      const pair = new Int32Array(m).map((_, i) => i >> 1);
      const coef = new Float32Array(m).map((_, i) => (i % 2 ? -0.3 : 0.3));
      const y1 = randF32(m * n, r), y2 = y1.slice();
      one.lowRankAdd(m, k, n, rank, x, bt, at, pair, coef, y1);
      two.lowRankAdd(m, k, n, rank, x, bt, at, pair, coef, y2);
      assertBitEqual(y2, y1, `lowRankAdd ${m}×${k}→${n}`);
    }
  });

  test('native: threads 1 and threads 2 give bit-identical results', { skip: nativeSkip }, () => {
    const one = createNativeBackend({ threads: 1 });
    const two = createNativeBackend({ threads: 2 });
    const r = rng(8);
    // Tiny and large layers, several transposes, row counts that are not multiples of the 12-row tile.
    for (const [m, n, k] of [[300, 24, 50], [517, 400, 400], [1000, 80, 64]] as const) {
      for (const [ta, tb] of [[false, true], [true, false], [false, false]] as const) {
        const a = one.allocF32(m * k), b = one.allocF32(k * n);
        a.set(randF32(m * k, r));
        b.set(randF32(k * n, r));
        const c1 = one.allocF32(m * n), c2 = one.allocF32(m * n);
        one.sgemm(ta, tb, m, n, k, 1, a, b, 0, c1);
        two.sgemm(ta, tb, m, n, k, 1, a, b, 0, c2);
        assertBitEqual(c2, c1, `native sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k}`);
      }
    }
    // int8, large enough to be split over the threads, checked against the reference too.
    const [m, n, k] = [301, 200, 101];
    const a = randI8(m * k, r), b = randI8(n * k, r);
    const want = new Int32Array(m * n), i1 = new Int32Array(m * n), i2 = new Int32Array(m * n);
    jsBackend.igemm(m, n, k, a, b, want);
    one.igemm(m, n, k, a, b, i1);
    two.igemm(m, n, k, a, b, i2);
    assertBitEqual(i1, want, 'native igemm 1 thread');
    assertBitEqual(i2, want, 'native igemm 2 threads');
  });

  test('views survive memory growth; freed blocks are reused; foreign arrays are left as they were', () => {
    const be = createWasmBackend({ threads: 1 });
    const first = be.allocF32(1000).fill(3.5);
    const before = be.reservedBytes;
    const big = be.allocF32(8 << 20); // 32 MiB: forces the memory to grow
    assert.ok(be.reservedBytes > before + 32e6);
    big[big.length - 1] = 7;
    assert.ok(first.every((v) => v === 3.5), 'an old view changed or was detached by growth');
    first[999] = 1;
    assert.equal(first[999], 1);
    const top = be.reservedBytes;
    be.free(big);
    const again = be.allocF32(8 << 20);
    assert.equal(be.reservedBytes, top, 'a freed block of the same size class was not reused');
    assert.equal(again.byteOffset, big.byteOffset);
    // Kernels on buffers allocated before the growth still work.
    const a = be.allocF32(4).fill(1), b = be.allocF32(4).fill(2), c = be.allocF32(1);
    be.sgemm(false, true, 1, 1, 4, 1, a, b, 0, c);
    assert.equal(c[0], 8);
    assert.throws(() => be.sgemm(false, false, 2, 2, 2, 1, new Float32Array(3), new Float32Array(4), 0, new Float32Array(4)), /A has 3 elements/);
  });

  test('arrays stay recognised as wasm memory (zero copy) when another wasm memory grows', () => {
    // V8 may hand out a new buffer object for a shared memory when some other shared memory grows; the
    // allocator must still recognise views made on it, or every call would silently copy them.
    const one = createWasmBackend({ threads: 1 });
    const two = createWasmBackend({ threads: 1 });
    const before = one.allocF32(16);
    two.allocF32(4 << 20); // grows the other memory
    const after = one.allocF32(16);
    const grown = one.allocF32(4 << 20); // grows this one
    for (const v of [before, after, grown]) one.free(v); // free() throws for an array it does not recognise
    assert.throws(() => one.free(new Float32Array(new SharedArrayBuffer(64))), /not allocated here/);
  });

  test('a program that used worker threads exits by itself', () => {
    const backend = fileURLToPath(new URL('../../src/backend/wasm.ts', import.meta.url));
    const script = `
      import { createWasmBackend } from ${JSON.stringify(backend)};
      const be = createWasmBackend({ threads: 2, minParallelWork: 0 });
      const n = 64, a = be.allocF32(n * n).fill(1), c = be.allocF32(n * n);
      be.sgemm(false, false, n, n, n, 1, a, a, 0, c);
      console.log(c[0]);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.error, undefined, `child did not exit: ${r.error?.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '64');
  });
});
