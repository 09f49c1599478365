/**
 * BipedalWalker-v3 and its hardcore variant, transcribed from Gymnasium's box2d/bipedal_walker.py onto
 * planck, the TypeScript port of Box2D: one physics world per member, built afresh at every reset (as
 * for LunarLander: a reused world would carry contact caches and sleep timers from one episode into the
 * next).
 *
 * Identical to Gymnasium: every constant (FPS, SCALE, MOTORS_TORQUE, SPEED_HIP, SPEED_KNEE, LIDAR_RANGE,
 * INITIAL_RANDOM, HULL_POLY, LEG_DOWN, LEG_W, LEG_H, the terrain constants, FRICTION); the terrain
 * generator (grass with its damped random slope; in hardcore, stumps, stairs and pits chosen after each
 * grass stretch) with its random draws in Gymnasium's order and ranges — including NumPy's rule that
 * `integers(4, 5)` (the stair width) returns 4 without drawing, and the 110 draws of the decorative
 * clouds, skipped so the initial push is the draw Gymnasium takes after them; the static bodies (one per
 * obstacle polygon, one per terrain edge, friction 2.5, category 1); hull, upper and lower legs (polygons,
 * densities, frictions, category/mask bits, creation order, start positions — Gymnasium subtracts the
 * negative LEG_DOWN, so each upper leg starts 2·|LEG_DOWN| = 0.53 m below its hip anchor and the joint
 * pulls it up in the first step); the four revolute joints (anchors, limits, motors, and reference angles
 * as pybox2d's revoluteJointDef sets them: bodyB.angle − bodyA.angle); the action mapping (motor speed =
 * SPEED·sign(a), max torque = MOTORS_TORQUE·clip(|a|, 0, 1), every step waking both bodies of each joint
 * as Box2D 2.3's setters do); `world.Step(1/FPS, 6·30, 2·30)`; the 10 lidar rays cast after the step with
 * Gymnasium's callback (fixtures without category bit 1 ignored, the ray clipped at each hit, so the
 * closest hit's fraction remains, 1.0 with nothing in range); the 24 observations and their scaling; the
 * reward (shaping 130·x/SCALE − 5·|hull angle|, torque cost 0.00035·MOTORS_TORQUE·clip(|a|, 0, 1) per
 * joint, −100 on game over or x < 0); termination (the hull touching anything, x < 0, or x past
 * (TERRAIN_LENGTH − TERRAIN_GRASS)·TERRAIN_STEP); the legs' ground-contact flags (set on begin, cleared on
 * end of any contact, so leaving one terrain edge while still on the next clears it, as in Gymnasium);
 * the reset's extra zero-action step (its observation is what reset returns, its reward is dropped); the
 * time limits of the registered ids (1600, hardcore 2000; `hardcore: true` through gym.make on
 * 'BipedalWalker-v3' keeps that spec's 1600, as Gymnasium's TimeLimit does). As a whole-system check,
 * Gymnasium's own heuristic controller scores here as it does on Gymnasium 1.2.3 / Box2D 2.3.10 (envpool's
 * reference: 110 ± 131 normal, −59 ± 25 hardcore over 100 episodes; here 124 ± 130 and −57 ± 27).
 *
 * Not identical: (1) the engine: pybox2d is Box2D 2.3 in float32, planck the same algorithms in float64,
 * so trajectories agree for a few steps and then drift apart; (2) the random streams: NumPy's PCG64 is
 * replaced by the member's Philox reset stream (seed, member, episode) — draw k is the k-th 53-bit
 * uniform of that stream, integers(low, high) is low + ⌊(high − low)·u⌋ (NumPy's bounded-integer
 * algorithm consumes its bits differently), so the same draws in the same order give different numbers;
 * (3) the reward is computed in float64 (Gymnasium mixes float32 actions into it); (4) Gymnasium's newest
 * `options={"metadata": …}` designed-terrain reset is not supported (a reset takes no options), and
 * rendering (clouds, colours, scroll) is left out.
 */
import { Body, Box, Edge, Polygon, RevoluteJoint, World, type Contact, type Fixture, type Vec2, planckUsesProjectMath } from './planck.js';
import { PhiloxStream } from '../../rng/stream.js';
import type { EnvDefinition } from './types.js';
import { cos, sin } from '../../math/index.js';

