/**
 * Reasoning's public API that needs no Node (the browser bundle's `reason`): the recurrent character LM, its
 * vocabulary, the tuned parts (tune.ts), the verifiable tasks (Countdown, addition), sampling and held-out accuracy. index.ts adds whole runs
 * (EGGROLL vs GRPO), model files and pretraining.
 */
export { RecurrentLm, lmSpecs, initLm, LM_DEFAULTS, type LmConfig } from './model.js';
export { parseTune, tunedSpecs, tunedCount, initAdapters, type Tune } from './tune.js';
export { VOCAB, VOCAB_SIZE, TEXT_VOCAB, TEXT_VOCAB_SIZE, EOS, encode, encodeIn, decode } from './vocab.js';
export * from './tasks/index.js';
export { sampleBatch, sequenceLogprobs, type SampleOptions, type SampleResult } from './sample.js';
export { accuracyOf, wilson, type Accuracy, type EvalOptions } from './evaluate.js';
