/**
 * The native backend: f32 GEMM through OpenBLAS (native/eggroll_blas.c, built at install time by
 * native/install.mjs when Debian's libopenblas-dev is present), and the exact int8 GEMM through the
 * addon's own AVX-512 VNNI kernel on CPUs that have it (BLAS has no int8 GEMM). Everything else — the
 * allocator, GEMV, lowRankAdd, and int8 on other CPUs — is the wasm backend's: GEMV is memory-bound
 * (wasm SIMD is as fast), and sharing the wasm memory means tensors pass between the addon and the wasm
 * kernels without copies.
 *
 * The row contract (src/backend/types.ts) and OpenBLAS: measured on OpenBLAS 0.3.21, a row's result
 * DOES depend on m when sgemm is called plainly — small problems (m·n·k up to ~10⁶) take a separate
 * "small matrix" kernel, and edge tiles in m take other paths — so splitting a population over workers
 * would change results in the last bits. What we measured to be invariant (single-threaded OpenBLAS,
 * which is all this backend uses): in a call whose m is a multiple of 128 and that is not "small", every
 * row gives the same bits at any position. So blockedSgemm only makes such calls:
 *  - n·k > 2¹⁷: one call for the first ⌊m/128⌋·128 rows (m·n·k > 1.6·10⁷, far above the small limit),
 *    then the remaining rows padded with zero rows to a 128-row call in scratch;
 *  - n·k ≤ 2¹⁷ (tiny layers, where a 128-row call could be "small" but a longer one not): every call is
 *    exactly 128 rows (the last padded), so the kernel choice depends on (n, k) only.
 * test/backend/conformance.test.ts checks split calls bit for bit in both regimes. The price: a call
 * with few rows computes 128 rows.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createWasmBackend, defaultThreads, WASM_INTERNALS, type WasmBackend, type WasmInternals } from './wasm.js';

export interface BlasAddon {
  /** C[cOff..] (m×n) ← alpha·op(A)·op(B) + beta·C, op(A) starting at a[aOff] with leading dimension lda. */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, aOff: number, lda: number, b: Float32Array, beta: number, c: Float32Array, cOff: number): void;
  sgemv(trans: boolean, m: number, n: number, alpha: number, a: Float32Array, x: Float32Array, beta: number, y: Float32Array): void;
  /** Exact int8 GEMM with AVX-512 VNNI; call only when igemmSupported(). */
  igemm(m: number, n: number, k: number, a: Int8Array, b: Int8Array, c: Int32Array): void;
  igemmSupported(): boolean;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
}

const ADDON_PATH = '../../native/build/Release/eggroll_blas.node';
const ADDON_FILE = fileURLToPath(new URL(ADDON_PATH, import.meta.url));
let addon: BlasAddon | undefined;

