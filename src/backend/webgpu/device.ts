/// <reference types="@webgpu/types" />
/** What gpu.ts (Node) and gpu.browser.ts (a page) share: the device handle and how a device is asked of an adapter. */

/** The epilogue's activations on the device (es/device-eggroll.ts; pqn has no device kernel yet), by kernel code. */
export const DEVICE_ACTIVATIONS = ['identity', 'tanh', 'relu'] as const;
export type DeviceActivation = typeof DEVICE_ACTIVATIONS[number];

/** `open` run once and its device kept; a failed open is forgotten so a later call tries again (gpu.ts, gpu.browser.ts). */
export function onceDevice(open: () => Promise<GpuHandle>): () => Promise<GpuHandle> {
  let handle: Promise<GpuHandle> | undefined;
  return () => (handle ??= open().catch((e) => {
    handle = undefined;
    throw e;
  }));
}

export interface GpuHandle {
  readonly device: GPUDevice;
  /** The adapter's description, e.g. "SwiftShader driver 5.0.0" or a card's name. */
  readonly adapterName: string;
  /** True when it is a software adapter (correctness only; never pick it for speed). */
  readonly software: boolean;
  readonly features: ReadonlySet<string>;
}

/** A device with the features worth having (subgroups, f16, timestamps) and the largest buffers the adapter allows. */
export async function deviceOf(adapter: GPUAdapter, software: boolean): Promise<GpuHandle> {
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  const wanted = (['subgroups', 'shader-f16', 'timestamp-query'] as const).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    requiredFeatures: wanted as GPUFeatureName[],
    // Wide layers and large populations want the largest storage buffers the adapter has.
    requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
  });
  return { device, adapterName: name, software: software || /swiftshader|llvmpipe|lavapipe/i.test(name), features: new Set([...device.features]) };
}

/** FUSED_LAYER_WGSL's per-row words: (pair, bits of the bias noise coefficient, bits of the low-rank coefficient, 0). */
export function rowInfo(pair: Int32Array, biasCoef: Float32Array, lowRankCoef: Float32Array): Uint32Array {
  const out = new Uint32Array(4 * pair.length);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  for (let i = 0; i < pair.length; i++) {
    out[4 * i] = pair[i];
    f[0] = biasCoef[i]; out[4 * i + 1] = u[0];
    f[0] = lowRankCoef[i]; out[4 * i + 2] = u[0];
  }
  return out;
}

/** Workgroups of 64 for n invocations of a one-dimensional kernel, on an (x, y) grid within the 65,535 per-dimension limit (LINEAR_INDEX_FN). */
export function workgroupGrid(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / 64));
  return groups <= 65535 ? [groups, 1] : [65535, Math.ceil(groups / 65535)];
}
