/**
 * RL's public API that needs no Node (the browser bundle's `rl`, and the core of the package's): the environment
 * registry and the built-in environments, policies, the population task, run settings and presets, policy files.
 * src/rl/index.ts adds whole runs (run directories, checkpoints, worker threads).
 */
export {
  registerEnv, resolveEnv, makeEnv, envIds, describeSpace, ENVIRONMENTS, BatchEnv, actionDim,
  acrobot, cartPole, mountainCar, mountainCarContinuous, pendulum, lunarLander, lunarLanderContinuous, bipedalWalker, bipedalWalkerHardcore,
  makeAcrobot, makeCartPole, makeMountainCar, makeMountainCarContinuous, makePendulum, makeLunarLander, makeBipedalWalker,
  type EnvDefinition, type ActionSpace, type BoxSpace, type DiscreteSpace, type ResetBounds, type ResetOptions,
  type AcrobotOptions, type CartPoleOptions, type MountainCarOptions, type PendulumOptions, type LunarLanderOptions, type BipedalWalkerOptions,
} from './envs/index.js';
export { ACTION_MODES, outputsToActions, ObsNormalizer, type ActionMode } from './policy.js';
export { createTask, policyConfig, RlTask, type RlTaskOptions } from './task.js';
export { resolveRlConfig, strategyFor, taskOptionsFor, policyConfigOf, POLICY_CONFIG_KEYS, type RlRunConfig, type PolicyConfig } from './config.js';
export { BASE_PRESET, PRESETS, type Preset } from './presets.js';
export { encodePolicyFile, decodePolicyFile, PolicyFileError, type PolicyFile } from './policy-file.js';
