/**
 * The 'normals' kernel in WebAssembly: build/noise.wasm (Philox + Box–Muller with SIMD, bit-identical to
 * rng/normal.ts's fillNormalsRef), loaded synchronously on first use. Registered in kernels/index.ts; when the
 * file is missing (a build without the wasm step) or the kernel choice rules it out, callers use the reference.
 */
import type { NormalsAddress } from './index.js';
import { Wasm, type WasmMemory } from '../wasm-api.js';
import { loadBuiltModule } from '../wasm-module.js';

interface NoiseExports {
  /** SIMD version (4 Philox blocks at a time), same bits as `normals`. */
  normalsSimd(key0: number, key1: number, c1: number, c2: number, c3: number, b0: number, blocks: number, out: number): void;
  normals(key0: number, key1: number, c1: number, c2: number, c3: number, b0: number, blocks: number, out: number): void;
  heapBase(): number;
  memory: WasmMemory;
}

let kernel: NoiseExports | null | undefined;
let base = 0;

function load(): NoiseExports | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const mod = loadBuiltModule(new URL('../../../build/noise.wasm', import.meta.url));
    if (!mod) return kernel;
    const instance = new Wasm.Instance(mod, { env: { abort: () => { throw new Error('noise.wasm abort'); } } });
    kernel = instance.exports as unknown as NoiseExports;
    base = kernel.heapBase();
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether the wasm noise kernel is in use (for reports). */
export function wasmNoiseAvailable(): boolean {
  return load() !== null;
}

/** Fills out[offset..offset+count) from Philox block b0 on; returns false if the kernel is unavailable. */
export function wasmNormals(addr: NormalsAddress, b0: number, out: Float32Array, offset: number, count: number): boolean {
  const k = load();
  if (!k) return false;
  const CHUNK = 1 << 16; // normals per call: bounds the kernel's memory to 256 KiB
  for (let done = 0; done < count; done += CHUNK) {
    const n = Math.min(CHUNK, count - done);
    const blocks = Math.ceil(n / 4);
    const need = base + blocks * 16;
    if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
    k.normalsSimd(addr.key0 >>> 0, addr.key1 >>> 0, addr.c1 >>> 0, addr.c2 >>> 0, addr.c3 >>> 0, (b0 + done / 4) >>> 0, blocks, base);
    out.set(new Float32Array(k.memory.buffer, base, n), offset + done);
  }
  return true;
}
