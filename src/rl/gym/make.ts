/**
 * `make(id, kwargs)` and `makeVec(id, numEnvs, kwargs)`: Gymnasium's constructors, with the keyword
 * arguments Gymnasium's classic-control environments take (same names, same defaults) plus gym.make's
 * `max_episode_steps`. One zod schema per environment validates them; an unknown or mistyped keyword
 * is a RangeError naming what is allowed (Gymnasium raises TypeError).
 */
import { z } from 'zod';
import { makeAcrobot } from '../envs/acrobot.js';
import { makeCartPole } from '../envs/cartpole.js';
import { resolveEnv } from '../envs/index.js';
import { makeMountainCar, makeMountainCarContinuous } from '../envs/mountain-car.js';
import { makePendulum } from '../envs/pendulum.js';
import type { EnvDefinition } from '../envs/types.js';
import { Env } from './env.js';
import { SyncVectorEnv } from './vector.js';

const maxEpisodeSteps = { max_episode_steps: z.number().int().positive().optional() };
const finite = z.number().refine(Number.isFinite, 'must be finite');

interface Builder {
  readonly schema: z.ZodType<Record<string, unknown>>;
  build(kwargs: Record<string, unknown>): EnvDefinition;
}

/** Constructor keywords per canonical id; environments not listed (custom ones) take only max_episode_steps. */
const BUILDERS: Record<string, Builder> = {
  'CartPole-v1': {
    schema: z.strictObject({ sutton_barto_reward: z.boolean().default(false), ...maxEpisodeSteps }),
    build: (k) => makeCartPole({ suttonBartoReward: k.sutton_barto_reward as boolean }),
  },
  'Pendulum-v1': {
    schema: z.strictObject({ g: finite.default(10.0), ...maxEpisodeSteps }),
    build: (k) => makePendulum({ g: k.g as number }),
  },
  'MountainCar-v0': {
    schema: z.strictObject({ goal_velocity: finite.default(0), ...maxEpisodeSteps }),
    build: (k) => makeMountainCar({ goalVelocity: k.goal_velocity as number }),
  },
  'MountainCarContinuous-v0': {
    schema: z.strictObject({ goal_velocity: finite.default(0), ...maxEpisodeSteps }),
    build: (k) => makeMountainCarContinuous({ goalVelocity: k.goal_velocity as number }),
  },
  'Acrobot-v1': {
    // A class attribute in Gymnasium (AcrobotEnv.book_or_nips); a keyword here.
    schema: z.strictObject({ book_or_nips: z.enum(['book', 'nips']).default('book'), ...maxEpisodeSteps }),
    build: (k) => makeAcrobot({ bookOrNips: k.book_or_nips as 'book' | 'nips' }),
  },
};

const CUSTOM: Builder = { schema: z.strictObject({ ...maxEpisodeSteps }), build: () => { throw new Error('unreachable'); } };

/** The definition `make` would build: the id resolved (aliases accepted), kwargs validated and applied. */
export function makeDefinition(id: string, kwargs: Readonly<Record<string, unknown>> = {}): { def: EnvDefinition; kwargs: Record<string, unknown> } {
  const base = resolveEnv(id);
  const builder = Object.prototype.hasOwnProperty.call(BUILDERS, base.id) ? BUILDERS[base.id] : CUSTOM;
  const parsed = builder.schema.safeParse(kwargs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = Object.keys((builder.schema as unknown as { shape: object }).shape);
    const where = issue.path.length ? `'${issue.path.join('.')}'` : 'keyword arguments';
    throw new RangeError(`${base.id}: ${where}: ${issue.message}; allowed keywords: ${keys.join(', ')}`);
  }
  const k = parsed.data;
  let def = builder === CUSTOM ? base : builder.build(k);
  if (typeof k.max_episode_steps === 'number') def = { ...def, maxSteps: k.max_episode_steps };
  return { def, kwargs: k };
}

/** Gymnasium's `gym.make(id, **kwargs)`: one environment with a time limit built in. */
export function make(id: string, kwargs: Readonly<Record<string, unknown>> = {}): Env {
  const { def, kwargs: k } = makeDefinition(id, kwargs);
  return new Env(def, { spec: { id: def.id, maxEpisodeSteps: def.maxSteps, kwargs: k } });
}

/** Gymnasium's `gym.make_vec(id, num_envs, **kwargs)`: a SyncVectorEnv with next-step autoreset. */
export function makeVec(id: string, numEnvs: number, kwargs: Readonly<Record<string, unknown>> = {}): SyncVectorEnv {
  const { def, kwargs: k } = makeDefinition(id, kwargs);
  return new SyncVectorEnv(def, numEnvs, { id: def.id, maxEpisodeSteps: def.maxSteps, kwargs: k });
}
