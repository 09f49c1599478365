/**
 * LunarLander-v3 (discrete and continuous), transcribed from Gymnasium's box2d/lunar_lander.py onto
 * planck, the TypeScript port of Box2D: one physics world per member, built afresh at every reset as
 * Gymnasium does (a world carries contact caches and sleep timers, so reusing one would let a member's
 * past episodes leak into its next).
 *
 * Identical to Gymnasium: every constant (FPS, SCALE, engine powers, INITIAL_RANDOM, LANDER_POLY, legs,
 * spring torque, side-engine geometry including the 17-vs-14 quirk, viewport); the terrain (11 chunks,
 * the 0.33 smoothing with Python's h[-1] wrap-around, the helipad); bodies and fixtures (densities,
 * friction, restitution, category/mask bits); the leg revolute joints (pybox2d's reference angle
 * bodyB.angle − bodyA.angle = i·0.05, limits, motor);
 * the initial random force; engine impulses with their dispersion (drawn every step, fired or not); the
 * wind and turbulence; the 8 observations and their scaling; reward shaping, fuel costs, ±100 on game
 * over / rest; termination; the reset's extra no-op step (Gymnasium's reset returns step(noop)); the
 * 1000-step TimeLimit (the batch driver's maxSteps).
 *
 * Not identical: (1) the engine: pybox2d is Box2D 2.3 in float32, planck is a port of the same
 * algorithms in float64, so trajectories agree closely for a few steps and then drift apart (contact
 * and sleep thresholds amplify rounding differences); (2) the random streams: NumPy's PCG64 is replaced
 * by the project's Philox streams keyed by (seed, member, episode) — the same draws in the same order
 * and ranges (terrain, initial force, wind phase, per-step dispersion), different numbers; (3) Math.sin
 * /tanh may differ from libm in the last bit.
 *
 * Particles: Gymnasium creates engine-exhaust particles only when rendering ("particles are just a
 * decoration, with no impact on the physics"), and even in older versions, where they were always
 * made, they could not touch the lander: their mask 0x001 admits only the ground's category, the lander
 * (0x010) and legs (0x020) admit only the ground, and the ground is static, so it never joins a
 * particle and the lander in one solver island. They are left out.
 */
import { Body, Box, Edge, Polygon, RevoluteJoint, World, type Contact, planckUsesProjectMath } from './planck.js';
import { philox4x32 } from '../../rng/philox.js';
import type { StreamAddress } from '../../rng/normal.js';
import type { EnvDefinition } from './types.js';
import { sin, sinCos, tanh } from '../../math/index.js';

const SC = new Float64Array(2);

export const FPS = 50;
export const SCALE = 30.0;
export const MAIN_ENGINE_POWER = 13.0;
export const SIDE_ENGINE_POWER = 0.6;
export const INITIAL_RANDOM = 1000.0;
export const LANDER_POLY: readonly (readonly [number, number])[] = [[-14, +17], [-17, 0], [-17, -10], [+17, -10], [+17, 0], [+14, +17]];
export const LEG_AWAY = 20;
export const LEG_DOWN = 18;
export const LEG_W = 2;
export const LEG_H = 8;
export const LEG_SPRING_TORQUE = 40;
export const SIDE_ENGINE_HEIGHT = 14;
export const SIDE_ENGINE_AWAY = 12;
export const MAIN_ENGINE_Y_LOCATION = 4;
export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;
export const CHUNKS = 11;
const W = VIEWPORT_W / SCALE;
const H = VIEWPORT_H / SCALE;

/** Counter word c3 of the in-episode stream ('lndr'), derived from the member's reset stream. */
const ENGINE_STREAM = 0x6c6e6472;
const TWO_POW_53 = 9007199254740992;

/** Gymnasium's constructor arguments (render_mode aside), with its defaults. */
export interface LunarLanderOptions {
  continuous?: boolean;
  gravity?: number;
  enableWind?: boolean;
  windPower?: number;
  turbulencePower?: number;
}

