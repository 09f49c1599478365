/**
 * This machine's WebGPU kernels for a test file, or the reason to skip: where a machine has neither a GPU nor what
 * .ci/run installs (chromium's SwiftShader, libvulkan1), tests say so rather than fail.
 */
import { GpuKernels } from '../../src/backend/webgpu/compute.js';

export async function webGpuForTests(): Promise<{ gpu: GpuKernels | undefined; skip: string | false }> {
  try {
    return { gpu: await GpuKernels.open(), skip: false };
  } catch (e) {
    return { gpu: undefined, skip: `no WebGPU adapter here: ${(e as Error).message}` };
  }
}
