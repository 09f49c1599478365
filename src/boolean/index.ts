/** The Boolean lab's public API (see docs/results/boolean.md): index.browser.ts plus the prior sampler (worker threads). */
export * from './index.browser.js';
export { samplePrior, PRIOR_MAX_N, type PriorResult } from './prior.js';
