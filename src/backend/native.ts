/**
 * The native backend: our own f32 GEMM in C (native/eggroll_native.c, AVX-512 or AVX2+FMA, built at
 * install time by native/install.mjs), and the exact int8 GEMM through the addon's AVX-512 VNNI kernel
 * on CPUs that have it. Everything else — the allocator, GEMV, lowRankAdd, and int8 elsewhere — is the
 * wasm backend's: GEMV is memory-bound (wasm SIMD is as fast), and sharing the wasm memory means tensors
 * pass between the addon and the wasm kernels without copies.
 *
 * The row contract (src/backend/types.ts) holds by construction: the C kernel computes every element as
 * one f32 FMA chain over k in increasing order, then alpha and beta, whatever the call's row count, the
 * row's position in it, the thread or the instruction set. So calls are split freely — by threads into
 * chunks of rows taken from a shared counter, like the wasm backend — and need no padding.
 *
 * Why not OpenBLAS's sgemm: with some of its kernels a row's bits depend on its position in the call
 * (OpenBLAS 0.3.21 under OPENBLAS_CORETYPE=Haswell: a row at position 7 of a 128-row call differs from
 * the same row at position 0), so no way of calling it is invariant by construction. OpenBLAS, when
 * installed, is linked only so `bench gemm` can show what determinism costs (`blasSgemm`).
 *
 * Belt and braces: createNativeBackend() checks the contract on a few small shapes at load (about a
 * millisecond). If the check fails, `auto` falls back to wasm; `--backend native` proceeds, with a warning,
 * and the backend reports `nondeterministic` (commands record it in config.json).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ACT_CODE } from './epilogue.js';
import type { Backend, PackedB, PackedBKernels } from './types.js';
import { createWasmBackend, WASM_INTERNALS, type WasmBackend, type WasmInternals } from './wasm.js';
import { defaultThreads } from './kernel-choice.js';

export interface NativeAddon {
  /**
   * Our deterministic kernel: C[cOff..] (m×n) ← alpha·op(A)·op(B) + beta·C, op(A) starting at a[aOff]
   * with leading dimension lda. Throws when gemmKernel() is 'none'.
   */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, aOff: number, lda: number, b: Float32Array, beta: number, c: Float32Array, cOff: number): void;
  /** Floats that packB needs for a k×n op(B) in this CPU's kernel layout. */
  packedBLength?(n: number, k: number): number;
  /** op(B) (B k×n, or n×k when transB) packed into `packed` (64-byte aligned), as sgemm packs it inside a call. */
  packB?(transB: boolean, n: number, k: number, b: Float32Array, packed: Float32Array): void;
  /** sgemm with b = a pack from packB(transB, n, k, …): the same bits as sgemm on the unpacked B. */
  sgemmPacked?: NativeAddon['sgemm'];
  /** Which f32 kernel this CPU runs ('avx512' | 'avx2' | 'none'); EGGROLL_GEMM_ISA=avx2 forces the narrower one. */
  gemmKernel(): 'avx512' | 'avx2' | 'none';
  /** OpenBLAS's cblas_sgemm with sgemm's arguments; present only when OpenBLAS was linked. Not row-invariant. */
  blasSgemm?: NativeAddon['sgemm'];
  /** OpenBLAS's own thread count (a no-op without OpenBLAS). */
  setBlasThreads(n: number): void;
  /** OpenBLAS's build and core, or '' when it is not linked. */
  blasConfig(): string;
  /** Exact int8 GEMM with AVX-512 VNNI; call only when igemmSupported(). */
  igemm(m: number, n: number, k: number, a: Int8Array, b: Int8Array, c: Int32Array): void;
  /** Philox normals from block b0 into out[offset … +count), bit-identical to fillNormalsRef; AVX-512 only. */
  normals?(key0: number, key1: number, c1: number, c2: number, c3: number, b0: number, out: Float32Array, offset: number, count: number): void;
  /** The Box–Muller transform alone for (radius word, angle word) pairs, in float64 (tests of edge words); AVX-512 only. */
  boxMuller?(words: Uint32Array, out: Float64Array): void;
  /**
   * Backend.layer: sgemmPacked (W packed by packB(true, m, n, W)), lowRankAdd when bt is given, biasAct
   * (act 0|1|2) in one call; AVX-512 only.
   */
  layer?(rows: number, n: number, m: number, x: Float32Array, packedW: Float32Array, r: number, bt: Float32Array | null,
    at: Float32Array | null, pair: Int32Array, lrCoef: Float32Array | null, act: number, bias: Float32Array,
    noise: Float32Array | null, biasCoef: Float32Array | null, y: Float32Array): void;
  /** Backend.lowRankAdd, bit-identical to the wasm kernel; AVX-512 only (gemmKernel() = 'avx512'). */
  lowRankAdd?(rows: number, n: number, m: number, r: number, x: Float32Array, bt: Float32Array, at: Float32Array,
    pair: Int32Array, coef: Float32Array, y: Float32Array): void;
  /**
   * The layer epilogue for identity (0), tanh (1) and relu (2), bit-identical to the reference
   * (src/backend/epilogue.ts); AVX-512 only (gemmKernel() = 'avx512').
   */
  biasAct?(act: number, rows: number, m: number, y: Float32Array, bias: Float32Array,
    pair: Int32Array | null, noise: Float32Array | null, coef: Float32Array | null): void;
  igemmSupported(): boolean;
}