/** sin and cos of the ten lidar angles 1.5·i/10 (the same values Gymnasium's math.sin/cos give per step), once. */
const LIDAR_SIN = Float64Array.from({ length: 10 }, (_, i) => sin((1.5 * i) / 10.0));
const LIDAR_COS = Float64Array.from({ length: 10 }, (_, i) => cos((1.5 * i) / 10.0));

export const FPS = 50;
export const SCALE = 30.0; // affects how fast-paced the game is, forces should be adjusted as well
export const MOTORS_TORQUE = 80;
export const SPEED_HIP = 4;
export const SPEED_KNEE = 6;
export const LIDAR_RANGE = 160 / SCALE;
export const INITIAL_RANDOM = 5;
export const HULL_POLY: readonly (readonly [number, number])[] = [[-30, +9], [+6, +9], [+34, +1], [+34, -8], [-30, -8]];
export const LEG_DOWN = -8 / SCALE;
export const LEG_W = 8 / SCALE;
export const LEG_H = 34 / SCALE;
export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;
export const TERRAIN_STEP = 14 / SCALE;
export const TERRAIN_LENGTH = 200; // in steps
export const TERRAIN_HEIGHT = VIEWPORT_H / SCALE / 4;
export const TERRAIN_GRASS = 10; // low long are grass spots, in steps
export const TERRAIN_STARTPAD = 20; // in steps
export const FRICTION = 2.5;

/** Terrain states of Gymnasium's generator (GRASS, STUMP, STAIRS, PIT, _STATES_ = range(5)); an obstacle is integers(1, _STATES_). */
export const GRASS = 0;
export const STUMP = 1;
export const STAIRS = 2;
export const PIT = 3;
const STATES = 4;

/** Draws Gymnasium's _generate_clouds takes between the terrain and the initial push: 10 clouds × (1 + 5 × 2). */
export const CLOUD_DRAWS = (TERRAIN_LENGTH / 20) * (1 + 5 * 2);
/** The hull crossing this x ends the episode (terminated, its reward kept). */
export const TERRAIN_END_X = (TERRAIN_LENGTH - TERRAIN_GRASS) * TERRAIN_STEP;


/** One obstacle of a hardcore terrain, as drawn: its state, the terrain index where it starts, its size draw. */
export interface Obstacle {
  readonly state: number;
  readonly index: number;
  /** PIT: the pit's width counter (3 or 4); STUMP: its size (1 or 2); STAIRS: the number of steps (3 or 4). */
  readonly size: number;
  /** STAIRS only: +1 up, −1 down. */
  readonly direction: number;
}

/** One member's episode: its world, bodies, joints, terrain and the flags the contact listener sets. */
export class WalkerWorld {
  readonly world: World;
  readonly hull: Body;
  /** Gymnasium's legs list: [upper −1, lower −1, upper +1, lower +1]; legs[1] and legs[3] report ground contact. */
  readonly legs: Body[] = [];
  /** [hip −1, knee −1, hip +1, knee +1], the order of the action and the observation. */
  readonly joints: RevoluteJoint[] = [];
  /** Ground contact of legs[1] and legs[3]. */
  readonly groundContact = [false, false];
  gameOver = false;
  /** Terrain heights at x = i·TERRAIN_STEP (Gymnasium's terrain_x / terrain_y). */
  readonly terrainX = new Float64Array(TERRAIN_LENGTH);
  readonly terrainY = new Float64Array(TERRAIN_LENGTH);
  readonly obstacles: Obstacle[] = [];
  /** The initial push on the hull (x; y is 0). */
  readonly initialForce: number;
  /** Shaping of the previous step (Gymnasium's prev_shaping); NaN before the reset step. */
  prevShaping = NaN;
  /** Set by `advance`: the step ended the episode. */
  terminated = false;
  /** Lidar fractions of the last step (observations 14…23). */
  readonly lidar = new Float64Array(10);

  private rayFraction = 1.0;
  private readonly rayStart = { x: 0, y: 0 };
  private readonly rayEnd = { x: 0, y: 0 };
  /** Gymnasium's LidarCallback.ReportFixture: skip fixtures without category bit 1, else keep this hit and clip the ray to it. */
  private readonly rayCallback = (fixture: Fixture, _point: Vec2, _normal: Vec2, fraction: number): number => {
    if ((fixture.getFilterCategoryBits() & 1) === 0) return -1;
    this.rayFraction = fraction;
    return fraction;
  };