/** One member's episode: its world, bodies and the flags the contact listener sets. */
export class LanderWorld {
  readonly world: World;
  readonly lander: Body;
  /** legs[0] is Gymnasium's i = −1 leg (observation 6), legs[1] the i = +1 leg (observation 7). */
  readonly legs: Body[] = [];
  readonly groundContact = [false, false];
  gameOver = false;
  helipadY = H / 4;
  windIdx = 0;
  torqueIdx = 0;
  /** Steps taken, the reset's no-op step included: the block index of the next dispersion draw. */
  stepIndex = 0;
  /** Shaping of the previous step (Gymnasium's prev_shaping); NaN before the reset step. */
  prevShaping = NaN;

  /** Builds the terrain, lander and legs from the reset uniforms u (see `LANDER_RESET_UNIFORMS`). */
  constructor(readonly opts: Required<LunarLanderOptions>, u: Float64Array, readonly stream: StreamAddress) {
    planckUsesProjectMath();
    this.world = new World({ gravity: { x: 0, y: opts.gravity } });
    this.world.on('begin-contact', (c: Contact) => this.contact(c, true));
    this.world.on('end-contact', (c: Contact) => this.contact(c, false));

    // Terrain: height = uniform(0, H/2, CHUNKS + 1), flattened to the helipad around the middle.
    const height = new Float64Array(CHUNKS + 1);
    for (let k = 0; k <= CHUNKS; k++) height[k] = 0 + (H / 2 - 0) * u[k];
    const chunkX: number[] = [];
    for (let k = 0; k < CHUNKS; k++) chunkX.push((W / (CHUNKS - 1)) * k);
    const half = Math.floor(CHUNKS / 2);
    this.helipadY = H / 4;
    for (let k = half - 2; k <= half + 2; k++) height[k] = this.helipadY;
    // Python's height[i - 1] at i = 0 is height[-1], the last element.
    const smoothY: number[] = [];
    for (let k = 0; k < CHUNKS; k++) smoothY.push(0.33 * (height[(k - 1 + CHUNKS + 1) % (CHUNKS + 1)] + height[k + 0] + height[k + 1]));
    const moon = this.world.createBody({ type: 'static' });
    moon.createFixture({ shape: new Edge({ x: 0, y: 0 }, { x: W, y: 0 }) });
    for (let k = 0; k < CHUNKS - 1; k++) {
      moon.createFixture({ shape: new Edge({ x: chunkX[k], y: smoothY[k] }, { x: chunkX[k + 1], y: smoothY[k + 1] }), density: 0, friction: 0.1 });
    }

    const initialY = VIEWPORT_H / SCALE;
    const initialX = VIEWPORT_W / SCALE / 2;
    this.lander = this.world.createBody({ type: 'dynamic', position: { x: initialX, y: initialY }, angle: 0.0 });
    this.lander.createFixture({
      shape: new Polygon(LANDER_POLY.map(([x, y]) => ({ x: x / SCALE, y: y / SCALE }))),
      density: 5.0, friction: 0.1, filterCategoryBits: 0x0010, filterMaskBits: 0x001, restitution: 0.0,
    });
    this.lander.applyForceToCenter({
      x: -INITIAL_RANDOM + (INITIAL_RANDOM - -INITIAL_RANDOM) * u[CHUNKS + 1],
      y: -INITIAL_RANDOM + (INITIAL_RANDOM - -INITIAL_RANDOM) * u[CHUNKS + 2],
    }, true);
    if (opts.enableWind) {
      // np_random.integers(-9999, 9999): the high end is exclusive.
      this.windIdx = -9999 + Math.floor(19998 * u[CHUNKS + 3]);
      this.torqueIdx = -9999 + Math.floor(19998 * u[CHUNKS + 4]);
    }

    for (const i of [-1, +1]) {
      const leg = this.world.createBody({ type: 'dynamic', position: { x: initialX - (i * LEG_AWAY) / SCALE, y: initialY }, angle: i * 0.05 });
      leg.createFixture({ shape: new Box(LEG_W / SCALE, LEG_H / SCALE), density: 1.0, restitution: 0.0, filterCategoryBits: 0x0020, filterMaskBits: 0x001 });
      this.world.createJoint(new RevoluteJoint({
        bodyA: this.lander,
        bodyB: leg,
        localAnchorA: { x: 0, y: 0 },
        localAnchorB: { x: (i * LEG_AWAY) / SCALE, y: LEG_DOWN / SCALE },
        // pybox2d's revoluteJointDef (Box2D_joints.i) sets referenceAngle = bodyB.angle − bodyA.angle when
        // both bodies are given and it is not: i·0.05 here (C++ Box2D's def would leave 0).
        referenceAngle: leg.getAngle() - this.lander.getAngle(),
        enableMotor: true,
        enableLimit: true,
        maxMotorTorque: LEG_SPRING_TORQUE,
        motorSpeed: +0.3 * i, // low enough not to jump back into the sky
        lowerAngle: i === -1 ? +0.9 - 0.5 : -0.9,
        upperAngle: i === -1 ? +0.9 : -0.9 + 0.5,
      }));
      this.legs.push(leg);
    }
  }

