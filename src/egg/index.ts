/**
 * The integer-only language model (see docs/results/egg.md): index.browser.ts plus data, baselines, one training
 * step and whole runs. Kernels, tables and the int8 noise streams are internals.
 */
export * from './index.browser.js';
export { loadCorpus, readTextFile, splitParagraphs, defaultCorpusPath, MAX_TEXT_BYTES, type Corpus } from './data.js';
export { computeBaselines, NgramModel, gzipBpb, type Baselines } from './baselines.js';
export { EggTrainer, initParams, encodeModel, decodeModel, findCheckpoint, eggConfigSchema, type EggConfig, type EggStepResult, type DecodedModel } from './train.js';
export { runEgg, readEggRunConfig, resolveEggRunConfig, scoredSlice, type EggRunConfig, type EggRunHooks, type EggRunOptions, type EggRunSummary } from './run.js';