  /** Builds the terrain (draws from `draws`), the clouds' draws skipped, then the walker and its initial push. */
  constructor(readonly hardcore: boolean, draws: PhiloxStream) {
    // pybox2d's b2World() defaults to gravity (0, −10) and sleeping allowed; planck's to no gravity.
    planckUsesProjectMath();
    this.world = new World({ gravity: { x: 0, y: -10 } });
    this.world.on('begin-contact', (c: Contact) => this.contact(c, true));
    this.world.on('end-contact', (c: Contact) => this.contact(c, false));

    this.generateTerrain(draws);
    draws.skip(CLOUD_DRAWS);

    const initX = (TERRAIN_STEP * TERRAIN_STARTPAD) / 2;
    const initY = TERRAIN_HEIGHT + 2 * LEG_H;
    this.hull = this.world.createBody({ type: 'dynamic', position: { x: initX, y: initY } });
    this.hull.createFixture({
      shape: new Polygon(HULL_POLY.map(([x, y]) => ({ x: x / SCALE, y: y / SCALE }))),
      density: 5.0, friction: 0.1, filterCategoryBits: 0x0020, filterMaskBits: 0x001, restitution: 0.0,
    });
    this.initialForce = draws.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    this.hull.applyForceToCenter({ x: this.initialForce, y: 0 }, true);

    for (const i of [-1, +1]) {
      const leg = this.world.createBody({ type: 'dynamic', position: { x: initX, y: initY - LEG_H / 2 - LEG_DOWN }, angle: i * 0.05 });
      leg.createFixture({ shape: new Box(LEG_W / 2, LEG_H / 2), density: 1.0, restitution: 0.0, filterCategoryBits: 0x0020, filterMaskBits: 0x001 });
      this.legs.push(leg);
      this.joints.push(this.world.createJoint(new RevoluteJoint({
        bodyA: this.hull, bodyB: leg,
        localAnchorA: { x: 0, y: LEG_DOWN }, localAnchorB: { x: 0, y: LEG_H / 2 },
        // pybox2d's revoluteJointDef sets referenceAngle = bodyB.angle − bodyA.angle when both bodies are
        // given and it is not (Box2D_joints.i): i·0.05 here, 0 at the knees. Written out, not left to planck's
        // inference, which happens to agree.
        referenceAngle: leg.getAngle() - this.hull.getAngle(),
        enableMotor: true, enableLimit: true, maxMotorTorque: MOTORS_TORQUE, motorSpeed: i,
        lowerAngle: -0.8, upperAngle: 1.1,
      }))!);

      const lower = this.world.createBody({ type: 'dynamic', position: { x: initX, y: initY - (LEG_H * 3) / 2 - LEG_DOWN }, angle: i * 0.05 });
      lower.createFixture({ shape: new Box((0.8 * LEG_W) / 2, LEG_H / 2), density: 1.0, restitution: 0.0, filterCategoryBits: 0x0020, filterMaskBits: 0x001 });
      this.legs.push(lower);
      this.joints.push(this.world.createJoint(new RevoluteJoint({
        bodyA: leg, bodyB: lower,
        localAnchorA: { x: 0, y: -LEG_H / 2 }, localAnchorB: { x: 0, y: LEG_H / 2 },
        referenceAngle: lower.getAngle() - leg.getAngle(),
        enableMotor: true, enableLimit: true, maxMotorTorque: MOTORS_TORQUE, motorSpeed: 1,
        lowerAngle: -1.6, upperAngle: -0.1,
      }))!);
    }
  }

