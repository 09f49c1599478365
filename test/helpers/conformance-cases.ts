/**
 * The backend conformance suite as plain cases, so the same checks run on every backend in Node
 * (test/backend/conformance.test.ts: the synchronous Backends) and on WebGPU inside Chromium
 * (test/browser/webgpu.test.ts: the page runs these cases on its GpuKernels). No Node module here: a failed check
 * throws an Error naming the case and the element.
 *
 * f32 kernels must agree with the js reference within a rounding-error bound derived from the same computation on
 * absolute values (|error| ≤ c·(k+4)·2⁻²⁴·(|α|·|A||B| + |β||C|)), int8 must be exact, and a row's result must not
 * depend on how many rows are in the call (checked bit for bit by splitting calls).
 */
import type { Backend } from '../../src/backend/types.js';

/** What a case drives: a Backend's kernels, each either synchronous or returning a promise (a page's GpuKernels). */
export interface KernelsUnderTest {
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void | Promise<void>;
  sgemv(trans: boolean, m: number, n: number, alpha: number, a: Float32Array, x: Float32Array, beta: number, y: Float32Array): void | Promise<void>;
  lowRankAdd(rows: number, n: number, m: number, r: number, x: Float32Array, bt: Float32Array, at: Float32Array, pair: Int32Array, coef: Float32Array, y: Float32Array): void | Promise<void>;
  igemm(m: number, n: number, k: number, a: Int8Array, b: Int8Array, c: Int32Array): void | Promise<void>;
  /** Backend memory for the zero-copy path, where the backend has its own (else plain arrays). */
  allocF32?(n: number): Float32Array;
  allocI8?(n: number): Int8Array;
  allocI32?(n: number): Int32Array;
}

export interface ConformanceCase {
  name: string;
  run: () => Promise<void>;
}

/** sgemv through a one-column sgemm, for kernels that have no GEMV of their own (the page's GpuKernels). */
export function sgemvBySgemm(sgemm: KernelsUnderTest['sgemm']): KernelsUnderTest['sgemv'] {
  return (trans, m, n, alpha, a, x, beta, y) => sgemm(trans, false, trans ? n : m, 1, trans ? m : n, alpha, a, x, beta, y);
}

// ---------------------------------------------------------------------------------------------------
// Deterministic test data (a tiny LCG, so failures reproduce).

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
export function randF32(n: number, r: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}
export function randI8(n: number, r: () => number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(r() * 256) - 128;
  return a;
}
const abs = (a: Float32Array) => a.map(Math.abs);

function fail(msg: string): never {
  throw new Error(msg);
}

/** Copies into a buffer of the kernels' own memory (zero-copy path) or returns a plain copy (staging path). */
function place(be: KernelsUnderTest, src: Float32Array, owned: boolean): Float32Array {
  const out = owned && be.allocF32 ? be.allocF32(src.length) : new Float32Array(src.length);
  out.set(src);
  return out;
}

export function assertClose(got: Float32Array, want: Float32Array, bound: Float32Array, k: number, what: string): void {
  const f = 2 * (k + 4) * 2 ** -24;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const tol = f * bound[i] + 1e-30;
    if (!(err <= tol)) fail(`${what}: element ${i}: got ${got[i]}, want ${want[i]} (|err| ${err} > ${tol})`);
  }
}

export function assertBitEqual(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) fail(`${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) fail(`${what}: element ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

/** Rows [r0, r0+rows) of op(A) stored the way sgemm expects them for a call over those rows only. */
export function rowsOfOpA(a: Float32Array, transA: boolean, m: number, k: number, r0: number, rows: number): Float32Array {
  if (!transA) return a.slice(r0 * k, (r0 + rows) * k);
  const out = new Float32Array(k * rows);
  for (let p = 0; p < k; p++) for (let i = 0; i < rows; i++) out[p * rows + i] = a[p * m + r0 + i];
  return out;
}

const GEMM_SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 9, 1], [3, 1, 7], [4, 8, 16], [5, 7, 3], [2, 3, 0], [13, 17, 19], [33, 9, 65], [8, 40, 1], [67, 45, 130], [130, 70, 257],
];
const ALPHA_BETA: [number, number][] = [[1, 0], [0.5, -2], [-1.25, 1]];

/**
 * The suite for one set of kernels; `ref` is the js reference backend; `small` leaves out the largest split shapes
 * (a software adapter).
 */
