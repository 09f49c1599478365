/**
 * Backend selection. `auto` picks the fastest backend that loads here; the others are tried in order
 * of expected speed and each failure is reported in one line by the caller.
 */
import type { Backend, BackendName } from './types.js';
import { jsBackend } from './js.js';
import { canAwaitThreadsBlocking } from './platform.js';
import type { GpuKernels } from './webgpu/compute.js';

export type { Backend, BackendName } from './types.js';
export { jsBackend } from './js.js';
export { PLATFORM } from './platform.js';
export type { WasmBackend } from './wasm.js';
// The fused bias + activation epilogue's reference and activation names (models and noisers above use them).
export { ACTIVATIONS, biasActRef, negZeroBias, tanhF32, type Activation } from './epilogue.js';
// The kernel registry: which implementation of each accelerated kernel family runs (kernels/index.ts).
export { normalsKernel, eggKernels, type NormalsKernel, type NormalsAddress, type EggKernels, type EggTables } from './kernels/index.js';

export type BackendChoice = BackendName | 'auto';
/** `webgpu` only when named: `auto` never picks it until it is measured faster (issue 30). */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'js', 'wasm', 'native', 'webgpu'];

/** How a backend is loaded beyond its name. */
export interface LoadOptions {
  /** Kernel threads, the calling one included (wasm only; default: kernel-choice.ts decides). */
  threads?: number;
}

/** `explicit`: the user named this backend (so native may load even if its row-contract check failed). */
type Loader = (explicit: boolean, opts: LoadOptions) => Promise<Backend>;
/** Keyed by the thread count asked for ('default': kernel-choice's). */
const wasmInstances = new Map<number | 'default', Backend>();
let nativeInstance: Backend | undefined;
let webgpuInstance: Promise<Backend> | undefined;
/** How each backend is loaded; lazy, so an unused backend costs nothing at start-up. */
const loaders = new Map<BackendName, Loader>([
  ['js', async () => jsBackend],
  // One shared instance per process and thread count: its memory holds the tensors. Its threads start on
  // first need in Node; a browser must have them running before the first kernel call (wasm-pool.ts).
  ['wasm', async (_explicit, opts) => {
    const key = opts.threads ?? 'default';
    let b = wasmInstances.get(key);
    if (!b) wasmInstances.set(key, (b = (await import('./wasm.js')).createWasmBackend({ threads: opts.threads })));
    if (!canAwaitThreadsBlocking) await (b as import('./wasm.js').WasmBackend).ready();
    return b;
  }],
  ['webgpu', async () => (webgpuInstance ??= (await import('./webgpu/sync.js')).createWebGpuBackend().catch((e) => {
    webgpuInstance = undefined;
    throw e;
  }))],
  ['native', async (explicit) => {
    if (nativeInstance && (explicit || !nondeterminism(nativeInstance))) return nativeInstance;
    const { createNativeBackend } = await import('./native.js');
    return (nativeInstance = createNativeBackend({ allowNondeterministic: explicit }));
  }],
]);

/**
 * Why this backend's results may depend on threads or workers (its load-time row-contract check
 * failed), or undefined when the contract holds. Commands record it in config.json.
 */
export function nondeterminism(b: Backend): string | undefined {
  return (b as { nondeterministic?: string }).nondeterministic;
}


/** Preference order for `auto`: fastest first. */
const AUTO_ORDER: BackendName[] = ['native', 'wasm', 'js'];

export async function loadBackend(choice: BackendChoice = 'auto', onNote?: (line: string) => void, opts: LoadOptions = {}): Promise<Backend> {
  if (choice !== 'auto') {
    const load = loaders.get(choice);
    if (!load) throw new Error(`backend '${choice}' is not available in this build (available: ${[...loaders.keys()].join(', ')})`);
    const b = await load(true, opts);
    const why = nondeterminism(b);
    if (why) onNote?.(`warning: backend ${b.name} failed its row-contract check (${why}); proceeding because it was asked for, but results may differ with --workers and threads`);
    return b;
  }
  for (const name of AUTO_ORDER) {
    const load = loaders.get(name);
    if (!load) continue;
    try {
      return await load(false, opts);
    } catch (e) {
      onNote?.(`backend ${name} unavailable (${(e as Error).message}); trying the next one`);
    }
  }
  return jsBackend;
}

/**
 * A fresh backend of this name with its own kernel threads, made at once (benchmarks put several side by side;
 * loadBackend keeps one per name). Throws with the reason where it cannot load (no addon, no AVX2).
 */
export async function createBackend(name: BackendName, opts: { threads?: number } = {}): Promise<Backend> {
  if (name === 'js') return jsBackend;
  if (name === 'wasm') return (await import('./wasm.js')).createWasmBackend(opts);
  return (await import('./native.js')).createNativeBackend(opts);
}

/** The native addon's row-major sgemm: C[cOff..] (m×n) ← alpha·op(A)·op(B) + beta·C, op(A) from a[aOff], leading dimension lda. */
export type SgemmFn = (transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, aOff: number, lda: number, b: Float32Array, beta: number, c: Float32Array, cOff: number) => void;

/**
 * OpenBLAS's sgemm through the native addon on `threads` threads, as an outside reference for `bench gemm`; a
 * string saying why where the addon or its OpenBLAS link is missing. Not a backend: its rows may depend on the
 * call's shape (native.ts says why), so results never go through it.
 */
export async function openBlasSgemm(threads: number): Promise<SgemmFn | string> {
  const { loadNativeAddon, useBlasThreads } = await import('./native.js');
  let addon;
  try {
    addon = loadNativeAddon();
  } catch (e) {
    return (e as Error).message;
  }
  const blas = addon.blasSgemm;
  if (!blas) return 'OpenBLAS not linked into the native addon (apt-get install -y libopenblas-dev, then npm run build:native)';
  return (...args) => { useBlasThreads(addon, threads); blas(...args); };
}

/**
 * The WebGPU kernels on this machine's adapter, for the device-resident runs (es/device-eggroll.ts, egg/device.ts;
 * `loadBackend('webgpu')` is the synchronous Backend over them): the `webgpu` package is loaded only here, so a user
 * who never asks pays nothing. Throws one line saying why when there is no adapter.
 */
export async function openWebGpu(): Promise<GpuKernels> {
  return (await import('./webgpu/compute.js')).GpuKernels.open();
}
export type { GpuKernels };

/**
 * Makes `navigator.gpu` this process's WebGPU (in Node: Dawn's instance behind openWebGpu), for libraries that look
 * for it there — tfjs's webgpu backend, which GRPO uses with --backend webgpu; returns the adapter's name. In a
 * browser it is already there.
 */
export async function exposeNavigatorGpu(): Promise<string> {
  const { gpu, adapterName } = await (await import('./webgpu/gpu.js')).navigatorGpu();
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === gpu) return adapterName;
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return adapterName;
}
export type { DeviceOptimizerStep, NormalStreams } from './webgpu/compute.js';
// The device epilogue's activations: a tiny module, so checking a config against it loads no WebGPU code.
export { DEVICE_ACTIVATIONS, rowInfo, workgroupGrid, type DeviceActivation } from './webgpu/device.js';
export { LINEAR_INDEX_FN, PHILOX_FN } from './webgpu/wgsl-common.js';
