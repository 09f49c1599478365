/**
 * eggroll's library entry. The engine (noise, noisers, ask/tell strategies, optimisers, trainer), models,
 * backends and I/O are exported flat; the experiments are namespaces: `rl`, `egg`, `boolean`.
 */
export * from './rng/philox.js';
export * from './rng/normal.js';
export * from './backend/index.js';
export * from './nn/params.js';
export * from './nn/activations.js';
export * from './nn/mlp.js';
export * from './es/noise.js';
export * from './es/noiser.js';
export * from './es/shaping.js';
export * from './es/schedule.js';
export * from './es/optim.js';
export * from './es/strategy.js';
export * from './es/task.js';
export * from './es/trainer.js';
export * from './parallel/pool.js';
export * from './io/safetensors.js';
export * from './io/checkpoint.js';
export * from './io/metrics.js';
export * from './io/atomic.js';
export * from './io/plot.js';
export * as rl from './rl/index.js';
export * as egg from './egg/index.js';
export * as boolean from './boolean/index.js';
