/// <reference types="@webgpu/types" />
/**
 * A WebGPU device in Node, through the `webgpu` package (Google's Dawn; an optional dependency, loaded only here and
 * only when asked for). Without a GPU, Dawn finds no adapter; then, when Debian's chromium is installed, its
 * SwiftShader Vulkan driver (vk_swiftshader_icd.json) is named to the Vulkan loader and the adapter requested again:
 * a software adapter, slow (0.04–0.06 GFLOP/s measured, docs/BENCHMARKS.md "WebGPU") but enough to test every kernel. gpu.browser.ts is the page's
 * version (navigator.gpu).
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deviceOf, onceDevice, type GpuHandle } from './device.js';

/** Where Debian's chromium package installs SwiftShader's Vulkan ICD manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export type { GpuHandle } from './device.js';

/** Dawn's instances: a GPU object that is garbage-collected takes its devices down with it (a crash), so keep them. */
const instances: GPU[] = [];

/** This process's device (made once); throws one line saying why when there is none. */
export const gpuDevice = onceDevice(() => open());

/**
 * The `GPU` object (navigator.gpu's type) behind this process's device — Dawn's instance, on which a library that
 * asks navigator.gpu for an adapter (tfjs's webgpu backend) gets the same adapter.
 */
export async function navigatorGpu(): Promise<{ gpu: GPU; adapterName: string }> {
  const h = await gpuDevice();
  return { gpu: instances[instances.length - 1], adapterName: h.adapterName };
}

async function open(): Promise<GpuHandle> {
  // No GPU device node (no /dev/dri render node, no /dev/nvidia*) and no driver named: SwiftShader, named before Dawn
  // loads (the Vulkan loader reads its variables then), so Dawn does not try Mesa's CPU drivers first and complain.
  // In a worker thread (sync.ts's device thread) the main thread has done this before starting it.
  const software = prepareVulkanEnvironment();
  let mod: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (e) {
    throw new Error(`the webgpu backend needs the 'webgpu' package (an optional dependency: npm install webgpu@0.6.2): ${(e as Error).message.split('\n')[0]}`);
  }
  Object.assign(globalThis, mod.globals); // GPUBufferUsage, GPUMapMode, … as in a browser
  const gpu = mod.create([]);
  instances.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`no WebGPU adapter: ${software ? `SwiftShader (${SWIFTSHADER_ICD}) did not load; it needs libvulkan1` : `no GPU driver answered${existsSync(SWIFTSHADER_ICD) ? '' : ` and ${SWIFTSHADER_ICD} (Debian's chromium) is missing`}; a GPU needs its Vulkan driver and libvulkan1`}`);
  return deviceOf(adapter, software);
}

/**
 * Names SwiftShader to the Vulkan loader when there is no GPU device node and no driver named (returns whether it
 * did), and gives Dawn a runtime dir. Must run on the main thread before Dawn loads: the loader reads the process's
 * real environment, which a worker thread's process.env does not write to.
 */
export function prepareVulkanEnvironment(): boolean {
  // Dawn's Vulkan surfaces complain without a runtime dir; a compute-only device needs none, so give it a harmless one.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const named = Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES);
  if (named || gpuDeviceNodes() || !existsSync(SWIFTSHADER_ICD)) return process.env.VK_ICD_FILENAMES === SWIFTSHADER_ICD;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
  return true;
}

/** Whether this machine has a GPU device node a Vulkan driver could open (Linux: /dev/dri/renderD*, /dev/nvidia0). */
function gpuDeviceNodes(): boolean {
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return process.platform !== 'linux'; // elsewhere, let Dawn look
  }
}
