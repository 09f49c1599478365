/**
 * An RL run's settings (config.json) and how they become the strategy's and the task's options. Pure (no
 * files), so the browser playground builds exactly what `eggroll train` builds from the same settings.
 */
import type { Algo, StrategyConfig } from '../es/strategy.js';
import { algoNames } from '../es/create-strategy.js';
import type { Shaping } from '../es/shaping.js';
import { decaying } from '../es/schedule.js';
import type { OptimizerConfig } from '../es/optim.js';
import type { Activation } from '../nn/activations.js';
import { DEVICE_ACTIVATIONS, type BackendChoice } from '../backend/index.js';
import type { ActionMode } from './policy.js';
import type { RlTaskOptions } from './task.js';
import { InputError } from '../io/input-error.js';
import { BASE_PRESET, PRESETS } from './presets.js';
import { resolveEnv } from './envs/index.js';

/** Everything a run needs, as written to config.json (enough to rerun it). */
export interface RlRunConfig {
  env: string;
  algo: Algo;
  pop: number;
  rank: number;
  sigma: number;
  sigmaDecay: number;
  lr: number;
  lrDecay: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  momentum: number;
  weightDecay: number;
  shaping: Shaping['kind'];
  groupSize: number;
  gens: number;
  episodes: number;
  evalEpisodes: number;
  hidden: number[];
  activation: Activation;
  bias: 'full' | 'frozen';
  obsNorm: boolean;
  action: ActionMode;
  noiseReuse: number;
  seed: number;
  workers: number;
  backend: BackendChoice;
  checkpointEvery: number;
}

/**
 * The settings that define a trained policy and how it was trained — what a policy file carries
 * (rl/policy-file.ts), in this order. Left out: what may change when a run is resumed (gens, workers,
 * backend, checkpointEvery, evalEpisodes), so a resumed run's checkpoints are byte-identical to a straight run's.
 */
export const POLICY_CONFIG_KEYS = ['env', 'algo', 'pop', 'rank', 'sigma', 'sigmaDecay', 'lr', 'lrDecay', 'optimizer', 'momentum', 'weightDecay',
  'shaping', 'groupSize', 'episodes', 'hidden', 'activation', 'bias', 'obsNorm', 'action', 'noiseReuse', 'seed'] as const satisfies readonly (keyof RlRunConfig)[];
export type PolicyConfig = Pick<RlRunConfig, typeof POLICY_CONFIG_KEYS[number]>;

/** `c`'s policy settings, in POLICY_CONFIG_KEYS order (absent optional ones left out). */
export function policyConfigOf(c: PolicyConfig): PolicyConfig {
  const out: Record<string, unknown> = {};
  for (const k of POLICY_CONFIG_KEYS) if (c[k] !== undefined) out[k] = c[k];
  return out as unknown as PolicyConfig;
}

/**
 * An RL run's settings from the environment's preset and the caller's overrides (a config file's and then the
 * command line's, already merged by the caller; undefined values are left to the preset), checked as a whole: the
 * cross-field rules no single flag can check. Used by `eggroll train`, the scripts, `bench cluster` and the
 * playground alike. InputError (one line naming the setting) for anything out of range.
 */
export function resolveRlConfig(env: string, overrides: Partial<RlRunConfig> = {}): RlRunConfig {
  let def;
  try {
    def = resolveEnv(env);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const cfg: Record<string, unknown> = { ...BASE_PRESET, ...PRESETS[def.id], env: def.id };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined && k !== 'env') cfg[k] = v;
  const c = cfg as unknown as RlRunConfig;
  if (!algoNames().includes(c.algo)) throw new InputError(`--algo: must be one of ${algoNames().join(', ')} (or a strategy an --import module registers), got '${c.algo}'`);
  if (c.pop % 2 !== 0) throw new InputError(`--pop must be even (members come in antithetic ± pairs), got ${c.pop}`);
  if (c.shaping === 'group' && (!c.groupSize || c.pop % c.groupSize !== 0)) throw new InputError(`--shaping group needs --group-size dividing --pop ${c.pop}`);
  const widest = Math.max(...[def.observationSpace.dim, ...c.hidden].map((a, i, arr) => (i + 1 < arr.length ? Math.min(a, arr[i + 1]) : 0)));
  if (c.algo === 'eggroll' && c.rank > widest) throw new InputError(`--rank must be in [1, ${widest}] for this policy (min(m, n) of its largest matrix), got ${c.rank}`);
  // --backend webgpu with EGGROLL is the device-resident run (es/device-eggroll.ts): its epilogue has these activations.
  if (c.backend === 'webgpu' && c.algo === 'eggroll' && !(DEVICE_ACTIVATIONS as readonly string[]).includes(c.activation)) {
    throw new InputError(`--activation ${c.activation} has no GPU kernel: --backend webgpu takes --activation ${DEVICE_ACTIVATIONS.join(', ')} (or use another backend)`);
  }
  return c;
}

export function strategyFor(c: RlRunConfig): StrategyConfig {
  const optimizer: OptimizerConfig = c.optimizer === 'sgd' ? { kind: 'sgd', momentum: c.momentum }
    : c.optimizer === 'adam' ? { kind: 'adam' } : { kind: 'adamw', weightDecay: c.weightDecay };
  const shaping: Shaping = c.shaping === 'group' ? { kind: 'group', groupSize: c.groupSize } : { kind: c.shaping } as Shaping;
  return { algo: c.algo, popSize: c.pop, rank: c.rank, sigma: decaying(c.sigma, c.sigmaDecay), lr: decaying(c.lr, c.lrDecay), optimizer, shaping, seed: c.seed, noiseReuse: c.noiseReuse };
}

export function taskOptionsFor(c: PolicyConfig): RlTaskOptions {
  return { env: c.env, hidden: c.hidden, activation: c.activation, bias: c.bias, popSize: c.pop, episodes: c.episodes, seed: c.seed, obsNorm: c.obsNorm, actionMode: c.action };
}

