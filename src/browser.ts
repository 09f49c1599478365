/**
 * The browser entry: src/index.ts's names less what needs Node (files, run directories, worker threads, the native
 * addon, the Redis cluster), bundled by scripts/build-browser.mjs into dist/browser/eggroll.js. Same flat names,
 * same namespaces (each namespace's index.browser.ts); test/architecture/public-surface.test.ts checks the two
 * lists against each other, and test/browser/bundle.test.ts that no Node-only module reaches the bundle.
 */

export { loadBackend, nondeterminism, BACKEND_CHOICES, jsBackend, PLATFORM, openWebGpu, type GpuKernels } from './backend/index.js';
export type { Backend, BackendName, BackendChoice } from './backend/index.js';

export * as math from './math/index.js';
export { philox4x32, mix32 } from './rng/philox.js';
export { fillNormals, type StreamAddress } from './rng/normal.js';

export { ParamSet, sizeOf, type ParamSpec, type EvolveMode } from './nn/params.js';
export { Mlp, mlpSpecs, initMlp, type MlpConfig } from './nn/mlp.js';
export { ACTIVATIONS, activate, type Activation } from './nn/activations.js';
export { initNormal } from './nn/init.js';
export type { Batch } from './nn/batch.js';

export { EvolutionStrategy, validateStrategy, strategyNames, type Algo, type StrategyConfig, type StrategyState, type TellResult } from './es/strategy.js';
export { CmaEs, type CmaEsOptions } from './es/flat/cma-es.js';
export { optimize, OPTIMIZE_ALGOS, type OptimizeAlgo, type OptimizeOptions, type OptimizeResult, type GenerationRecord, type StopReason, type StrategySettings } from './es/flat/optimize.js';
export { Snes, type SnesOptions } from './es/flat/snes.js';
export { Pgpe, type PgpeOptions } from './es/flat/pgpe.js';
export { Ars, type ArsOptions } from './es/flat/ars.js';
export type { Bounds } from './es/flat/bounds.js';
export { bbobProblem, BBOB_FUNCTIONS, BBOB_NAMES, type BbobId, type BbobProblem } from './es/flat/bbob.js';
export { bbobCell, bbobStart, type BbobCell, type BbobResult, type BbobRun } from './es/flat/bbob-run.js';
export type { FlatStrategy } from './es/flat/types.js';
export { FlatEvolution, FLAT_ALGOS, isFlatAlgo, type FlatAlgo } from './es/flat-evolution.js';
export { createStrategy, algoNames, type SearchStrategy } from './es/create-strategy.js';
export { DeviceEggroll, deviceGeneration, type DeviceTellResult } from './es/device-eggroll.js';
export { registerStrategy, strategyPlugin, lowRankDirection, denseDirection, estimateDirection, type StrategyPlugin, type StrategyContext, type TensorNoise } from './es/strategies/index.js';
export { Population, inference, UNPERTURBED } from './es/population.js';
export { lowRankFactors, denseNoise, noiseEpoch } from './es/noise.js';
export { shapeFitness, sanitizeFitness, SHAPING_KINDS, type Shaping } from './es/shaping.js';
export { scheduleValue, type Schedule } from './es/schedule.js';
export { OPTIMIZERS, type OptimizerConfig, type OptimizerState } from './es/optim.js';
export type { Task } from './es/task.js';
export { LocalTrainer } from './es/local-trainer.js';

export { encodeSafetensors, decodeSafetensors, tensor, type SafeTensor, type SafeDType, type DecodedSafetensors } from './io/safetensors.js';

export * as rl from './rl/index.browser.js';
export * as gym from './rl/gym/index.js';
export * as egg from './egg/index.browser.js';
export * as boolean from './boolean/index.browser.js';
export * as reason from './reason/index.browser.js';