  /** Gymnasium's _generate_terrain with generated (not designed) metadata: grass variations on, terrain_grass = TERRAIN_GRASS. */
  private generateTerrain(draws: PhiloxStream): void {
    let state = GRASS;
    let velocity = 0.0;
    let y = TERRAIN_HEIGHT;
    let counter = TERRAIN_STARTPAD;
    let oneshot = false;
    let stairSteps = 0, stairWidth = 0, stairHeight = 0;
    let originalY = 0;
    for (let i = 0; i < TERRAIN_LENGTH; i++) {
      const x = i * TERRAIN_STEP;
      this.terrainX[i] = x;
      if (state === GRASS && !oneshot) {
        velocity = 0.8 * velocity + 0.01 * Math.sign(TERRAIN_HEIGHT - y);
        if (i > TERRAIN_STARTPAD) velocity += draws.uniform(-1, 1) / SCALE;
        y += velocity;
      } else if (state === PIT && oneshot) {
        counter = draws.integers(3, 5);
        this.obstacles.push({ state, index: i, size: counter, direction: 0 });
        const poly = [
          { x, y },
          { x: x + TERRAIN_STEP, y },
          { x: x + TERRAIN_STEP, y: y - 4 * TERRAIN_STEP },
          { x, y: y - 4 * TERRAIN_STEP },
        ];
        this.staticPolygon(poly);
        this.staticPolygon(poly.map((p) => ({ x: p.x + TERRAIN_STEP * counter, y: p.y })));
        counter += 2;
        originalY = y;
      } else if (state === PIT && !oneshot) {
        y = originalY;
        if (counter > 1) y -= 4 * TERRAIN_STEP;
      } else if (state === STUMP && oneshot) {
        counter = draws.integers(1, 3);
        this.obstacles.push({ state, index: i, size: counter, direction: 0 });
        this.staticPolygon([
          { x, y },
          { x: x + counter * TERRAIN_STEP, y },
          { x: x + counter * TERRAIN_STEP, y: y + counter * TERRAIN_STEP },
          { x, y: y + counter * TERRAIN_STEP },
        ]);
      } else if (state === STAIRS && oneshot) {
        stairHeight = draws.random() > 0.5 ? +1 : -1;
        stairWidth = draws.integers(4, 5);
        stairSteps = draws.integers(3, 5);
        this.obstacles.push({ state, index: i, size: stairSteps, direction: stairHeight });
        originalY = y;
        for (let s = 0; s < stairSteps; s++) {
          this.staticPolygon([
            { x: x + s * stairWidth * TERRAIN_STEP, y: y + s * stairHeight * TERRAIN_STEP },
            { x: x + (1 + s) * stairWidth * TERRAIN_STEP, y: y + s * stairHeight * TERRAIN_STEP },
            { x: x + (1 + s) * stairWidth * TERRAIN_STEP, y: y + (-1 + s * stairHeight) * TERRAIN_STEP },
            { x: x + s * stairWidth * TERRAIN_STEP, y: y + (-1 + s * stairHeight) * TERRAIN_STEP },
          ]);
        }
        counter = stairSteps * stairWidth;
      } else if (state === STAIRS && !oneshot) {
        const s = stairSteps * stairWidth - counter - stairHeight;
        const n = s / stairWidth;
        y = originalY + n * stairHeight * TERRAIN_STEP;
      }
      oneshot = false;
      this.terrainY[i] = y;
      counter -= 1;
      if (counter === 0) {
        counter = draws.integers(TERRAIN_GRASS / 2, TERRAIN_GRASS);
        if (state === GRASS && this.hardcore) state = draws.integers(1, STATES);
        else state = GRASS;
        oneshot = true;
      }
    }
    for (let i = 0; i < TERRAIN_LENGTH - 1; i++) {
      const t = this.world.createBody({ type: 'static' });
      t.createFixture({
        shape: new Edge({ x: this.terrainX[i], y: this.terrainY[i] }, { x: this.terrainX[i + 1], y: this.terrainY[i + 1] }),
        friction: FRICTION, filterCategoryBits: 0x0001,
      });
    }
  }

  /** A static body with Gymnasium's fd_polygon (friction 2.5, default category 1 and mask). */
  private staticPolygon(vertices: { x: number; y: number }[]): void {
    this.world.createBody({ type: 'static' }).createFixture({ shape: new Polygon(vertices), friction: FRICTION });
  }

  /** Gymnasium's ContactDetector: the hull touching anything ends the game; the lower legs track ground contact. */
  private contact(c: Contact, begin: boolean): void {
    const a = c.getFixtureA().getBody();
    const b = c.getFixtureB().getBody();
    if (begin && (a === this.hull || b === this.hull)) this.gameOver = true;
    for (let k = 0; k < 2; k++) {
      const leg = this.legs[2 * k + 1];
      if (a === leg || b === leg) this.groundContact[k] = begin;
    }
  }

