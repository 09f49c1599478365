/** The Boolean lab's public API (see docs/results/boolean.md): truth tables, DNFs, DFCNs, complexity, learners, prior. */
export * from './truth-table.js';
export * from './dnf.js';
export * from './dfcn.js';
export * from './complexity.js';
export * from './mcmc.js';
export * from './greedy.js';
export * from './oracle.js';
export * from './eggroll.js';
export * from './prior.js';
export * from './experiments.js';
export type { BooleanTask, Domain } from './state.js';
