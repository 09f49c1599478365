/**
 * MountainCar-v0 and MountainCarContinuous-v0, as Gymnasium's classic_control/mountain_car.py and
 * continuous_mountain_car.py (Moore 1990): an under-powered car in a valley, v ← v + push − 0.0025·cos(3x),
 * velocity clipped to ±0.07, position to [−1.2, 0.6], and an inelastic left wall (velocity set to 0
 * when the car sits at −1.2 moving left).
 *  - Discrete: push (a − 1)·0.001 for a ∈ {0, 1, 2}; reward −1 per step; goal x ≥ 0.5; 200 steps.
 *  - Continuous: push clip(a, −1, 1)·0.0015; reward 100 on reaching x ≥ 0.45 minus 0.1·a² (the
 *    unclipped a); 999 steps; Gymnasium stores this variant's state as float32 after every step.
 * `makeMountainCar({ goalVelocity })` / `makeMountainCarContinuous` take Gymnasium's constructor option
 * `goal_velocity` (default 0): the episode ends only when the car reaches the goal at least that fast.
 */
import { parseLowHigh } from './reset-bounds.js';
import type { EnvDefinition, ResetBounds } from './types.js';
import { cos } from '../../math/index.js';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const FORCE = 0.001;
const GRAVITY = 0.0025;
const POWER = 0.0015;
export const MOUNTAIN_CAR_GOAL = 0.5;
export const MOUNTAIN_CAR_CONTINUOUS_GOAL = 0.45;
const DEFAULT_GOAL_VELOCITY = 0;
const DEFAULT_BOUNDS: ResetBounds = { low: [-0.6], high: [-0.4] };

export interface MountainCarOptions {
  /** Gymnasium's `goal_velocity`: the least velocity at the goal that ends the episode. Default 0. */
  readonly goalVelocity?: number;
}

function goalVelocityOf(options: MountainCarOptions, id: string): number {
  const v = options.goalVelocity ?? DEFAULT_GOAL_VELOCITY;
  if (!Number.isFinite(v)) throw new RangeError(`${id}: goal_velocity must be a finite number, got ${v}`);
  return v;
}

// Position uniform in [low, high), by default [−0.6, −0.4); velocity 0 (shared by both variants).
function resetCar(s: Float64Array, n: number, i: number, u: Float64Array, b: ResetBounds = DEFAULT_BOUNDS): void {
  s[i] = b.low[0] + (b.high[0] - b.low[0]) * u[0];
  s[n + i] = 0;
}

function observeCar(s: Float64Array, n: number, i: number, obs: Float32Array, o: number): void {
  obs[o] = s[i];
  obs[o + 1] = s[n + i];
}

const carObservation = { kind: 'box', dim: 2, low: [MIN_POSITION, -MAX_SPEED], high: [MAX_POSITION, MAX_SPEED] } as const;

/** MountainCar-v0 with Gymnasium's constructor options; `mountainCar` is the default one. */
export function makeMountainCar(options: MountainCarOptions = {}): EnvDefinition {
  const goalVelocity = goalVelocityOf(options, 'MountainCar-v0');
  return {
    id: 'MountainCar-v0',
    aliases: ['mountaincar'],
    description: 'drive an under-powered car up a hill by rocking it (3 actions, 200 steps)',
    observationSpace: carObservation,
    actionSpace: { kind: 'discrete', n: 3 },
    maxSteps: 200,
    rewardThreshold: -110,
    solvedThreshold: -120,
    stateDim: 2,
    resetUniforms: 1,
    reset: resetCar,
    resetBounds: (options) => parseLowHigh(options, -0.6, -0.4, 1, 'MountainCar-v0'),

    step(s, n, active, count, actions, reward, terminated) {
      for (let j = 0; j < count; j++) {
        const i = active[j];
        let position = s[i];
        let velocity = s[n + i];
        velocity += (actions[i] - 1) * FORCE + cos(3 * position) * -GRAVITY;
        velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
        position += velocity;
        position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
        if (position === MIN_POSITION && velocity < 0) velocity = 0;
        s[i] = position;
        s[n + i] = velocity;
        terminated[i] = position >= MOUNTAIN_CAR_GOAL && velocity >= goalVelocity ? 1 : 0;
        reward[i] = -1.0;
      }
    },

    observe: observeCar,
  };
}

/** MountainCarContinuous-v0 with Gymnasium's constructor options; `mountainCarContinuous` is the default one. */
export function makeMountainCarContinuous(options: MountainCarOptions = {}): EnvDefinition {
  const goalVelocity = goalVelocityOf(options, 'MountainCarContinuous-v0');
  return {
    id: 'MountainCarContinuous-v0',
    aliases: ['mountaincar-continuous'],
    description: 'drive an under-powered car up a hill with a continuous force in [-1, 1] (999 steps)',
    observationSpace: carObservation,
    actionSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
    maxSteps: 999,
    rewardThreshold: 90,
    solvedThreshold: 90,
    stateDim: 2,
    resetUniforms: 1,
    reset: resetCar,
    resetBounds: (options) => parseLowHigh(options, -0.6, -0.4, 1, 'MountainCarContinuous-v0'),

    step(s, n, active, count, actions, reward, terminated) {
      for (let j = 0; j < count; j++) {
        const i = active[j];
        let position = s[i];
        let velocity = s[n + i];
        const a = actions[i];
        const force = Math.min(Math.max(a, -1.0), 1.0);
        velocity += force * POWER - 0.0025 * cos(3 * position);
        if (velocity > MAX_SPEED) velocity = MAX_SPEED;
        if (velocity < -MAX_SPEED) velocity = -MAX_SPEED;
        position += velocity;
        if (position > MAX_POSITION) position = MAX_POSITION;
        if (position < MIN_POSITION) position = MIN_POSITION;
        if (position === MIN_POSITION && velocity < 0) velocity = 0;
        const done = position >= MOUNTAIN_CAR_CONTINUOUS_GOAL && velocity >= goalVelocity;
        terminated[i] = done ? 1 : 0;
        reward[i] = (done ? 100.0 : 0) - a * a * 0.1;
        // Gymnasium keeps this variant's state as np.float32 between steps.
        s[i] = Math.fround(position);
        s[n + i] = Math.fround(velocity);
      }
    },

    observe: observeCar,
  };
}

export const mountainCar: EnvDefinition = makeMountainCar();
export const mountainCarContinuous: EnvDefinition = makeMountainCarContinuous();
