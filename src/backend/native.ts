/**
 * The native backend: f32 GEMM and GEMV through OpenBLAS (native/eggroll_blas.c, built at install time
 * by native/install.mjs when Debian's libopenblas-dev is present). Everything else — the allocator,
 * lowRankAdd and the exact int8 GEMM — is the wasm backend's: BLAS has no exact int8 GEMM, and sharing
 * the wasm memory means tensors pass between OpenBLAS and the wasm kernels without copies.
 */
import { createRequire } from 'node:module';
import { createWasmBackend, defaultThreads, type WasmBackend } from './wasm.js';

export interface BlasAddon {
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;
  sgemv(trans: boolean, m: number, n: number, alpha: number, a: Float32Array, x: Float32Array, beta: number, y: Float32Array): void;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
}

const ADDON_PATH = '../../native/build/Release/eggroll_blas.node';
let addon: BlasAddon | undefined;

/** The OpenBLAS addon, or an Error saying why it is not there. */
export function loadBlasAddon(): BlasAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as BlasAddon;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'MODULE_NOT_FOUND' ? 'addon not built; apt-get install -y libopenblas-dev, then npm run build:native' : (e as Error).message.split('\n')[0];
    throw new Error(`native OpenBLAS backend unavailable (${why})`);
  }
  return addon;
}

// OpenBLAS's thread count is process-wide; remember what we set so each call only sets it on change.
let blasThreads = -1;
function useThreads(a: BlasAddon, n: number): void {
  if (n !== blasThreads) {
    a.setThreads(n);
    blasThreads = n;
  }
}

export interface NativeBackendOptions {
  /** Threads for OpenBLAS and for the wasm kernels it borrows (default: all cores, or EGGROLL_THREADS). */
  threads?: number;
}

export interface NativeBackend extends Omit<WasmBackend, 'name'> {
  readonly name: 'native';
  readonly blasConfig: string;
}

export function createNativeBackend(opts: NativeBackendOptions = {}): NativeBackend {
  const blas = loadBlasAddon();
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
  const wasm = createWasmBackend({ threads });
  return {
    ...wasm,
    name: 'native',
    threads,
    blasConfig: blas.config(),
    get reservedBytes() {
      return wasm.reservedBytes;
    },
    sgemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      if (m <= 0 || n <= 0) return;
      useThreads(blas, threads);
      blas.sgemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    },
    sgemv(trans, m, n, alpha, a, x, beta, y) {
      useThreads(blas, threads);
      blas.sgemv(trans, m, n, alpha, a, x, beta, y);
    },
  };
}
