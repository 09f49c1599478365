/** A worker thread of EggPool: evaluates the member ranges it is sent, over shared memory. */
import { workerData } from 'node:worker_threads';
import { serve } from '../parallel/workers.js';
import { loadBackend } from '../backend/index.js';
import { EggArch } from './model.js';
import { ForwardCache, evaluateMembers, type PopulationInput } from './evaluate.js';

const d = workerData as {
  shape: { layers: number; width: number }; backend: 'auto' | 'js' | 'wasm' | 'native';
  params: Int8Array; states: Int8Array; windows: Uint8Array; fitness: Int32Array; noise: Int8Array;
  pop: number; groupSize: number; tokens: number; sigmaShift: number; noiseKey: [number, number];
};

const backend = await loadBackend(d.backend);
const arch = new EggArch(d.shape);
const cache = new ForwardCache(arch, backend);
const input: PopulationInput = {
  arch, params: d.params, states: d.states, windows: d.windows, pop: d.pop, groupSize: d.groupSize,
  tokens: d.tokens, sigmaShift: d.sigmaShift, noiseKey: d.noiseKey, epoch: 0, noise: d.noise,
};
serve((m: { epoch: number; r0: number; r1: number }) => {
  input.epoch = m.epoch;
  evaluateMembers(input, cache, m.r0, m.r1, d.fitness);
});
