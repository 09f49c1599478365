/**
 * Which implementation each kernel family uses: the one place that reads the environment for it.
 * Every kernel module asks `kernelChoice()` instead of reading `process.env` itself, so the variables
 * are parsed, documented and defaulted here only (README "Compute backends" lists them for users).
 *
 * | family                         | variable                 | values (default first)                          |
 * |--------------------------------|--------------------------|-------------------------------------------------|
 * | kernel threads per backend     | EGGROLL_THREADS          | unset: all cores on the main thread, 1 in a worker thread; n ≥ 1: n (a browser: no variables; hardwareConcurrency, at most 4, in a cross-origin isolated page's Web Worker, else 1) |
 * | EGG's per-row integer kernels  | EGGROLL_EGG_KERNELS      | unset: egg.wasm when the backend keeps its tensors in a wasm memory; `ts`: the TypeScript reference |
 * | Gaussian noise (Philox normals)| EGGROLL_NOISE            | unset: the native addon's AVX-512 kernel when it loads, else noise.wasm when it was built; `wasm`: noise.wasm; `js`: the TypeScript reference |
 * | native f32 GEMM instruction set| EGGROLL_GEMM_ISA         | unset: the widest the CPU has; `avx2`: the AVX2 kernel even on AVX-512 (the addon's AVX-512-only noise and epilogue kernels then give way to the wasm ones: same bits) |
 *
 * Which backend runs the GEMMs is the `--backend` flag (`auto`: native, then wasm, then js; index.ts).
 * EGGROLL_NATIVE is a build-time switch of `npm ci` (native/install.mjs), not a run-time choice.
 *
 * None of these choices changes a result bit: each alternative is tested equal bit for bit to the one
 * it replaces (egg kernels, noise, the AVX2 and AVX-512 GEMMs, any thread count). They exist for
 * tests, benchmarks and to rule a kernel out when hunting a problem.
 *
 * The environment is read once per thread, on first use. A worker thread has its own `process.env`
 * (egg/pool.ts starts its workers with EGGROLL_THREADS=1), so it makes its own reading.
 * EGGROLL_GEMM_ISA is also read by the native addon itself (native/eggroll_native.c), because the addon
 * picks its kernel once when it is loaded, before any thread calls it; the value is reported here so
 * that all the variables are described and parsed in one place.
 */
import { cores as platformCores, environment, isMainThread, kernelThreadLimit } from './platform.js';

export interface KernelChoice {
  /** Kernel threads per backend instance, the calling one included. */
  readonly threads: number;
  /** EGG's per-row integer kernels: egg.wasm where the backend has a wasm memory, or the TypeScript reference. */
  readonly eggKernels: 'wasm' | 'ts';
  /** Philox normals: the best that loads (native AVX-512, then noise.wasm), noise.wasm, or the TypeScript reference. */
  readonly noise: 'best' | 'wasm' | 'js';
  /** The native f32 GEMM: the widest kernel the CPU runs, or AVX2 (never wider than the CPU). */
  readonly gemmIsa: 'best' | 'avx2';
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The choice the given environment asks for (pure, for tests). `isMain`/`cores` describe the thread:
 * kernel threads default to all cores on the main thread but 1 inside a worker thread, where the
 * engine's own pool (--workers) already spreads the population over the cores and kernel threads on
 * top would only oversubscribe them. `limit` is what the platform allows (platform.ts: no limit in Node;
 * in a browser the cap where shared memory and blocking waits exist, else 1).
 */
export function kernelChoiceFrom(env: Env, isMain = isMainThread, cores = platformCores(), limit = kernelThreadLimit()): KernelChoice {
  const t = Number(env.EGGROLL_THREADS);
  return {
    threads: Math.min(limit, Number.isInteger(t) && t >= 1 ? t : isMain ? Math.max(1, cores) : 1),
    eggKernels: env.EGGROLL_EGG_KERNELS === 'ts' ? 'ts' : 'wasm',
    noise: env.EGGROLL_NOISE === 'js' ? 'js' : env.EGGROLL_NOISE === 'wasm' ? 'wasm' : 'best',
    gemmIsa: env.EGGROLL_GEMM_ISA === 'avx2' ? 'avx2' : 'best',
  };
}

let cached: KernelChoice | undefined;

/** This thread's kernel choice, read from process.env on first use (a browser has no variables: defaults). */
export function kernelChoice(): KernelChoice {
  return (cached ??= kernelChoiceFrom(environment()));
}

/** Kernel threads for a backend created without an explicit count (kernelChoice().threads). */
export function defaultThreads(): number {
  return kernelChoice().threads;
}