export function conformanceCases(be: KernelsUnderTest, ref: Backend, small = false): ConformanceCase[] {
  return [
    {
      name: 'sgemm matches the reference: all transposes, odd and non-tile shapes, alpha/beta',
      async run() {
        const r = rng(1);
        let owned = false;
        for (const [m, n, k] of GEMM_SHAPES) {
          for (const ta of [false, true]) {
            for (const tb of [false, true]) {
              for (const [alpha, beta] of ALPHA_BETA) {
                owned = !owned;
                const a = randF32(m * k, r), b = randF32(k * n, r), c0 = randF32(m * n, r);
                const want = c0.slice();
                ref.sgemm(ta, tb, m, n, k, alpha, a, b, beta, want);
                const bound = abs(c0);
                ref.sgemm(ta, tb, m, n, k, Math.abs(alpha), abs(a), abs(b), Math.abs(beta), bound);
                const c = place(be, c0, owned);
                await be.sgemm(ta, tb, m, n, k, alpha, place(be, a, owned), place(be, b, owned), beta, c);
                assertClose(c, want, bound, k, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k} α=${alpha} β=${beta}`);
              }
            }
          }
        }
      },
    },
    {
      name: 'sgemm with beta 0 ignores NaN in C',
      async run() {
        const r = rng(2);
        const [m, n, k] = [9, 11, 13];
        const c = place(be, new Float32Array(m * n).fill(NaN), true);
        await be.sgemm(false, true, m, n, k, 1, randF32(m * k, r), randF32(n * k, r), 0, c);
        if (!c.every(Number.isFinite)) fail('C still has NaN after beta = 0');
      },
    },
    {
      name: 'sgemm rows do not depend on the rows beside them (split calls are bit-identical)',
      async run() {
        const r = rng(3);
        // Tile tails in m and n on both kernels' tile shapes, and a layer large enough for several column groups.
        for (const [m, n, k] of ([[23, 19, 37], [64, 33, 130], [300, 24, 50], [300, 400, 400]] as const).filter(([m, n, k]) => !small || m * n * k < 1e6)) {
          for (const ta of [false, true]) {
            for (const tb of [false, true]) {
              const a = randF32(m * k, r), b = randF32(k * n, r), c0 = randF32(m * n, r);
              const whole = c0.slice();
              await be.sgemm(ta, tb, m, n, k, 0.75, a, b, 0.5, whole);
              for (const s of [1, 3, 5, 12, 131].filter((v) => v < m)) {
                const top = c0.slice(0, s * n), bottom = c0.slice(s * n);
                await be.sgemm(ta, tb, s, n, k, 0.75, rowsOfOpA(a, ta, m, k, 0, s), b, 0.5, top);
                await be.sgemm(ta, tb, m - s, n, k, 0.75, rowsOfOpA(a, ta, m, k, s, m - s), b, 0.5, bottom);
                const joined = new Float32Array(m * n);
                joined.set(top);
                joined.set(bottom, s * n);
                assertBitEqual(joined, whole, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k} split at ${s}`);
              }
            }
          }
        }
      },
    },
    {
      name: 'sgemv matches the reference (both transposes, alpha/beta, NaN in y with beta 0)',
      async run() {
        const r = rng(4);
        for (const [m, n] of [[1, 1], [7, 3], [3, 17], [33, 65], [100, 9]] as const) {
          for (const trans of [false, true]) {
            for (const [alpha, beta] of ALPHA_BETA) {
              const a = randF32(m * n, r);
              const x = randF32(trans ? m : n, r);
              const y0 = beta === 0 ? new Float32Array(trans ? n : m).fill(NaN) : randF32(trans ? n : m, r);
              const want = y0.slice();
              ref.sgemv(trans, m, n, alpha, a, x, beta, want);
              const bound = beta === 0 ? new Float32Array(y0.length) : abs(y0);
              ref.sgemv(trans, m, n, Math.abs(alpha), abs(a), abs(x), Math.abs(beta), bound);
              const y = place(be, y0, true);
              await be.sgemv(trans, m, n, alpha, place(be, a, true), place(be, x, false), beta, y);
              assertClose(y, want, bound, trans ? m : n, `sgemv ${trans ? 'T' : 'N'} ${m}×${n} α=${alpha} β=${beta}`);
            }
          }
        }
      },
    },
    {
      name: 'lowRankAdd matches the reference over several ranks; rows with coef 0 are untouched',
      async run() {
        const r = rng(5);
        for (const [rows, n, m] of [[1, 1, 1], [6, 13, 9], [40, 64, 33], [17, 130, 70]] as const) {
          for (const rank of [1, 2, 4, 7]) {
            const pairs = Math.max(1, rows >> 1);
            const x = randF32(rows * n, r), bt = randF32(pairs * rank * n, r), at = randF32(pairs * rank * m, r);
            const pair = new Int32Array(rows).map(() => Math.floor(r() * pairs));
            const coef = new Float32Array(rows).map((_, i) => (i % 3 === 1 ? 0 : (r() < 0.5 ? -1 : 1) * (0.1 + r())));
            const y0 = randF32(rows * m, r);
            const want = y0.slice();
            ref.lowRankAdd(rows, n, m, rank, x, bt, at, pair, coef, want);
            const bound = abs(y0);
            ref.lowRankAdd(rows, n, m, rank, abs(x), abs(bt), abs(at), pair, abs(coef), bound);
            const y = place(be, y0, rank % 2 === 0);
            await be.lowRankAdd(rows, n, m, rank, place(be, x, rank % 2 === 1), bt, at, pair, coef, y);
            assertClose(y, want, bound, (n + 4) * rank, `lowRankAdd ${rows}×${n}→${m} r=${rank}`);
            for (let i = 0; i < rows; i++) {
              if (coef[i] === 0) assertBitEqual(y.subarray(i * m, (i + 1) * m), y0.subarray(i * m, (i + 1) * m), `row ${i} with coef 0`);
            }
            // Row-split invariance.
            const s = rows >> 1;
            if (s > 0) {
              const split = y0.slice();
              await be.lowRankAdd(s, n, m, rank, x.subarray(0, s * n), bt, at, pair.subarray(0, s), coef.subarray(0, s), split.subarray(0, s * m));
              await be.lowRankAdd(rows - s, n, m, rank, x.subarray(s * n), bt, at, pair.subarray(s), coef.subarray(s), split.subarray(s * m));
              assertBitEqual(split, y, `lowRankAdd ${rows}×${n}→${m} r=${rank} split at ${s}`);
            }
          }
        }
      },
    },
    {
      name: 'igemm is exact, including the extremes ±127/−128 and odd k',
      async run() {
        const r = rng(6);
        const i32 = (n: number) => (be.allocI32 ? be.allocI32(n) : new Int32Array(n));
        for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [13, 17, 31], [33, 9, 64], [20, 30, 1001]] as const) {
          const a = randI8(m * k, r), b = randI8(n * k, r);
          const want = new Int32Array(m * n);
          ref.igemm(m, n, k, a, b, want);
          const c = i32(m * n).fill(12345);
          await be.igemm(m, n, k, a, b, c);
          assertBitEqual(c, want, `igemm ${m}×${n}×${k}`);
        }
        // Extremes: every product at its largest magnitude; (−128)·(−128)·k is the largest sum.
        for (const [va, vb] of [[-128, -128], [-128, 127], [127, 127], [127, -128]] as const) {
          const [m, n, k] = [6, 10, 4097];
          const a = (be.allocI8 ? be.allocI8(m * k) : new Int8Array(m * k)).fill(va), b = new Int8Array(n * k).fill(vb);
          const c = new Int32Array(m * n);
          await be.igemm(m, n, k, a, b, c);
          if (!c.every((v) => v === va * vb * k)) fail(`igemm with all ${va}·${vb}: got ${c[0]}, want ${va * vb * k}`);
        }
        // Row-split invariance.
        const [m, n, k] = [21, 11, 77]; // k ≥ 64: the native backend's own int8 kernel (shorter k goes to wasm)
        const a = randI8(m * k, r), b = randI8(n * k, r);
        const whole = new Int32Array(m * n), split = new Int32Array(m * n);
        await be.igemm(m, n, k, a, b, whole);
        await be.igemm(7, n, k, a.subarray(0, 7 * k), b, split.subarray(0, 7 * n));
        await be.igemm(m - 7, n, k, a.subarray(7 * k), b, split.subarray(7 * n));
        assertBitEqual(split, whole, 'igemm split at 7');
      },
    },
  ];
}

/** Runs every case, collecting each one's name and (when it failed) message: what a page posts back to Node. */
export async function runCases(cases: ConformanceCase[]): Promise<{ name: string; error?: string }[]> {
  const results: { name: string; error?: string }[] = [];
  for (const c of cases) {
    try {
      await c.run();
      results.push({ name: c.name });
    } catch (e) {
      results.push({ name: c.name, error: (e as Error).message });
    }
  }
  return results;
}
