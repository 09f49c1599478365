/**
 * What the WebGPU page test runs inside Chromium (bundled with the library by test/helpers/bundle-page.ts): the
 * backend conformance suite on the page's GpuKernels (navigator.gpu), and a device-resident EGG run whose bits the
 * Node side compares with its CPU run.
 */
import { jsBackend } from '../../../src/backend/js.js';
import { GpuKernels } from '../../../src/backend/webgpu/compute.js';
import { DeviceEgg } from '../../../src/egg/device.js';
import { EggArch } from '../../../src/egg/model.js';
import { pairSigns, thresholdAt } from '../../../src/egg/qeggroll.js';
import { conformanceCases, runCases, sgemvBySgemm, type KernelsUnderTest } from '../../helpers/conformance-cases.js';

/** Every conformance case on WebGPU: its name and, where it failed, the message. */
export async function runConformance(): Promise<{ adapter: string; results: { name: string; error?: string }[] }> {
  const gpu = await GpuKernels.open();
  const sgemm: KernelsUnderTest['sgemm'] = (...a) => gpu.sgemm(...a);
  const kernels: KernelsUnderTest = {
    sgemm, sgemv: sgemvBySgemm(sgemm), lowRankAdd: (...a) => gpu.lowRankAdd(...a), igemm: (...a) => gpu.igemm(...a),
  };
  const results = await runCases(conformanceCases(kernels, jsBackend, true));
  return { adapter: gpu.gpu.adapterName, results };
}

export interface EggPageRun {
  layers: number;
  width: number;
  pop: number;
  groupSize: number;
  tokens: number;
  sigmaShift: number;
  alpha: number;
  noiseKey: [number, number];
  params: number[];
  /** Each step's windows (groups × (T+1) bytes). */
  windows: number[][];
}

/** A device-resident EGG run from the given weights: each step's fitness and counts, then the weights and states. */
export async function runEggDevice(o: EggPageRun): Promise<{ fitness: number[][]; stats: number[][]; params: number[]; states: number[] }> {
  const gpu = await GpuKernels.open();
  const arch = new EggArch({ layers: o.layers, width: o.width });
  const dev = new DeviceEgg(gpu, arch, { pop: o.pop, groupSize: o.groupSize, tokens: o.tokens, sigmaShift: o.sigmaShift, noiseKey: o.noiseKey });
  const params = Int8Array.from(o.params), states = new Int8Array(o.layers * o.pop * o.width);
  dev.upload(params, states);
  const fitness: number[][] = [], stats: number[][] = [];
  const fit = new Int32Array(o.pop);
  for (let t = 0; t < o.windows.length; t++) {
    await dev.evaluate(t, Uint8Array.from(o.windows[t]), fit);
    fitness.push(Array.from(fit));
    const s = await dev.update(pairSigns(fit, o.pop), thresholdAt(o.alpha, t));
    stats.push([s.moved, s.clipped]);
  }
  await dev.download(params, states);
  dev.destroy();
  return { fitness, stats, params: Array.from(params), states: Array.from(states) };
}
