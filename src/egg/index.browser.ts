/**
 * The integer-only language model's public API that needs no Node (the browser bundle's `egg`): the model and its
 * architecture, integer EGGROLL's update rule, scoring and sampling, and the device-resident generation on WebGPU. index.ts adds data, baselines, training and
 * whole runs (files, worker threads).
 */
export { EggForward, EggArch, VOCAB, isPowerOf4, type EggShape, type ParamKind, type EggParamSpec, type RowNoise } from './model.js';
export { IntegerUpdater, referenceUpdate, alphaAt, thresholdAt, pairSigns, passes, type UpdateStats } from './qeggroll.js';
export { scoreStream, evaluateMembers, type StreamScore, type PopulationInput } from './evaluate.js';
export { sampleBytes } from './sample.js';
export { DeviceEgg, type DeviceEggShape } from './device.js';