  /** Gymnasium's ContactDetector: the lander touching anything ends the game; legs track ground contact. */
  private contact(c: Contact, begin: boolean): void {
    const a = c.getFixtureA().getBody();
    const b = c.getFixtureB().getBody();
    if (begin && (a === this.lander || b === this.lander)) this.gameOver = true;
    for (let k = 0; k < 2; k++) if (a === this.legs[k] || b === this.legs[k]) this.groundContact[k] = begin;
  }

  /**
   * This step's two dispersion draws, uniform(−1, 1)/SCALE each, from block `stepIndex` of the
   * member's engine stream (53-bit uniforms built as the reset uniforms are).
   */
  dispersion(out: Float64Array): void {
    const s = this.stream;
    philox4x32(this.stepIndex, s.c1, s.c2, ENGINE_STREAM, s.key0, s.key1, DISP_WORDS, 0);
    for (let k = 0; k < 2; k++) {
      const u01 = (DISP_WORDS[2 * k] * 2097152 + (DISP_WORDS[2 * k + 1] >>> 11)) / TWO_POW_53;
      out[k] = (-1.0 + (1.0 - -1.0) * u01) / SCALE;
    }
  }

  /**
   * One env.step with engine powers already decoded (mPower 0 or 0.5…1; sPower 0 or 0.5…1 with
   * direction ±1). Writes the 8 float64 state values to s[0…8) and returns the reward; `terminated`
   * is reported through the return of `terminal()` afterwards.
   */
  advance(mPower: number, sPower: number, direction: number, s: Float64Array): number {
    const { lander, opts } = this;
    if (opts.enableWind && !(this.groundContact[0] || this.groundContact[1])) {
      // tanh(sin(2kx) + sin(πkx)), k = 0.01: never periodic.
      const windMag = tanh(sin(0.02 * this.windIdx) + sin(Math.PI * 0.01 * this.windIdx)) * opts.windPower;
      this.windIdx += 1;
      lander.applyForceToCenter({ x: windMag, y: 0.0 }, true);
      const torqueMag = tanh(sin(0.02 * this.torqueIdx) + sin(Math.PI * 0.01 * this.torqueIdx)) * opts.turbulencePower;
      this.torqueIdx += 1;
      lander.applyTorque(torqueMag, true);
    }

    const angle = lander.getAngle();
    sinCos(angle, SC);
    const tip0 = SC[0];
    const tip1 = SC[1];
    const side0 = -tip1;
    const side1 = tip0;
    this.dispersion(DISP);
    const d0 = DISP[0];
    const d1 = DISP[1];
    this.stepIndex++;

    if (mPower > 0) {
      // 4 is move a bit downwards, ±2 for randomness.
      const ox = tip0 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d0) + side0 * d1;
      const oy = -tip1 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d0) - side1 * d1;
      const p = lander.getPosition();
      lander.applyLinearImpulse({ x: -ox * MAIN_ENGINE_POWER * mPower, y: -oy * MAIN_ENGINE_POWER * mPower }, { x: p.x + ox, y: p.y + oy }, true);
    }
    if (sPower > 0) {
      const ox = tip0 * d0 + side0 * (3 * d1 + (direction * SIDE_ENGINE_AWAY) / SCALE);
      const oy = -tip1 * d0 - side1 * (3 * d1 + (direction * SIDE_ENGINE_AWAY) / SCALE);
      // Gymnasium's 17 (not SIDE_ENGINE_HEIGHT) makes the side thrust's torque depend on the attitude.
      const p = lander.getPosition();
      const pos = { x: p.x + ox - (tip0 * 17) / SCALE, y: p.y + oy + (tip1 * SIDE_ENGINE_HEIGHT) / SCALE };
      lander.applyLinearImpulse({ x: -ox * SIDE_ENGINE_POWER * sPower, y: -oy * SIDE_ENGINE_POWER * sPower }, pos, true);
    }

    this.world.step(1.0 / FPS, 6 * 30, 2 * 30);

    const pos = lander.getPosition();
    const vel = lander.getLinearVelocity();
    s[0] = (pos.x - VIEWPORT_W / SCALE / 2) / (VIEWPORT_W / SCALE / 2);
    s[1] = (pos.y - (this.helipadY + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2);
    s[2] = (vel.x * (VIEWPORT_W / SCALE / 2)) / FPS;
    s[3] = (vel.y * (VIEWPORT_H / SCALE / 2)) / FPS;
    s[4] = lander.getAngle();
    s[5] = (20.0 * lander.getAngularVelocity()) / FPS;
    s[6] = this.groundContact[0] ? 1.0 : 0.0;
    s[7] = this.groundContact[1] ? 1.0 : 0.0;

    const shaping = landerShaping(s);
    let reward = 0;
    if (!Number.isNaN(this.prevShaping)) reward = shaping - this.prevShaping;
    this.prevShaping = shaping;
    reward -= mPower * 0.30; // less fuel spent is better, about −30 for a heuristic landing
    reward -= sPower * 0.03;
    const t = this.terminal(s);
    if (t === TERMINAL_CRASH) reward = -100;
    else if (t === TERMINAL_REST) reward = +100;
    return reward;
  }

  /** 0 while running; TERMINAL_CRASH on game over or |x| ≥ 1; TERMINAL_REST when the lander sleeps (checked last, so it wins). */
  terminal(s: ArrayLike<number>): number {
    if (!this.lander.isAwake()) return TERMINAL_REST;
    if (this.gameOver || Math.abs(s[0]) >= 1.0) return TERMINAL_CRASH;
    return 0;
  }
}

