/**
 * Reinforcement learning: batched environments, policies, the population task (index.browser.ts, also in the
 * browser bundle) and whole training runs into a run directory, with worker threads and checkpoints.
 */
export * from './index.browser.js';
export { runRl, readRunConfig, readPolicyFile, rlTaskRef, meanStd, type RunHooks, type RlRunSummary } from './run.js';
