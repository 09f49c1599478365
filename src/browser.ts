/**
 * The browser entry: what a page or a Web Worker can use, bundled by scripts/build-browser.mjs into
 * dist/browser/eggroll.js. It is src/index.ts less everything that needs Node (files, run directories,
 * worker threads, the native addon, the Redis cluster): the backends (js and wasm; the wasm kernels are
 * inlined), randomness, parameters and models, the ask/tell strategies, safetensors in memory, the
 * batched environments and RL task, the Gymnasium-shaped API and the Boolean lab's learners.
 * test/browser/bundle.test.ts fails if a Node-only module reaches the bundle.
 */

export { loadBackend, BACKEND_CHOICES, jsBackend } from './backend/index.js';
export type { Backend, BackendName, BackendChoice } from './backend/index.js';
export { PLATFORM } from './backend/platform.js';

export * as math from './math/index.js';
export { philox4x32, mix32 } from './rng/philox.js';
export { fillNormals, type StreamAddress } from './rng/normal.js';

export { ParamSet, sizeOf, type ParamSpec, type EvolveMode } from './nn/params.js';
export { Mlp, mlpSpecs, initMlp, type MlpConfig } from './nn/mlp.js';
export { ACTIVATIONS, activate, type Activation } from './nn/activations.js';
export { initNormal } from './nn/init.js';
export type { Batch } from './nn/batch.js';

export { EvolutionStrategy, validateStrategy, strategyNames, type Algo, type StrategyConfig, type StrategyState, type TellResult } from './es/strategy.js';
export { registerStrategy, strategyPlugin, lowRankDirection, denseDirection, estimateDirection, type StrategyPlugin, type StrategyContext, type TensorNoise } from './es/strategies/index.js';
export { Population, inference, UNPERTURBED } from './es/population.js';
export { shapeFitness, sanitizeFitness, SHAPING_KINDS, type Shaping } from './es/shaping.js';
export { OPTIMIZERS, type OptimizerConfig, type OptimizerState } from './es/optim.js';
export type { Task } from './es/task.js';
export { LocalTrainer } from './es/local-trainer.js';

export { encodeSafetensors, decodeSafetensors, tensor, type SafeTensor, type SafeDType } from './io/safetensors.js';

// RL: the batched environments, policies and the population task (not run.ts: run directories are files).
export * from './rl/envs/index.js';
export * from './rl/policy.js';
export * from './rl/task.js';
export * from './rl/config.js';
export * from './rl/presets.js';
export * as gym from './rl/gym/index.js';

// The Boolean lab's functions, formulas, networks and learners (not the prior/sweep, which use worker threads).
export * from './boolean/truth-table.js';
export * from './boolean/dnf.js';
export * from './boolean/dfcn.js';
export * from './boolean/complexity.js';
export * from './boolean/mcmc.js';
export * from './boolean/greedy.js';
export * from './boolean/oracle.js';
export * from './boolean/eggroll.js';
export type { BooleanTask, Domain } from './boolean/state.js';
