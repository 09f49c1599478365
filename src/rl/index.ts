/** Reinforcement learning: batched environments, policies, the RL task and whole training runs. */
export * from './envs/index.js';
export * from './policy.js';
export * from './task.js';
export * from './run.js';
export * from './presets.js';
export * as gym from './gym/index.js';
