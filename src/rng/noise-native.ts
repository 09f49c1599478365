/**
 * Philox normals through the native addon's AVX-512 kernel (native/eggroll_native.c, `normals`): the
 * same bits as fillNormalsRef and noise.wasm (tested), about 4× noise.wasm's speed, since the
 * transform runs in float64 on 8 lanes instead of 2. Used when the addon is built, the CPU has AVX-512
 * and the kernel choice allows it (backend/kernel-choice.ts: EGGROLL_NOISE unset).
 */
import type { StreamAddress } from './normal.js';
import { kernelChoice } from '../backend/kernel-choice.js';
import { loadNativeAddon, type NativeAddon } from '../backend/native.js';

let kernel: NativeAddon['normals'] | null | undefined;

function load(): NativeAddon['normals'] | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  if (kernelChoice().noise !== 'best') return kernel;
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
export function nativeNormals(addr: StreamAddress, b0: number, out: Float32Array, offset: number, count: number): boolean {
  const k = load();
  if (!k) return false;
  k(addr.key0 >>> 0, addr.key1 >>> 0, addr.c1 >>> 0, addr.c2 >>> 0, addr.c3 >>> 0, b0 >>> 0, out, offset, count);
  return true;
}
