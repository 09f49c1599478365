/** The integer-only language model's public API (see docs/results/egg.md). */
export * from './model.js';
export * from './kernels.js';
export * from './tables.js';
export * from './noise.js';
export * from './qeggroll.js';
export * from './data.js';
export * from './baselines.js';
export * from './train.js';
export * from './run.js';
export * from './sample.js';