/** The OpenBLAS addon, or an Error saying why it is not there. */
export function loadBlasAddon(): BlasAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as BlasAddon;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'MODULE_NOT_FOUND'
      ? 'OpenBLAS addon not built; apt-get install -y libopenblas-dev, then npm run build:native'
      : `OpenBLAS addon failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  return addon;
}

// OpenBLAS's thread count is process-wide; remember what we set so each call only sets it on change.
// Anything else that calls the addon directly (bench gemm's "openblas direct" line) goes through here.
let blasThreads = -1;
export function useThreads(a: BlasAddon, n: number): void {
  if (n !== blasThreads) {
    a.setThreads(n);
    blasThreads = n;
  }
}

/** Rows per OpenBLAS call (or a multiple of it); a multiple of every OpenBLAS micro-tile height. */
export const BLOCK_ROWS = 128;
/** At or below this n·k, every call is exactly BLOCK_ROWS rows (see the top comment). */
export const SMALL_NK = 1 << 17;

// Scratch for the padded last block (plain memory is fine: OpenBLAS reads any memory).
let padA = new Float32Array(0);
let padC = new Float32Array(0);

/** sgemm on BLOCK_ROWS-row blocks so that each row's bits never depend on m (see the top comment). */
export function blockedSgemm(blas: BlasAddon, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void {
  if (m <= 0 || n <= 0) return;
  checkLengths(m, n, k, a, c);
  const lda = Math.max(1, transA ? m : k);
  const full = m - (m % BLOCK_ROWS);
  const step = callRows(n, k, full);
  for (let i0 = 0; i0 < full; i0 += step) {
    blas.sgemm(transA, transB, step, n, k, alpha, a, transA ? i0 : i0 * k, lda, b, beta, c, i0 * n);
  }
  paddedTail(blas, transA, transB, m, n, k, alpha, a, b, beta, c, full);
}

function checkLengths(m: number, n: number, k: number, a: Float32Array, c: Float32Array): void {
  if (a.length < m * k) throw new RangeError(`native backend: A has ${a.length} elements, needs ${m * k}`);
  if (c.length < m * n) throw new RangeError(`native backend: C has ${c.length} elements, needs ${m * n}`);
}

/** Rows per OpenBLAS call for `rows` (a multiple of BLOCK_ROWS) rows: all at once unless the layer is tiny. */
function callRows(n: number, k: number, rows: number): number {
  return n * k <= SMALL_NK ? BLOCK_ROWS : rows;
}

/** Rows [full, m) as one BLOCK_ROWS-row call on a zero-padded copy. */
function paddedTail(blas: BlasAddon, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array, full: number): void {
  const rest = m - full;
  if (rest === 0) return;
  if (padA.length < BLOCK_ROWS * k) padA = new Float32Array(BLOCK_ROWS * k);
  if (padC.length < BLOCK_ROWS * n) padC = new Float32Array(BLOCK_ROWS * n);
  padA.fill(0, 0, BLOCK_ROWS * k);
  if (!transA) padA.set(a.subarray(full * k, m * k));
  else for (let p = 0; p < k; p++) padA.set(a.subarray(p * m + full, p * m + m), p * BLOCK_ROWS);
  if (beta !== 0) padC.set(c.subarray(full * n, m * n));
  blas.sgemm(transA, transB, BLOCK_ROWS, n, k, alpha, padA, 0, transA ? BLOCK_ROWS : Math.max(1, k), b, beta, padC, 0);
  c.set(padC.subarray(0, rest * n), full * n);
}

/**
 * Several threads: rows [0, full) are split into one range per thread, each a multiple of BLOCK_ROWS
 * (so every OpenBLAS call is again of a shape whose rows are invariant), computed by single-threaded
 * OpenBLAS calls in the wasm backend's workers on the shared wasm memory; the padded tail runs here.
 */
function threadedSgemm(blas: BlasAddon, w: WasmInternals, threads: number, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void {
  checkLengths(m, n, k, a, c);
  const full = m - (m % BLOCK_ROWS);
  const pa = w.stage('a', a, m * k, 'A');
  const pb = w.stage('b', b, k * n, 'B');
  const pc = w.stage('c', c, m * n, 'C', beta !== 0);
  const per = Math.ceil(full / BLOCK_ROWS / threads) * BLOCK_ROWS;
  const lda = Math.max(1, transA ? m : k);
  const rowStride = transA ? 1 : k;
  const job = (i0: number, rows: number) =>
    [transA ? 1 : 0, transB ? 1 : 0, rows, n, k, alpha, pa / 4 + i0 * rowStride, rowStride, lda, pb, beta, pc + i0 * n * 4, callRows(n, k, rows)];
  const pool = w.pool();
  let t = 0;
  for (let i0 = per; i0 < full; i0 += per) pool.start(t++, 'blasSgemmRows', job(i0, Math.min(per, full - i0)));
  try {
    const f = w.memoryF32();
    const rows0 = Math.min(per, full);
    const step = callRows(n, k, rows0);
    for (let i0 = 0; i0 < rows0; i0 += step) {
      blas.sgemm(transA, transB, step, n, k, alpha, f, pa / 4 + i0 * rowStride, lda, f.subarray(pb / 4), beta, f, pc / 4 + i0 * n);
    }
  } finally {
    pool.waitAll();
  }
  w.writeBack(c, pc, full * n);
  paddedTail(blas, transA, transB, m, n, k, alpha, a, b, beta, c, full);
}

/** int8 GEMM split into one row range per thread; the workers call the same VNNI kernel. */
function threadedIgemm(blas: BlasAddon, w: WasmInternals, threads: number, m: number, n: number, k: number,
  a: Int8Array, b: Int8Array, c: Int32Array): void {
  const pa = w.stage('ia', a, m * k, 'A');
  const pb = w.stage('ib', b, n * k, 'B');
  const pc = w.stage('ic', c, m * n, 'C', false);
  const per = Math.ceil(m / threads);
  const pool = w.pool();
  let t = 0;
  for (let i0 = per; i0 < m; i0 += per) pool.start(t++, 'blasIgemmRows', [i0, Math.min(per, m - i0), n, k, pa, pb, pc]);
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
   * Threads (default: defaultThreads()). Large GEMMs are split by rows over the wasm backend's workers,
   * each making single-threaded OpenBLAS calls: OpenBLAS's own threading does not give the same bits as
   * its single-threaded sgemm.
   */
  threads?: number;
}

export interface NativeBackend extends Omit<WasmBackend, 'name'> {
  readonly name: 'native';
  readonly blasConfig: string;
  /** Which int8 kernel igemm uses: the addon's AVX-512 VNNI one, or the wasm one. */
  readonly int8Kernel: 'avx512-vnni' | 'wasm';
}

export function createNativeBackend(opts: NativeBackendOptions = {}): NativeBackend {
  const blas = loadBlasAddon();
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
  const wasm = createWasmBackend({ threads, addonPath: ADDON_FILE });
  const internals = wasm[WASM_INTERNALS];
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
  return {
    ...wasm,
    name: 'native',
    threads,
    blasConfig: blas.config(),
    int8Kernel: vnni ? 'avx512-vnni' : 'wasm',
    get reservedBytes() {
      return wasm.reservedBytes;
    },
    igemm,
    sgemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      // OpenBLAS's own threading is never used: with 2 threads OpenBLAS 0.3.21 changed last bits for
      // some shapes (517×400×400, measured). Threads here are ours: row ranges of single-threaded calls.
      useThreads(blas, 1);
      if (threads > 1 && m >= 2 * BLOCK_ROWS && m * n * k >= internals.minParallelWork) {
        threadedSgemm(blas, internals, threads, transA, transB, m, n, k, alpha, a, b, beta, c);
      } else {
        blockedSgemm(blas, transA, transB, m, n, k, alpha, a, b, beta, c);
      }
    },
  };
}
