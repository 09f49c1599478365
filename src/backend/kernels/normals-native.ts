/**
 * The 'normals' kernel through the native addon's AVX-512 code (native/eggroll_native.c, `normals`): the same bits
 * as rng/normal.ts's fillNormalsRef and noise.wasm (tested), about 4× noise.wasm's speed, since the transform runs
 * in float64 on 8 lanes instead of 2. Registered in kernels/index.ts ahead of the wasm one; available when the addon
 * is built and the CPU has AVX-512.
 */
import type { NormalsAddress } from './index.js';
import { loadNativeAddon, type NativeAddon } from '../native.js';

let kernel: NativeAddon['normals'] | null | undefined;

function load(): NativeAddon['normals'] | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const addon = loadNativeAddon();
    if (addon.normals && addon.gemmKernel() === 'avx512') kernel = addon.normals.bind(addon);
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether the native noise kernel is in use (for reports). */
export function nativeNoiseAvailable(): boolean {
  return load() !== null;
}

/** Fills out[offset..offset+count) from Philox block b0 on; returns false if the kernel is unavailable. */
export function nativeNormals(addr: NormalsAddress, b0: number, out: Float32Array, offset: number, count: number): boolean {
  const k = load();
  if (!k) return false;
  k(addr.key0 >>> 0, addr.key1 >>> 0, addr.c1 >>> 0, addr.c2 >>> 0, addr.c3 >>> 0, b0 >>> 0, out, offset, count);
  return true;
}