export const TERMINAL_CRASH = 1;
export const TERMINAL_REST = 2;
const DISP_WORDS = new Uint32Array(4);
const DISP = new Float64Array(2);

/**
 * Gymnasium's potential: −100·‖(x, y)‖ − 100·‖(vx, vy)‖ − 100·|θ| + 10 per leg in contact (so losing
 * contact after landing costs what gaining it paid).
 */
export function landerShaping(s: ArrayLike<number>): number {
  return -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1]) - 100 * Math.sqrt(s[2] * s[2] + s[3] * s[3]) - 100 * Math.abs(s[4]) + 10 * s[6] + 10 * s[7];
}

/** Engine powers of a continuous action (a0, a1), as Gymnasium decodes them after clipping to [−1, 1]. */
export function continuousPowers(a0: number, a1: number, out: Float64Array): void {
  a0 = Math.min(Math.max(a0, -1), 1);
  a1 = Math.min(Math.max(a1, -1), 1);
  // Main: −1…0 off, 0…1 throttle from 50% to 100% (the engine cannot run below half power).
  out[0] = a0 > 0.0 ? (Math.min(Math.max(a0, 0.0), 1.0) + 1.0) * 0.5 : 0;
  // Side: −1…−0.5 left, 0.5…1 right, in between off.
  const off = !(Math.abs(a1) > 0.5);
  out[1] = off ? 0 : Math.min(Math.max(Math.abs(a1), 0.5), 1.0);
  out[2] = off ? 0 : Math.sign(a1);
}

/** Per-row worlds of a batch; a row's world is replaced at each reset. */
export interface LanderRows {
  worlds: (LanderWorld | null)[];
}

/** Uniforms a reset draws: CHUNKS + 1 terrain heights, the initial force (x, y), the wind and torque phases. */
export const LANDER_RESET_UNIFORMS = CHUNKS + 1 + 2 + 2;
/** Float64 state per member: the 8 state values of Gymnasium's step, unrounded (observations are their float32). */
const STATE_DIM = 8;

const POWERS = new Float64Array(3);
const ROW = new Float64Array(STATE_DIM);

/**
 * Gymnasium's constructor warnings (not errors) for wind and turbulence outside their recommended
 * ranges, worded as lunar_lander.py words them.
 */
