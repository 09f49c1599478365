/**
 * `make(id, kwargs)` and `makeVec(id, numEnvs, kwargs)`: Gymnasium's constructors, with the keyword
 * arguments Gymnasium's classic-control and Box2D environments take (same names, same defaults, the same
 * checks: LunarLander's gravity must lie in (−12, 0), and a wind_power outside 0…20 or turbulence_power
 * outside 0…2 is a warning on stderr, as Gymnasium warns) plus gym.make's `max_episode_steps`. A table of
 * keywords per environment validates them; an unknown or mistyped keyword is a RangeError naming what is
 * allowed (Gymnasium raises TypeError). As in Gymnasium, the time limit is the registered id's:
 * make('BipedalWalker-v3', { hardcore: true }) walks the hardcore terrain for 1600 steps, while
 * 'BipedalWalkerHardcore-v3' allows 2000; the spec keeps the id asked for.
 */
import { makeAcrobot } from '../envs/acrobot.js';
import { makeBipedalWalker } from '../envs/bipedal-walker.js';
import { makeCartPole } from '../envs/cartpole.js';
import { resolveEnv } from '../envs/index.js';
import { lunarLanderWarnings, makeLunarLander, type LunarLanderOptions } from '../envs/lunar-lander.js';
import { makeMountainCar, makeMountainCarContinuous } from '../envs/mountain-car.js';
import { makePendulum } from '../envs/pendulum.js';
import type { EnvDefinition } from '../envs/types.js';
import { Env } from './env.js';
import { SyncVectorEnv } from './vector.js';

/**
 * One keyword: its kind, default and (for an enum) values. A table rather than zod, which the rest of
 * the project uses for flags and files: zod would be most of the browser bundle's size for five keywords.
 */
type Keyword =
  | { readonly kind: 'boolean'; readonly default: boolean }
  | { readonly kind: 'finite'; readonly default: number }
  | { readonly kind: 'enum'; readonly default: string; readonly values: readonly string[] }
  | { readonly kind: 'positive-integer'; readonly default: undefined };

interface Builder {
  readonly keywords: Readonly<Record<string, Keyword>>;
  build(kwargs: Readonly<Record<string, unknown>>): EnvDefinition;
}

const MAX_EPISODE_STEPS: Keyword = { kind: 'positive-integer', default: undefined };

/** LunarLander's constructor keywords (lunar_lander.py), `continuous` defaulting as the id registers it. */
function lunarLanderBuilder(continuous: boolean): Builder {
  return {
    keywords: {
      continuous: { kind: 'boolean', default: continuous },
      gravity: { kind: 'finite', default: -10.0 },
      enable_wind: { kind: 'boolean', default: false },
      wind_power: { kind: 'finite', default: 15.0 },
      turbulence_power: { kind: 'finite', default: 1.5 },
      max_episode_steps: MAX_EPISODE_STEPS,
    },
    build: (k) => {
      const opts: LunarLanderOptions = {
        continuous: k.continuous as boolean, gravity: k.gravity as number, enableWind: k.enable_wind as boolean,
        windPower: k.wind_power as number, turbulencePower: k.turbulence_power as number,
      };
      const def = makeLunarLander(opts); // throws on a gravity outside (−12, 0), as Gymnasium asserts
      for (const w of lunarLanderWarnings(opts)) console.warn(w);
      return def;
    },
  };
}

/** BipedalWalker's `hardcore` keyword (the time limit stays the registered id's: makeDefinition). */
function bipedalWalkerBuilder(hardcore: boolean): Builder {
  return {
    keywords: { hardcore: { kind: 'boolean', default: hardcore }, max_episode_steps: MAX_EPISODE_STEPS },
    build: (k) => makeBipedalWalker({ hardcore: k.hardcore as boolean }),
  };
}