const ADDON_PATH = '../../native/build/Release/eggroll_native.node';
const ADDON_FILE = fileURLToPath(new URL(ADDON_PATH, import.meta.url));
let addon: NativeAddon | undefined;

/** The native addon, or an Error saying why it is not there. */
export function loadNativeAddon(): NativeAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'MODULE_NOT_FOUND'
      ? 'native addon not built (it needs a C compiler: run npm run build:native to see why)'
      : `native addon failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  return addon;
}

// OpenBLAS's thread count is process-wide; remember what we set so each call only sets it on change.
let blasThreads = -1;
export function useBlasThreads(a: NativeAddon, n: number): void {
  if (n !== blasThreads) {
    a.setBlasThreads(n);
    blasThreads = n;
  }
}

/** Plain sgemm on the addon (packed operands, one call). */
function addonSgemm(a: NativeAddon, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, av: Float32Array, b: Float32Array, beta: number, c: Float32Array): void {
  if (m <= 0 || n <= 0) return;
  checkLengths(m, n, k, av, c);
  a.sgemm(transA, transB, m, n, k, alpha, av, 0, Math.max(1, transA ? m : k), b, beta, c, 0);
}

function checkLengths(m: number, n: number, k: number, a: Float32Array, c: Float32Array): void {
  if (a.length < m * k) throw new RangeError(`native backend: A has ${a.length} elements, needs ${m * k}`);
  if (c.length < m * n) throw new RangeError(`native backend: C has ${c.length} elements, needs ${m * n}`);
}

/**
 * The row contract on a few small shapes (every transpose; splits at rows 1, 5 and 9; each row alone;
 * alpha and beta): undefined when it holds, else what differed. About a millisecond.
 */
export function checkRowContract(sgemm: NativeAddon['sgemm']): string | undefined {
  let x = 0x9e3779b9;
  const rand = (len: number) => Float32Array.from({ length: len }, () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) / 2 ** 32 - 0.5) * 4;
  });
  for (const [m, n, k] of [[23, 19, 37], [17, 40, 70], [12, 33, 129]]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = rand(m * k), b = rand(k * n), c0 = rand(m * n);
        const lda = ta ? m : k;
        const whole = c0.slice();
        sgemm(ta, tb, m, n, k, 0.75, a, 0, lda, b, 0.5, whole, 0);
        for (const split of [1, 5, 9, -1]) {
          const got = c0.slice();
          if (split < 0) {
            for (let i = 0; i < m; i++) sgemm(ta, tb, 1, n, k, 0.75, a, ta ? i : i * k, lda, b, 0.5, got, i * n);
          } else {
            sgemm(ta, tb, split, n, k, 0.75, a, 0, lda, b, 0.5, got, 0);
            sgemm(ta, tb, m - split, n, k, 0.75, a, ta ? split : split * k, lda, b, 0.5, got, split * n);
          }
          for (let e = 0; e < m * n; e++) {
            if (!Object.is(got[e], whole[e])) {
              const how = split < 0 ? 'one row per call' : `split at row ${split}`;
              return `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k}, ${how}: element ${e} is ${got[e]}, whole call gave ${whole[e]}`;
            }
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * Rows per chunk that threads take from the shared counter: about 2 chunks per thread (each chunk packs
 * op(B) again, so more chunks cost more packing), a multiple of the kernel's 12-row tile, at least 48.
 */
function chunkRows(m: number, threads: number): number {
  return Math.max(48, Math.ceil(m / (threads * 2) / 12) * 12);
}

/**
 * Several threads: every thread (this one included) takes chunks of rows from a counter in the shared
 * memory and computes them with the addon, on the wasm backend's memory (the workers load the addon
 * too). Dynamic, so a busy core slows only its own chunks; any split gives the same bits.
 */
function threadedSgemm(blas: NativeAddon, w: WasmInternals, counter: Int32Array, threads: number, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array, packed = false): void {
  checkLengths(m, n, k, a, c);
  const pa = w.stage('a', a, m * k, 'A');
  // A pack already lives in the shared memory (allocF32), so it is never staged.
  const pb = packed ? b.byteOffset : w.stage('b', b, k * n, 'B');
  const pc = w.stage('c', c, m * n, 'C', beta !== 0);
  const lda = Math.max(1, transA ? m : k);
  const rowStride = transA ? 1 : k;
  const chunk = chunkRows(m, threads);
  Atomics.store(counter, 0, 0);
  const args = [transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa / 4, rowStride, lda, pb, beta, pc, chunk, counter.byteOffset, packed ? 1 : 0];
  const pool = w.pool();
  for (let t = 1; t < threads; t++) pool.start(t - 1, 'nativeSgemmChunks', args);
  try {
    const f = w.memoryF32();
    const bv = f.subarray(pb / 4);
    const gemm = packed ? blas.sgemmPacked! : blas.sgemm;
    for (let i0 = Atomics.add(counter, 0, chunk); i0 < m; i0 = Atomics.add(counter, 0, chunk)) {
      gemm(transA, transB, Math.min(chunk, m - i0), n, k, alpha, f, pa / 4 + i0 * rowStride, lda, bv, beta, f, pc / 4 + i0 * n);
    }
  } finally {
    pool.waitAll();
  }
  w.writeBack(c, pc, m * n);
}

/** int8 GEMM split into one row range per thread; the workers call the same VNNI kernel. */
function threadedIgemm(blas: NativeAddon, w: WasmInternals, threads: number, m: number, n: number, k: number,
  a: Int8Array, b: Int8Array, c: Int32Array): void {
  const pa = w.stage('ia', a, m * k, 'A');
  const pb = w.stage('ib', b, n * k, 'B');
  const pc = w.stage('ic', c, m * n, 'C', false);
  const per = Math.ceil(m / threads);
  const pool = w.pool();
  let t = 0;
  for (let i0 = per; i0 < m; i0 += per) pool.start(t++, 'nativeIgemmRows', [i0, Math.min(per, m - i0), n, k, pa, pb, pc]);
  try {
    const buf = w.memoryF32().buffer;
    const rows = Math.min(per, m);
    blas.igemm(rows, n, k, new Int8Array(buf, pa, rows * k), new Int8Array(buf, pb, n * k), new Int32Array(buf, pc, rows * n));
  } finally {
    pool.waitAll();
  }
  w.writeBack(c, pc, m * n);
}

export interface NativeBackendOptions {
  /**
   * Threads (default: defaultThreads()). Large GEMMs are split into chunks of rows computed by the addon
   * in the wasm backend's worker threads and this one.
   */
  threads?: number;
  /**
   * Use the f32 kernel even if the load-time row-contract check fails (default false: then loading
   * fails with the reason). The backend's `nondeterministic` says why results may vary with threads.
   */
  allowNondeterministic?: boolean;
  /** The addon to use (default: the built one); tests pass a wrapped one to exercise the check. */
  addon?: NativeAddon;
}

export interface NativeBackend extends Omit<WasmBackend, 'name'> {
  readonly name: 'native';
  /** The f32 GEMM kernel ('avx512' | 'avx2'), and OpenBLAS's config when it is linked (for bench only). */
  readonly gemmKernel: 'avx512' | 'avx2';
  readonly blasConfig: string;
  /** Which int8 kernel igemm uses: the addon's AVX-512 VNNI one, or the wasm one. */
  readonly int8Kernel: 'avx512-vnni' | 'wasm';
  /** Set only when the load-time check found the row contract broken: what differed. */
  readonly nondeterministic?: string;
}

export function createNativeBackend(opts: NativeBackendOptions = {}): NativeBackend {
  const blas = opts.addon ?? loadNativeAddon();
  const gemmKernel = blas.gemmKernel();
  if (gemmKernel === 'none') throw new Error('this CPU has neither AVX-512 nor AVX2+FMA, which the native f32 kernel needs');
  const broken = checkRowContract(blas.sgemm);
  if (broken && !opts.allowNondeterministic) {
    throw new Error(`its f32 GEMM failed the load-time row-contract check, so results would depend on threads and workers (${broken})`);
  }
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
  const wasm = createWasmBackend({ threads, addonPath: ADDON_FILE });
  const internals = wasm[WASM_INTERNALS];
  const counter = wasm.allocI32(16);
  const vnni = blas.igemmSupported();
  // The VNNI kernel is ~2× the wasm kernel per core (bench int8); large calls are split by rows over the
  // workers like sgemm. Below k = 64 it is the slower one (512 rows, k = 16: 7–8 GOP/s against wasm's
  // 11–27, measured for n = 16…256), which is EGG's width-16 case, so short k goes to wasm. Exact integer
  // arithmetic either way, so no choice here ever changes a bit.
  const igemm: NativeBackend['igemm'] = vnni
    ? (m, n, k, a, b, c) => {
      if (m <= 0 || n <= 0) return;
      if (k < 64) wasm.igemm(m, n, k, a, b, c);
      else if (threads > 1 && m >= 2 * threads && m * n * k >= internals.minParallelWork) threadedIgemm(blas, internals, threads, m, n, k, a, b, c);
      else blas.igemm(m, n, k, a, b, c);
    }
    : wasm.igemm;
  // The kernel is ~4× wasm's per core, so a call is worth splitting only from ~4× wasm's threshold.
  const splits = (m: number, n: number, k: number) => threads > 1 && m >= 96 && m * n * k >= 4 * internals.minParallelWork;
  const backend: NativeBackend = {
    ...wasm,
    name: 'native',
    threads,
    gemmKernel,
    blasConfig: blas.blasConfig(),
    int8Kernel: vnni ? 'avx512-vnni' : 'wasm',
    ...(broken ? { nondeterministic: broken } : {}),
    get reservedBytes() {
      return wasm.reservedBytes;
    },
    igemm,
    biasAct: nativeBiasAct(blas, gemmKernel, wasm, internals.minParallelWork),
    lowRankAdd: nativeLowRankAdd(blas, gemmKernel, wasm, internals.minParallelWork),
    sgemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      if (splits(m, n, k)) {
        threadedSgemm(blas, internals, counter, threads, transA, transB, m, n, k, alpha, a, b, beta, c);
      } else {
        addonSgemm(blas, transA, transB, m, n, k, alpha, a, b, beta, c);
      }
    },
  };
  if (!(blas.packB && blas.sgemmPacked && blas.packedBLength)) return backend;
  const packedB = nativePackedB(blas, wasm, splits, counter, threads);
  return { ...backend, packedB, ...(gemmKernel === 'avx512' && blas.layer ? { layer: nativeLayer(blas, backend, packedB, splits, internals.minParallelWork) } : {}) };
}

/**
 * Backend.layer: one addon call on one thread; a call that any of its three kernels would split over
 * threads (or pqn, which the addon leaves to wasm) goes through the three separate calls instead — the
 * same kernels either way, so the same bits.
 */
function nativeLayer(blas: NativeAddon, be: NativeBackend, packedB: PackedBKernels, splits: (m: number, n: number, k: number) => boolean,
  minParallelWork: number): Backend['layer'] {
  const addonLayer = blas.layer!.bind(blas);
  return (rows, n, m, x, w, r, bt, at, pair, lrCoef, act, bias, noise, biasCoef, y) => {
    if (rows <= 0 || m <= 0) return;
    const code = ACT_CODE[act];
    const wide = be.threads > 1 && (splits(rows, m, n) || rows * m * 32 >= minParallelWork || (bt !== null && rows * r * (n + m) >= minParallelWork));
    if (code === undefined || code > 2 || wide) {
      packedB.sgemm(false, rows, 1, x, w, 0, y);
      if (bt && at && lrCoef) be.lowRankAdd(rows, n, m, r, x, bt, at, pair, lrCoef, y);
      be.biasAct(act, rows, m, y, bias, noise ? pair : null, noise, noise ? biasCoef : null);
      return;
    }
    const q = w as NativePackedB;
    if (!q.live) throw new Error('native backend: this packed W was freed');
    if (!q.transB || q.n !== m || q.k !== n) throw new RangeError(`native backend: layer needs W packed as pack(true, ${m}, ${n}), got pack(${q.transB}, ${q.n}, ${q.k})`);
    if (y.length < rows * m) throw new RangeError(`native backend: Y has ${y.length} elements, needs ${rows * m}`);
    addonLayer(rows, n, m, x, q.data, bt ? r : 0, bt, at, pair, lrCoef, code, bias, noise, noise ? biasCoef : null, y);
  };
}

/** A pack made by the native backend: its floats live in the shared wasm memory, so worker threads read it too. */
interface NativePackedB extends PackedB {
  data: Float32Array;
  live: boolean;
}

/**
 * Backend.packedB on the addon: packB once, then sgemmPacked, split over threads exactly when sgemm would
 * split the same call (the split never changes a bit, but keeping the same rule keeps the cost the same).
 */
function nativePackedB(blas: NativeAddon, wasm: WasmBackend, splits: (m: number, n: number, k: number) => boolean,
  counter: Int32Array, threads: number): PackedBKernels {
  const internals = wasm[WASM_INTERNALS];
  const own = (p: PackedB): NativePackedB => {
    const q = p as NativePackedB;
    if (!(q.data instanceof Float32Array)) throw new TypeError('native backend: not a pack made by this backend');
    if (!q.live) throw new Error('native backend: this packed B was freed');
    return q;
  };
  return {
    pack(transB, n, k, b) {
      if (!(Number.isInteger(n) && Number.isInteger(k) && n >= 0 && k >= 0)) throw new RangeError(`packB: bad shape ${n}×${k}`);
      if (b.length < n * k) throw new RangeError(`native backend: B has ${b.length} elements, needs ${n * k}`);
      // At least one float, so even an empty pack is a distinct allocation that free() can return.
      const data = wasm.allocF32(Math.max(1, blas.packedBLength!(n, k)));
      blas.packB!(transB, n, k, b, data);
      const p: NativePackedB = { transB, n, k, data, live: true };
      return p;
    },
    sgemm(transA, m, alpha, a, p, beta, c) {
      const q = own(p);
      const { n, k } = q;
      if (m <= 0 || n <= 0) return;
      if (splits(m, n, k)) {
        threadedSgemm(blas, internals, counter, threads, transA, q.transB, m, n, k, alpha, a, q.data, beta, c, true);
      } else {
        checkLengths(m, n, k, a, c);
        blas.sgemmPacked!(transA, q.transB, m, n, k, alpha, a, 0, Math.max(1, transA ? m : k), q.data, beta, c, 0);
      }
    },
    free(p) {
      const q = p as NativePackedB;
      if (!q.live) return;
      q.live = false;
      wasm.free(q.data);
    },
  };
}

/**
 * lowRankAdd: AVX-512 in the addon on one thread (the wasm kernel's bits: it keeps wasm's 8-lane dot
 * products); the wasm kernel when a call is large enough to split over threads, or without AVX-512.
 */
function nativeLowRankAdd(blas: NativeAddon, isa: 'avx512' | 'avx2', wasm: WasmBackend, minParallelWork: number): Backend['lowRankAdd'] {
  if (isa !== 'avx512' || !blas.lowRankAdd) return wasm.lowRankAdd;
  const nativeLra = blas.lowRankAdd.bind(blas);
  return (rows, n, m, r, x, bt, at, pair, coef, y) => {
    if (rows <= 0 || m <= 0 || r <= 0) return;
    // The wasm backend's own split rule (rows·r·(n+m) multiply-adds), so a split call stays a split call.
    if (wasm.threads > 1 && rows * r * (n + m) >= minParallelWork) wasm.lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, y);
    else nativeLra(rows, n, m, r, x, bt, at, pair, coef, y);
  };
}

/**
 * biasAct: 16-lane AVX-512 in the addon for identity, tanh and relu on one thread (the same bits as the
 * wasm kernel, which does pqn and, when threads would help, blocks too large for one core).
 */
function nativeBiasAct(blas: NativeAddon, isa: 'avx512' | 'avx2', wasm: WasmBackend, minParallelWork: number): Backend['biasAct'] {
  if (isa !== 'avx512' || !blas.biasAct) return wasm.biasAct;
  const nativeAct = blas.biasAct.bind(blas);
  return (act, rows, m, y, bias, pair, noise, coef) => {
    const code = ACT_CODE[act];
    if (rows <= 0 || m <= 0) return;
    if (code === undefined || code > 2 || (wasm.threads > 1 && rows * m * 32 >= minParallelWork)) {
      wasm.biasAct(act, rows, m, y, bias, pair, noise, coef);
      return;
    }
    if (y.length < rows * m) throw new RangeError(`native backend: Y has ${y.length} elements, needs ${rows * m}`);
    if (bias.length < m) throw new RangeError(`native backend: bias has ${bias.length} elements, needs ${m}`);
    const perturbed = noise && coef && pair;
    nativeAct(code, rows, m, y, bias, perturbed ? pair : null, perturbed ? noise : null, perturbed ? coef : null);
  };
}
