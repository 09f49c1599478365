/**
 * Per-environment defaults, found by small sweeps on this project's 2-core reference machine (see
 * docs/results/rl.md). Flags and config files override any of them; the paper likewise tuned
 * hyperparameters per environment.
 */
import type { RlRunConfig } from './config.js';

export type Preset = Partial<RlRunConfig>;

export const BASE_PRESET: Omit<RlRunConfig, 'env' | 'seed' | 'workers' | 'backend'> = {
  algo: 'eggroll', pop: 256, rank: 1, sigma: 0.1, sigmaDecay: 1, lr: 0.03, lrDecay: 1, optimizer: 'adam', momentum: 0, weightDecay: 0.01,
  shaping: 'centered-rank', groupSize: 0, gens: 60, episodes: 1, evalEpisodes: 100, hidden: [64, 64], activation: 'tanh', bias: 'full',
  obsNorm: false, action: 'argmax', noiseReuse: 1, checkpointEvery: 10,
};

export const PRESETS: Record<string, Preset> = {
  'CartPole-v1': { pop: 256, gens: 30, sigma: 0.1, lr: 0.05 },
  'Acrobot-v1': { pop: 256, gens: 60, sigma: 0.1, lr: 0.05 },
  'MountainCar-v0': { pop: 512, gens: 100, sigma: 0.3, lr: 0.05, obsNorm: true },
  'MountainCarContinuous-v0': { pop: 512, gens: 60, sigma: 0.5, lr: 0.05, obsNorm: true },
  'Pendulum-v1': { pop: 512, gens: 150, sigma: 0.1, lr: 0.03, episodes: 2 },
  // Not swept yet (issue 15): starts that differ in terrain and initial push make one episode a noisy
  // fitness, hence 2 per member; observations span very different scales (contact flags vs velocities),
  // hence normalisation. A generation is up to pop × episodes × 1000 physics steps, the dominant cost.
  'LunarLander-v3': { pop: 256, gens: 200, sigma: 0.1, lr: 0.03, episodes: 2, obsNorm: true },
  'LunarLanderContinuous-v3': { pop: 256, gens: 200, sigma: 0.1, lr: 0.03, episodes: 2, obsNorm: true },
  // Not swept yet (issue 15): 24 observations of very different scales (angles, speeds, contact flags,
  // lidar fractions), hence normalisation; one episode per member, as a generation is up to pop × 1600
  // (hardcore 2000) physics steps with 10 ray casts each; the policy is the base 64×64 tanh MLP, its 4
  // tanh outputs the motor commands.
  'BipedalWalker-v3': { pop: 256, gens: 300, sigma: 0.05, lr: 0.03, episodes: 1, hidden: [64, 64], obsNorm: true },
  'BipedalWalkerHardcore-v3': { pop: 256, gens: 300, sigma: 0.05, lr: 0.03, episodes: 1, hidden: [64, 64], obsNorm: true },
};
