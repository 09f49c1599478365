/**
 * The integer-only language model's public API (see docs/results/egg.md): the model, integer EGGROLL,
 * data and baselines, one training step, whole runs, sampling. Kernels, tables and the int8 noise
 * streams are internals.
 */
export * from './model.js';
export * from './qeggroll.js';
export * from './data.js';
export * from './baselines.js';
export * from './train.js';
export * from './run.js';
export * from './sample.js';
