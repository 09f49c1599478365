/**
 * The kernel registry (in the spirit of tfjs-core's): for each kernel family with accelerated implementations, the
 * implementations in order of preference, each with when it may run. backend/ alone decides which one runs —
 * kernel-choice.ts's environment variables rule some out, a missing build or CPU feature makes a load return null —
 * and callers above ask for the family and fall back to their own TypeScript reference (rng/normal.ts,
 * egg/kernels.ts), which every implementation is tested equal to bit for bit.
 *
 * | family    | implementations, preferred first                                        | reference            |
 * |-----------|-------------------------------------------------------------------------|----------------------|
 * | `normals` | `native` (addon, AVX-512), `wasm` (noise.wasm)                          | rng/normal.ts        |
 * | `egg`     | `wasm` (egg.wasm on the backend's wasm memory: wasm and native backends)| egg/kernels.ts       |
 */
import type { Backend } from '../types.js';
import { kernelChoice, type KernelChoice } from '../kernel-choice.js';
import { nativeNormals, nativeNoiseAvailable } from './normals-native.js';
import { wasmNormals, wasmNoiseAvailable } from './normals-wasm.js';
import { wasmEggKernels } from './egg-wasm.js';
import type { EggKernels, EggTables } from './egg.js';

export type { EggKernels, EggTables } from './egg.js';

/** A Philox stream's key and counter words (rng/normal.ts's StreamAddress has this shape). */
export interface NormalsAddress {
  key0: number;
  key1: number;
  c1: number;
  c2: number;
  c3: number;
}

/** N(0, 1) samples of a stream from Philox block b0 on, into out[offset .. offset+count). */
export interface NormalsKernel {
  readonly name: string;
  fill(addr: NormalsAddress, b0: number, out: Float32Array, offset: number, count: number): void;
}

/** One implementation of a family: its name, whether the kernel choice allows it, and its loader (null: unavailable). */
interface Candidate<K, A extends unknown[]> {
  readonly name: string;
  allowed(choice: KernelChoice): boolean;
  load(...args: A): K | null;
}

const NORMALS: Candidate<NormalsKernel, []>[] = [
  {
    name: 'native',
    allowed: (c) => c.noise === 'best',
    load: () => (nativeNoiseAvailable() ? { name: 'native', fill: (a, b0, out, o, n) => void nativeNormals(a, b0, out, o, n) } : null),
  },
  {
    name: 'wasm',
    allowed: (c) => c.noise !== 'js',
    load: () => (wasmNoiseAvailable() ? { name: 'wasm', fill: (a, b0, out, o, n) => void wasmNormals(a, b0, out, o, n) } : null),
  },
];

const EGG: Candidate<EggKernels, [Backend, EggTables]>[] = [
  { name: 'wasm', allowed: (c) => c.eggKernels === 'wasm', load: (backend, tables) => wasmEggKernels(backend, tables) },
];

function pick<K, A extends unknown[]>(candidates: readonly Candidate<K, A>[], args: A): K | null {
  const choice = kernelChoice();
  for (const c of candidates) {
    if (!c.allowed(choice)) continue;
    const k = c.load(...args);
    if (k) return k;
  }
  return null;
}

let normals: NormalsKernel | null | undefined;

/** This thread's 'normals' kernel (chosen once), or null: use the TypeScript reference. */
export function normalsKernel(): NormalsKernel | null {
  if (normals === undefined) normals = pick(NORMALS, []);
  return normals;
}

/** The 'egg' row kernels for `backend` (the wasm module where it has a wasm memory), or null: use the reference. */
export function eggKernels(backend: Backend, tables: EggTables): EggKernels | null {
  return pick(EGG, [backend, tables]);
}
