/**
 * `--backend webgpu` in a page: not available yet. Node's facade (sync.ts) blocks its caller while a device thread
 * runs each call; a page's main thread may not block, so the browser needs the device-resident generation (issue 30),
 * which is not built yet. The WebGPU kernels themselves (compute.ts, gpu.browser.ts) run in a page.
 */
import type { Backend } from '../types.js';

export interface WebGpuBackend extends Backend {
  readonly adapter: string;
  readonly softwareAdapter: boolean;
}

export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  throw new Error("backend 'webgpu' is not available in the browser build yet: use 'wasm' (the WebGPU kernels run in a page, but a synchronous Backend cannot block a page's thread)");
}