/** Constructor keywords per canonical id; environments not listed (custom ones) take only max_episode_steps. */
const BUILDERS: Record<string, Builder> = {
  'CartPole-v1': {
    keywords: { sutton_barto_reward: { kind: 'boolean', default: false }, max_episode_steps: MAX_EPISODE_STEPS },
    build: (k) => makeCartPole({ suttonBartoReward: k.sutton_barto_reward as boolean }),
  },
  'Pendulum-v1': {
    keywords: { g: { kind: 'finite', default: 10.0 }, max_episode_steps: MAX_EPISODE_STEPS },
    build: (k) => makePendulum({ g: k.g as number }),
  },
  'MountainCar-v0': {
    keywords: { goal_velocity: { kind: 'finite', default: 0 }, max_episode_steps: MAX_EPISODE_STEPS },
    build: (k) => makeMountainCar({ goalVelocity: k.goal_velocity as number }),
  },
  'MountainCarContinuous-v0': {
    keywords: { goal_velocity: { kind: 'finite', default: 0 }, max_episode_steps: MAX_EPISODE_STEPS },
    build: (k) => makeMountainCarContinuous({ goalVelocity: k.goal_velocity as number }),
  },
  'Acrobot-v1': {
    // A class attribute in Gymnasium (AcrobotEnv.book_or_nips); a keyword here.
    keywords: { book_or_nips: { kind: 'enum', default: 'book', values: ['book', 'nips'] }, max_episode_steps: MAX_EPISODE_STEPS },
    build: (k) => makeAcrobot({ bookOrNips: k.book_or_nips as 'book' | 'nips' }),
  },
  'LunarLander-v3': lunarLanderBuilder(false),
  'LunarLanderContinuous-v3': lunarLanderBuilder(true),
  'BipedalWalker-v3': bipedalWalkerBuilder(false),
  'BipedalWalkerHardcore-v3': bipedalWalkerBuilder(true),
};

/** Environments registered by users: only the time limit can be changed. */
const CUSTOM: Builder = { keywords: { max_episode_steps: MAX_EPISODE_STEPS }, build: () => { throw new Error('unreachable: custom definitions are used as registered'); } };

/** Why `v` is not a valid value of keyword `kw`, or undefined when it is. */
function problem(kw: Keyword, v: unknown): string | undefined {
  switch (kw.kind) {
    case 'boolean': return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'finite': return typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a finite number';
    case 'enum': return typeof v === 'string' && kw.values.includes(v) ? undefined : `must be one of ${kw.values.map((x) => `'${x}'`).join(', ')}`;
    case 'positive-integer': return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? undefined : 'must be a positive integer';
  }
}

/** The definition `make` would build: the id resolved (aliases accepted), kwargs validated and applied. */
export function makeDefinition(id: string, kwargs: Readonly<Record<string, unknown>> = {}): { def: EnvDefinition; kwargs: Record<string, unknown>; id: string } {
  const base = resolveEnv(id);
  const builder = Object.prototype.hasOwnProperty.call(BUILDERS, base.id) ? BUILDERS[base.id] : CUSTOM;
  const allowed = Object.keys(builder.keywords);
  const k: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(kwargs)) {
    const kw = Object.prototype.hasOwnProperty.call(builder.keywords, name) ? builder.keywords[name] : undefined;
    const why = kw ? (value === undefined ? undefined : problem(kw, value)) : 'is not a keyword of this environment';
    if (why) throw new RangeError(`${base.id}: '${name}' ${why} (got ${JSON.stringify(value) ?? String(value)}); allowed keywords: ${allowed.join(', ')}`);
  }
  for (const [name, kw] of Object.entries(builder.keywords)) {
    const v = kwargs[name] ?? kw.default;
    if (v !== undefined) k[name] = v;
  }
  // Gymnasium's TimeLimit comes from the registered spec, whatever the keywords build (BipedalWalker-v3 with
  // hardcore: true keeps 1600 steps).
  let def = builder === CUSTOM ? base : { ...builder.build(k), maxSteps: base.maxSteps };
  if (typeof k.max_episode_steps === 'number') def = { ...def, maxSteps: k.max_episode_steps };
  return { def, kwargs: k, id: base.id };
}

/** Gymnasium's `gym.make(id, **kwargs)`: one environment with a time limit built in. */
export function make(id: string, kwargs: Readonly<Record<string, unknown>> = {}): Env {
  const { def, kwargs: k, id: specId } = makeDefinition(id, kwargs);
  return new Env(def, { spec: { id: specId, maxEpisodeSteps: def.maxSteps, kwargs: k } });
}

/** Gymnasium's `gym.make_vec(id, num_envs, **kwargs)`: a SyncVectorEnv with next-step autoreset. */
export function makeVec(id: string, numEnvs: number, kwargs: Readonly<Record<string, unknown>> = {}): SyncVectorEnv {
  const { def, kwargs: k, id: specId } = makeDefinition(id, kwargs);
  return new SyncVectorEnv(def, numEnvs, { id: specId, maxEpisodeSteps: def.maxSteps, kwargs: k });
}
