/// <reference types="@webgpu/types" />
/** A WebGPU device in a page or Web Worker (navigator.gpu); gpu.ts is Node's (the `webgpu` package). */
export const SWIFTSHADER_ICD = '';

export type { GpuHandle } from './device.js';
import { deviceOf, onceDevice, type GpuHandle } from './device.js';

export const gpuDevice = onceDevice(() => open());

/** navigator.gpu and the adapter's name (gpu.ts's counterpart). */
export async function navigatorGpu(): Promise<{ gpu: GPU; adapterName: string }> {
  const h = await gpuDevice();
  return { gpu: (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu, adapterName: h.adapterName };
}

async function open(): Promise<GpuHandle> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('this browser has no WebGPU (navigator.gpu): Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows; a page must be served over https or from localhost');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU is there but no adapter was given (a blocklisted GPU or driver)');
  return deviceOf(adapter, false);
}
