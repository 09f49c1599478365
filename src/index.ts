/**
 * eggroll's library entry: what a library user needs, each name with one meaning. The engine is exported flat
 * (backends, randomness, parameters and models, the ask/tell strategies and their plug-ins, the trainers, I/O); the
 * experiments are namespaces: `rl`, `gym`, `egg`, `boolean`, `reason`. src/browser.ts exports the same names less
 * what needs Node (test/architecture/public-surface.test.ts holds the two lists against each other). Internals
 * (kernel modules, row maps, noisers, plotting helpers, worker plumbing, cluster protocols) stay internal.
 *
 *   const es = new EvolutionStrategy(params, backend, config);
 *   for (;;) { const pop = es.ask(); es.tell(fitnessOf(model.forward(pop.all(), inputs))); }
 */

// Compute backends (src/backend): pick one, allocate kernel arrays from it.
export { loadBackend, nondeterminism, BACKEND_CHOICES, jsBackend, PLATFORM, openWebGpu, type GpuKernels } from './backend/index.js';
export type { Backend, BackendName, BackendChoice } from './backend/index.js';

// The project's correctly rounded math and counter-based randomness (src/math, src/rng).
export * as math from './math/index.js';
export { philox4x32, mix32 } from './rng/philox.js';
export { fillNormals, type StreamAddress } from './rng/normal.js';

// Parameters and models (src/nn).
export { ParamSet, sizeOf, type ParamSpec, type EvolveMode } from './nn/params.js';
export { Mlp, mlpSpecs, initMlp, type MlpConfig } from './nn/mlp.js';
export { ACTIVATIONS, activate, type Activation } from './nn/activations.js';
export { initNormal } from './nn/init.js';
export type { Batch } from './nn/batch.js';

// Evolution strategies (src/es): ask → evaluate a population handle → tell; strategies are plug-ins.
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
export { workerObjective, type WorkerObjective } from './parallel/worker-objective.js';
export { DeviceEggroll, deviceGeneration, type DeviceTellResult } from './es/device-eggroll.js';
export { registerStrategy, strategyPlugin, lowRankDirection, denseDirection, estimateDirection, type StrategyPlugin, type StrategyContext, type TensorNoise } from './es/strategies/index.js';
export { Population, inference, UNPERTURBED } from './es/population.js';
export { lowRankFactors, denseNoise, noiseEpoch } from './es/noise.js';
export { shapeFitness, sanitizeFitness, SHAPING_KINDS, type Shaping } from './es/shaping.js';
export { scheduleValue, type Schedule } from './es/schedule.js';
export { OPTIMIZERS, type OptimizerConfig, type OptimizerState } from './es/optim.js';
export type { Task, TaskModule, TaskRef } from './es/task.js';
export { LocalTrainer } from './es/local-trainer.js';
export { Trainer, type TrainerSetup, type GenerationResult } from './parallel/trainer.js';

// Files (src/io): safetensors, checkpoints, metrics, atomic writes, plots.
export { encodeSafetensors, decodeSafetensors, tensor, type SafeTensor, type SafeDType, type DecodedSafetensors } from './io/safetensors.js';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, type Checkpoint, type CheckpointMeta } from './io/checkpoint.js';
export { MetricsLog, readJsonl } from './io/metrics.js';
export { recordLogger, type RecordFormat } from './io/record-log.js';
export { writeFileAtomic, writeJsonAtomic } from './io/atomic.js';
export { linePlotSvg, scatterPlotSvg, heatmapSvg, barChartSvg, svgToPng, writePlot, type Series, type LinePlotOptions } from './io/plot.js';

// The run loop every experiment uses (src/experiment).
export { runLoop, RunClock, RunStopped, type LoopExperiment, type LoopOptions } from './experiment/index.js';

// Experiments.
export * as rl from './rl/index.js';
// The Gymnasium-shaped environment API: gym.make('CartPole-v1').reset({ seed: 0 }).
export * as gym from './rl/gym/index.js';
export * as egg from './egg/index.js';
export * as boolean from './boolean/index.js';
export * as reason from './reason/index.js';
