/** Improving a small LM's reasoning, EGGROLL vs GRPO (see docs/results/reasoning.md): index.browser.ts plus runs and files. */
export * from './index.browser.js';
export { REASON_ALGOS, EVAL_PROBLEM_SEED, ALGO_DEFAULTS, OPTIONAL_DEFAULTS, resolveReasonConfig, type ReasonAlgo, type ReasonRunConfig } from './config.js';
export { runReason, readReasonConfig, type ReasonSummary, type ReasonHooks } from './run.js';
export { loadLm, saveLm, encodeLm, type LmFile } from './weights.js';
export { pretrain, type PretrainConfig } from './pretrain.js';
export { loadTextCorpus, type TextCorpus } from './corpus.js';