  /**
   * Casts the 10 lidar rays from p (the hull's position after the step), ray i at 1.5·i/10 rad from
   * straight down towards +x, LIDAR_RANGE long, and stores each ray's fraction in `lidar`.
   */
  castLidar(p: { x: number; y: number }): void {
    const px = p.x, py = p.y;
    for (let i = 0; i < 10; i++) {
      this.rayFraction = 1.0;
      this.rayStart.x = px;
      this.rayStart.y = py;
      this.rayEnd.x = px + LIDAR_SIN[i] * LIDAR_RANGE;
      this.rayEnd.y = py - LIDAR_COS[i] * LIDAR_RANGE;
      this.world.rayCast(this.rayStart, this.rayEnd, this.rayCallback);
      this.lidar[i] = this.rayFraction;
    }
  }

  /**
   * One env.step: sets the motors from actions[o … o+4), steps the world, casts the lidar, writes the 24
   * observations (float64) to s[0…24) and the hull's x to s[24], sets `terminated` and returns the reward.
   */
  advance(actions: ArrayLike<number>, o: number, s: Float64Array): number {
    for (let k = 0; k < 4; k++) {
      const a = actions[o + k];
      setMotor(this.joints[k], (k % 2 === 0 ? SPEED_HIP : SPEED_KNEE) * Math.sign(a), MOTORS_TORQUE * clip01(Math.abs(a)));
    }

    this.world.step(1.0 / FPS, 6 * 30, 2 * 30);

    const hull = this.hull;
    const pos = hull.getPosition();
    const vel = hull.getLinearVelocity();
    const px = pos.x;
    this.castLidar(pos);

    const j = this.joints;
    s[0] = hull.getAngle(); // normal angles up to 0.5 here, but sure more is possible
    s[1] = (2.0 * hull.getAngularVelocity()) / FPS;
    s[2] = (0.3 * vel.x * (VIEWPORT_W / SCALE)) / FPS; // normalised to get a −1…1 range
    s[3] = (0.3 * vel.y * (VIEWPORT_H / SCALE)) / FPS;
    s[4] = j[0].getJointAngle();
    s[5] = j[0].getJointSpeed() / SPEED_HIP;
    s[6] = j[1].getJointAngle() + 1.0;
    s[7] = j[1].getJointSpeed() / SPEED_KNEE;
    s[8] = this.groundContact[0] ? 1.0 : 0.0;
    s[9] = j[2].getJointAngle();
    s[10] = j[2].getJointSpeed() / SPEED_HIP;
    s[11] = j[3].getJointAngle() + 1.0;
    s[12] = j[3].getJointSpeed() / SPEED_KNEE;
    s[13] = this.groundContact[1] ? 1.0 : 0.0;
    for (let i = 0; i < 10; i++) s[14 + i] = this.lidar[i];
    s[24] = px;

    const shaping = walkerShaping(px, s[0]);
    let reward = 0;
    if (!Number.isNaN(this.prevShaping)) reward = shaping - this.prevShaping;
    this.prevShaping = shaping;
    // Normalised to about −50 by the heuristic; a better agent spends less.
    for (let k = 0; k < 4; k++) reward -= 0.00035 * MOTORS_TORQUE * clip01(Math.abs(actions[o + k]));

    this.terminated = false;
    if (this.gameOver || px < 0) {
      reward = -100;
      this.terminated = true;
    }
    if (px > TERRAIN_END_X) this.terminated = true;
    return reward;
  }
}

/** Gymnasium's potential: 130·x/SCALE (about 300 at the far end) − 5·|hull angle| (keep the head straight). */
export function walkerShaping(hullX: number, hullAngle: number): number {
  let shaping = (130 * hullX) / SCALE;
  shaping -= 5.0 * Math.abs(hullAngle);
  return shaping;
}

function clip01(v: number): number {
  return Math.min(Math.max(v, 0), 1);
}

/** planck's joint internals that Box2D 2.3's setters write (planck 1.5.0, pinned in package.json). */
interface MotorFields {
  m_motorSpeed: number;
  m_maxMotorTorque: number;
}

/**
 * Box2D 2.3's SetMotorSpeed and SetMaxMotorTorque: wake both bodies — a sleeping body restarts its sleep
 * timer, an awake one keeps it — then set the value. planck's setters differ in ways that change when a
 * resting walker falls asleep (they skip waking when the value is unchanged, and restart an awake
 * body's timer otherwise), so the fields are written directly.
 */
