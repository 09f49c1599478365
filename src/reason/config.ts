/** A reasoning run's settings, as written to config.json and read back (eval, --resume) through one schema. */
import { z } from 'zod';
import { BACKEND_CHOICES, type BackendChoice } from '../backend/index.js';
import { OPTIMIZERS } from '../es/optim.js';
import { TASK_NAMES, type TaskName } from './tasks/index.js';
import { InputError } from '../io/input-error.js';
import { parseTune, tunedSpecs, narrowestTuned, tuneName } from './tune.js';
import type { LmConfig } from './model.js';

/** eggroll: low-rank ES; openes: the same ES with dense Gaussian noise on every tuned matrix; grpo: backprop RL. */
export const REASON_ALGOS = ['eggroll', 'openes', 'grpo'] as const;
export type ReasonAlgo = (typeof REASON_ALGOS)[number];
/** The two evolution strategies (one method in run.ts; they differ only in the noise). */
export const isEs = (a: ReasonAlgo) => a !== 'grpo';

export const ES_SHAPINGS = ['group', 'zscore'] as const;
export const RECIPES = ['none', 'qiu'] as const;

export interface ReasonRunConfig {
  algo: ReasonAlgo;
  task: TaskName;
  /** The base model file (eggroll reason pretrain), absolute. */
  base: string;
  /** Updates (GRPO steps or EGGROLL generations). */
  steps: number;
  /** Prompts per update. */
  prompts: number;
  /** Completions per prompt: GRPO's G, or ES members sharing a prompt set (population = prompts / memberPrompts × group). */
  group: number;
  /** The part of the model both methods tune (tune.ts): all | head | blocks:K | lora:R. */
  tune: string;
  /** ES: prompts each member answers (its group's prompt set); its fitness is the mean reward. */
  memberPrompts: number;
  /** ES: completions sampled per member and prompt (temperature > 0); the fitness averages them too. */
  samples: number;
  /** ES: the members of a group draw the same sampling random numbers (common random numbers; temperature > 0). */
  sharedSampling: boolean;
  /** ES: ± pairs share a noise draw (false: every member its own, Qiu et al.'s). */
  antithetic: boolean;
  /** ES fitness shaping: group (subtract each prompt group's mean, divide by the global std) or zscore (the whole population's). */
  esShaping: (typeof ES_SHAPINGS)[number];
  /** A named configuration the settings came from (none: the flags alone). */
  recipe: (typeof RECIPES)[number];
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

/** The settings a caller may leave out (runs written before they existed used these). */
export const OPTIONAL_DEFAULTS = { tune: 'all', memberPrompts: 1, samples: 1, sharedSampling: false, antithetic: true, esShaping: 'group', recipe: 'none' } as const;

export const reasonConfigSchema = z.object({
  algo: z.enum(REASON_ALGOS), task: z.enum(TASK_NAMES), base: z.string().min(1), steps: int(1), prompts: int(1), group: int(2),
  // Runs written before these settings existed used what the defaults still are.
  tune: z.string().min(1).default(OPTIONAL_DEFAULTS.tune), memberPrompts: int(1).default(OPTIONAL_DEFAULTS.memberPrompts), samples: int(1).default(OPTIONAL_DEFAULTS.samples),
  sharedSampling: z.boolean().default(OPTIONAL_DEFAULTS.sharedSampling), antithetic: z.boolean().default(OPTIONAL_DEFAULTS.antithetic),
  esShaping: z.enum(ES_SHAPINGS).default(OPTIONAL_DEFAULTS.esShaping), recipe: z.enum(RECIPES).default(OPTIONAL_DEFAULTS.recipe),
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
  openes: { prompts: 32, group: 32, temperature: 0 },
  grpo: { prompts: 8, group: 16, temperature: 1 },
} as const;

/** The ES settings (eggroll and openes; rank is eggroll's alone). */
const ES_ONLY = ['sigma', 'sigmaDecay', 'esLr', 'esLrDecay', 'esOptimizer', 'memberPrompts', 'samples', 'sharedSampling', 'antithetic', 'esShaping', 'recipe'] as const;
/** The settings only some methods read (a run of another method refuses them rather than ignore them). */
const ONLY: Record<ReasonAlgo, readonly (keyof ReasonRunConfig)[]> = {
  eggroll: ['rank', ...ES_ONLY],
  openes: ES_ONLY,
  grpo: ['grpoLr', 'clip', 'kl', 'epochs'],
};

/**
 * Qiu et al. 2025 ("Evolution Strategies at Scale: LLM Fine-Tuning Beyond Reinforcement Learning", arXiv 2509.24372;
 * VsonicV/es-fine-tuning-paper, countdown/es_fine-tuning_countdown.py): population 30, σ = 0.001, α = 5·10⁻⁴,
 * greedy decoding, every member scored by its mean reward over the same prompts, rewards z-scored over the population,
 * θ ← θ + α·(1/N)·Σ zₙεₙ with plain SGD and no antithetic pairs; only seeds travel between workers (here: counter-based
 * noise, so workers exchange fitness alone). Our ES step is θ ← θ + lr·σ/√N·Σ zₙεₙ (es/strategies/directions.ts), so
 * their α is lr = α/(σ·√N). Their 200–1,000 fixed prompts become the run's prompt stream, 32 new prompts a generation
 * shared by all 30 members (960 completions, the cost of a default EGGROLL generation).
 */
export const QIU_ALPHA = 5e-4;
const RECIPE_SETTINGS: Record<Exclude<(typeof RECIPES)[number], 'none'>, Partial<ReasonRunConfig>> = {
  qiu: { prompts: 32, group: 30, temperature: 0, sigma: 0.001, esOptimizer: 'sgd', antithetic: false, esShaping: 'zscore', samples: 1 },
};

/** ES members per generation: prompts / memberPrompts groups of `group` members. */
export const populationOf = (c: Pick<ReasonRunConfig, 'prompts' | 'memberPrompts' | 'group'>) => (c.prompts / c.memberPrompts) * c.group;
/** Completions an update samples: GRPO prompts × G, an ES generation population × memberPrompts × samples. */
export const completionsOf = (c: ReasonRunConfig) => (isEs(c.algo) ? populationOf(c) * c.memberPrompts * c.samples : c.prompts * c.group);

/** camelCase setting → its flag (messages speak the command line's language). */
const flagOf = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

type Optional = 'prompts' | 'group' | 'temperature' | keyof typeof OPTIONAL_DEFAULTS;
type Given = Omit<ReasonRunConfig, Optional> & Partial<Pick<ReasonRunConfig, Optional>>;

/**
 * A reasoning run's settings from the method's defaults, a recipe's and the caller's settings (the caller's win;
 * `given` names the ones set explicitly), checked as a whole: a setting of another method, an odd antithetic group,
 * prompts that do not split into member prompt sets, samples without a temperature, a tune choice the model does not
 * have, a rank above the narrowest tuned matrix (`model`: the base model's configuration). InputError naming the flag
 * otherwise. Used by `eggroll reason train` and the scripts alike.
 */
export function resolveReasonConfig(s: Given, given: ReadonlySet<string>, model: LmConfig): ReasonRunConfig {
  const foreign = [...new Set(REASON_ALGOS.filter((a) => a !== s.algo).flatMap((a) => ONLY[a]))].filter((k) => given.has(k) && !ONLY[s.algo].includes(k));
  if (foreign.length) {
    const owners = (k: keyof ReasonRunConfig) => REASON_ALGOS.filter((a) => ONLY[a].includes(k)).join(' or ');
    throw new InputError(`${foreign.map((k) => `${flagOf(k)} applies to --algo ${owners(k)} only`).join('; ')}; --algo ${s.algo} takes ${ONLY[s.algo].map(flagOf).join(', ')}`);
  }
  const d = ALGO_DEFAULTS[s.algo];
  const recipe = s.recipe ?? 'none';
  const fromRecipe = recipe === 'none' ? {} : Object.fromEntries(Object.entries(RECIPE_SETTINGS[recipe]).filter(([k]) => !given.has(k)));
  const c: ReasonRunConfig = {
    ...OPTIONAL_DEFAULTS, ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)), recipe,
    prompts: s.prompts ?? d.prompts, group: s.group ?? d.group, temperature: s.temperature ?? d.temperature, ...fromRecipe,
  } as ReasonRunConfig;
  if (recipe === 'qiu') {
    // Every member answers every prompt of the generation (one group), and Qiu's α becomes our learning rate for the
    // population the recipe ends with (see QIU_ALPHA).
    if (!given.has('memberPrompts')) c.memberPrompts = c.prompts;
    if (!given.has('esLr')) c.esLr = QIU_ALPHA / (c.sigma * Math.sqrt(populationOf(c)));
  }
  const tune = parseTune(c.tune, model.layers);
  c.tune = tuneName(tune);
  if (isEs(c.algo)) {
    if (c.antithetic && c.group % 2 !== 0) throw new InputError(`--group must be even for antithetic ES (± pairs share a prompt set), got ${c.group}`);
    if (c.prompts % c.memberPrompts !== 0) throw new InputError(`--prompts (${c.prompts}) must be a multiple of --member-prompts (${c.memberPrompts}): each group of members answers its own ${c.memberPrompts} prompts`);
    if (c.sharedSampling && c.temperature === 0) throw new InputError('--shared-sampling needs --temperature > 0 (greedy completions draw no random numbers)');
    if (c.samples > 1 && c.temperature === 0) throw new InputError(`--samples ${c.samples} needs --temperature > 0 (greedy completions of one prompt are all the same)`);
    if (c.backend === 'webgpu' && (c.algo !== 'eggroll' || c.tune !== 'all' || c.memberPrompts * c.samples !== 1 || c.sharedSampling)) {
      throw new InputError(`--backend webgpu runs --algo eggroll with --tune all, --member-prompts 1, --samples 1 and no --shared-sampling (its device-resident sampler); use wasm or native for the others`);
    }
  }
  if (c.algo === 'eggroll') {
    const width = narrowestTuned(tunedSpecs(model, tune));
    if (c.rank > width) throw new InputError(`--rank must be in [1, ${width}] for --tune ${c.tune} on this model (min(m, n) of its smallest tuned matrix), got ${c.rank}`);
  }
  return c;
}