export function lunarLanderWarnings(options: LunarLanderOptions): string[] {
  const out: string[] = [];
  const wind = options.windPower ?? 15.0;
  const turbulence = options.turbulencePower ?? 1.5;
  if (0.0 > wind || wind > 20.0) out.push(`WARN: wind_power value is recommended to be between 0.0 and 20.0, (current value: ${wind})`);
  if (0.0 > turbulence || turbulence > 2.0) out.push(`WARN: turbulence_power value is recommended to be between 0.0 and 2.0, (current value: ${turbulence})`);
  return out;
}

/** A LunarLander definition for Gymnasium's constructor arguments. */
export function makeLunarLander(options: LunarLanderOptions = {}): EnvDefinition<LanderRows> {
  const opts: Required<LunarLanderOptions> = {
    continuous: options.continuous ?? false,
    gravity: options.gravity ?? -10.0,
    enableWind: options.enableWind ?? false,
    windPower: options.windPower ?? 15.0,
    turbulencePower: options.turbulencePower ?? 1.5,
  };
  if (!(-12.0 < opts.gravity && opts.gravity < 0.0)) throw new RangeError(`LunarLander: gravity (current value: ${opts.gravity}) must be between -12 and 0`);
  const continuous = opts.continuous;

  /** Runs one step of member i, stores its 8 state values in the struct-of-arrays state and returns the reward. */
  function stepRow(w: LanderWorld, state: Float64Array, n: number, i: number, mPower: number, sPower: number, direction: number): number {
    const r = w.advance(mPower, sPower, direction, ROW);
    for (let k = 0; k < STATE_DIM; k++) state[k * n + i] = ROW[k];
    return r;
  }

  return {
    id: continuous ? 'LunarLanderContinuous-v3' : 'LunarLander-v3',
    aliases: continuous ? ['lunarlander-continuous'] : ['lunarlander'],
    description: continuous
      ? 'land on the pad with a throttled main engine and side engines (2 continuous actions in [-1, 1], Box2D physics, 1000 steps)'
      : 'land on the pad by firing the main or a side engine (4 actions, Box2D physics, 1000 steps)',
    observationSpace: {
      kind: 'box', dim: 8,
      low: [-2.5, -2.5, -10.0, -10.0, -2 * Math.PI, -10.0, -0.0, -0.0],
      high: [2.5, 2.5, 10.0, 10.0, 2 * Math.PI, 10.0, 1.0, 1.0],
    },
    actionSpace: continuous ? { kind: 'box', dim: 2, low: [-1, -1], high: [1, 1] } : { kind: 'discrete', n: 4 },
    maxSteps: 1000,
    rewardThreshold: 200,
    solvedThreshold: 200,
    stateDim: STATE_DIM,
    resetUniforms: LANDER_RESET_UNIFORMS,

    createRows(size) {
      return { worlds: new Array<LanderWorld | null>(size).fill(null) };
    },

    // Gymnasium's reset ends with one no-op step, whose observation it returns (its reward is dropped,
    // but it sets prev_shaping and consumes a dispersion draw).
    reset(state, n, i, u, _bounds, rows, stream) {
      const w = new LanderWorld(opts, u, stream);
      rows.worlds[i] = w;
      stepRow(w, state, n, i, 0, 0, 0);
    },

    step(state, n, active, count, actions, reward, terminated, rows) {
      for (let j = 0; j < count; j++) {
        const i = active[j];
        const w = rows.worlds[i]!;
        let mPower = 0, sPower = 0, direction = 0;
        if (continuous) {
          continuousPowers(actions[2 * i], actions[2 * i + 1], POWERS);
          mPower = POWERS[0]; sPower = POWERS[1]; direction = POWERS[2];
        } else {
          const a = actions[i];
          if (a === 2) mPower = 1.0;
          else if (a === 1 || a === 3) { sPower = 1.0; direction = a - 2; } // 1 fires the left engine, 3 the right
        }
        reward[i] = stepRow(w, state, n, i, mPower, sPower, direction);
        for (let k = 0; k < STATE_DIM; k++) ROW[k] = state[k * n + i];
        terminated[i] = w.terminal(ROW) !== 0 ? 1 : 0;
      }
    },

    observe(state, n, i, obs, o) {
      for (let k = 0; k < STATE_DIM; k++) obs[o + k] = state[k * n + i];
    },
  };
}

export const lunarLander = makeLunarLander();
export const lunarLanderContinuous = makeLunarLander({ continuous: true });
