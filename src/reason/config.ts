/** A reasoning run's settings, as written to config.json and read back (eval, --resume) through one schema. */
import { z } from 'zod';
import { BACKEND_CHOICES, type BackendChoice } from '../backend/index.js';
import { OPTIMIZERS } from '../es/optim.js';
import { TASK_NAMES, type TaskName } from './tasks/index.js';
import { InputError } from '../io/input-error.js';
import { VOCAB_SIZE } from './vocab.js';

export const REASON_ALGOS = ['eggroll', 'grpo'] as const;
export type ReasonAlgo = (typeof REASON_ALGOS)[number];

export interface ReasonRunConfig {
  algo: ReasonAlgo;
  task: TaskName;
  /** The base model file (eggroll reason pretrain), absolute. */
  base: string;
  /** Updates (GRPO steps or EGGROLL generations). */
  steps: number;
  /** Prompts per update. */
  prompts: number;
  /** Completions per prompt: GRPO's G, or EGGROLL members per prompt (population = prompts × group). */
  group: number;
  temperature: number;
  formatReward: number;
  // EGGROLL
  sigma: number;
  /** EGGROLL's σ is multiplied by this every generation (1: constant). */
  sigmaDecay: number;
  rank: number;
  esLr: number;
  /** EGGROLL's learning rate is multiplied by this every generation (1: constant). */
  esLrDecay: number;
  esOptimizer: (typeof OPTIMIZERS)[number];
  // GRPO
  grpoLr: number;
  clip: number;
  kl: number;
  epochs: number;
  // evaluation and bookkeeping
  evalEvery: number;
  evalCount: number;
  checkpointEvery: number;
  seed: number;
  backend: BackendChoice;
  /** EGGROLL: worker threads evaluating the population (results identical for any count); GRPO: unused. */
  workers: number;
}

const int = (min: number) => z.number().int().min(min);
const pos = () => z.number().refine((v) => Number.isFinite(v) && v > 0, { message: 'must be a finite number > 0' });
const nonneg = () => z.number().refine((v) => Number.isFinite(v) && v >= 0, { message: 'must be a finite number ≥ 0' });

export const reasonConfigSchema = z.object({
  algo: z.enum(REASON_ALGOS), task: z.enum(TASK_NAMES), base: z.string().min(1), steps: int(1), prompts: int(1), group: int(2),
  temperature: nonneg(), formatReward: nonneg(), sigma: pos(), sigmaDecay: z.number().refine((v) => v > 0 && v <= 1, { message: 'must be in (0, 1]' }).default(1), rank: int(1), esLr: pos(), esLrDecay: z.number().refine((v) => v > 0 && v <= 1, { message: 'must be in (0, 1]' }).default(1), esOptimizer: z.enum(OPTIMIZERS),
  grpoLr: pos(), clip: pos(), kl: nonneg(), epochs: int(1), evalEvery: int(1), evalCount: int(1), checkpointEvery: int(1), seed: int(0),
  backend: z.enum(BACKEND_CHOICES as unknown as ['auto', 'js', 'wasm', 'native']),
  // Runs written before the flag existed ran on one thread.
  workers: int(1).default(1),
}).passthrough();

/** Held-out problems always come from this stream seed, so every run (any seed, either method) is scored on the same problems. */
export const EVAL_PROBLEM_SEED = 0;

/**
 * Per-method defaults. Temperatures are the paper's (EGGROLL greedy: a member's answer is then a function of its
 * perturbation alone; GRPO needs sampled, varied completions). EGGROLL's update is cheap (no backward pass), so it
 * evaluates more completions per update; scripts/reason-compare.ts measures both at equal wall-clock.
 */
export const ALGO_DEFAULTS = {
  eggroll: { prompts: 32, group: 32, temperature: 0 },
  grpo: { prompts: 8, group: 16, temperature: 1 },
} as const;

/** The settings only one method reads (a run of the other method refuses them rather than ignore them). */
const ONLY: Record<ReasonAlgo, readonly (keyof ReasonRunConfig)[]> = {
  eggroll: ['rank', 'sigma', 'sigmaDecay', 'esLr', 'esLrDecay', 'esOptimizer'],
  grpo: ['grpoLr', 'clip', 'kl', 'epochs'],
};

/** camelCase setting → its flag (messages speak the command line's language). */
const flagOf = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * A reasoning run's settings from the method's defaults and the caller's settings, checked as a whole: a setting of
 * the other method (named in `given`, the settings the caller set explicitly), an odd EGGROLL group, a rank above the
 * model's narrowest matrix (`modelWidth`: the base model's dim). InputError naming the flag otherwise. Used by
 * `eggroll reason train` and the scripts alike.
 */
export function resolveReasonConfig(s: Omit<ReasonRunConfig, 'prompts' | 'group' | 'temperature'> & Partial<Pick<ReasonRunConfig, 'prompts' | 'group' | 'temperature'>>, given: ReadonlySet<string>, modelWidth: number): ReasonRunConfig {
  const other: ReasonAlgo = s.algo === 'eggroll' ? 'grpo' : 'eggroll';
  const foreign = ONLY[other].filter((k) => given.has(k));
  if (foreign.length) throw new InputError(`${foreign.map(flagOf).join(', ')} appl${foreign.length === 1 ? 'ies' : 'y'} to --algo ${other} only; --algo ${s.algo} takes ${ONLY[s.algo].map(flagOf).join(', ')}`);
  const d = ALGO_DEFAULTS[s.algo];
  const c: ReasonRunConfig = { ...s, prompts: s.prompts ?? d.prompts, group: s.group ?? d.group, temperature: s.temperature ?? d.temperature };
  if (c.algo === 'eggroll' && c.group % 2 !== 0) throw new InputError(`--group must be even for EGGROLL (antithetic ± pairs share a prompt), got ${c.group}`);
  const width = Math.min(modelWidth, VOCAB_SIZE);
  if (c.rank > width) throw new InputError(`--rank must be in [1, ${width}] for this model (min(m, n) of its smallest matrix), got ${c.rank}`);
  return c;
}
