/**
 * The Boolean lab's public API that needs no Node (the browser bundle's `boolean`): truth tables, DNFs, DFCNs,
 * complexity measures, the learners (MH, greedy, the oracle, EGGROLL) and single runs. index.ts adds the prior
 * sampler (worker threads).
 */
export * from './truth-table.js';
export * from './dnf.js';
export * from './dfcn.js';
export * from './complexity.js';
export { mhDriver, runMh, acceptProb, type MhOptions } from './mcmc.js';
export { greedyDriver, runGreedy, type GreedyOptions } from './greedy.js';
export { runOracle } from './oracle.js';
export { eggrollDriver, runEggroll, type EggrollOptions } from './eggroll.js';
export { runToEnd, type LearnerDriver, type LearnResult, type StepLog, type LogFn } from './learner.js';
export { makeTarget, makeTask, runOne, runOneStoppable, TARGET_HELP, ALGOS, type BooleanAlgo, type RunConfig } from './experiments.js';
export type { BooleanTask, Domain } from './state.js';