export function setMotor(joint: RevoluteJoint, speed: number, maxTorque: number): void {
  const a = joint.getBodyA();
  const b = joint.getBodyB();
  if (!a.isAwake()) a.setAwake(true);
  if (!b.isAwake()) b.setAwake(true);
  const f = joint as unknown as MotorFields;
  f.m_motorSpeed = speed;
  f.m_maxMotorTorque = maxTorque;
}

/** Per-row worlds of a batch; a row's world is replaced at each reset. */
export interface WalkerRows {
  worlds: (WalkerWorld | null)[];
}

/** Float64 state per member: the 24 observations unrounded, then the hull's x (not observed; shaping and tests use it). */
export const WALKER_STATE_DIM = 25;
const OBS_DIM = 24;
const ROW = new Float64Array(WALKER_STATE_DIM);
const ZERO_ACTION = new Float64Array(4);

/** Gymnasium's constructor argument (render_mode aside). */
export interface BipedalWalkerOptions {
  hardcore?: boolean;
}

/** A BipedalWalker definition: normal terrain (BipedalWalker-v3, 1600 steps) or hardcore (BipedalWalkerHardcore-v3, 2000). */
export function makeBipedalWalker(options: BipedalWalkerOptions = {}): EnvDefinition<WalkerRows> {
  const hardcore = options.hardcore ?? false;
  // "we use 5.0 to represent the joints moving at maximum 5 x the rated speed due to impulses from ground contact etc."
  const low = [-Math.PI, -5.0, -5.0, -5.0, -Math.PI, -5.0, -Math.PI, -5.0, -0.0, -Math.PI, -5.0, -Math.PI, -5.0, -0.0, ...new Array<number>(10).fill(-1.0)];
  const high = [Math.PI, 5.0, 5.0, 5.0, Math.PI, 5.0, Math.PI, 5.0, 5.0, Math.PI, 5.0, Math.PI, 5.0, 5.0, ...new Array<number>(10).fill(1.0)];

  function stepRow(w: WalkerWorld, state: Float64Array, n: number, i: number, actions: ArrayLike<number>, o: number): number {
    const r = w.advance(actions, o, ROW);
    for (let k = 0; k < WALKER_STATE_DIM; k++) state[k * n + i] = ROW[k];
    return r;
  }

  return {
    id: hardcore ? 'BipedalWalkerHardcore-v3' : 'BipedalWalker-v3',
    aliases: hardcore ? ['bipedalwalker-hardcore'] : ['bipedalwalker'],
    description: hardcore
      ? 'walk a 2-legged robot over stumps, stairs and pits (4 motor torques in [-1, 1], 10-ray lidar, Box2D physics, 2000 steps)'
      : 'walk a 2-legged robot over gently uneven ground (4 motor torques in [-1, 1], 10-ray lidar, Box2D physics, 1600 steps)',
    observationSpace: { kind: 'box', dim: OBS_DIM, low, high },
    actionSpace: { kind: 'box', dim: 4, low: [-1, -1, -1, -1], high: [1, 1, 1, 1] },
    maxSteps: hardcore ? 2000 : 1600,
    rewardThreshold: 300,
    solvedThreshold: 300,
    stateDim: WALKER_STATE_DIM,
    // The terrain takes a varying number of draws, so reset reads the member's reset stream itself (a PhiloxStream, draw by draw).
    resetUniforms: 0,

    createRows(size) {
      return { worlds: new Array<WalkerWorld | null>(size).fill(null) };
    },

    // Gymnasium's reset ends with step(np.array([0, 0, 0, 0])) and returns its observation (its reward
    // is dropped; it sets prev_shaping, and it leaves every motor at speed 0 and torque 0).
    reset(state, n, i, _u, _bounds, rows, stream) {
      const w = new WalkerWorld(hardcore, new PhiloxStream(stream));
      rows.worlds[i] = w;
      stepRow(w, state, n, i, ZERO_ACTION, 0);
    },

    step(state, n, active, count, actions, reward, terminated, rows) {
      for (let j = 0; j < count; j++) {
        const i = active[j];
        const w = rows.worlds[i]!;
        reward[i] = stepRow(w, state, n, i, actions, 4 * i);
        terminated[i] = w.terminated ? 1 : 0;
      }
    },

    observe(state, n, i, obs, o) {
      for (let k = 0; k < OBS_DIM; k++) obs[o + k] = state[k * n + i];
    },
  };
}

export const bipedalWalker = makeBipedalWalker();
export const bipedalWalkerHardcore = makeBipedalWalker({ hardcore: true });
