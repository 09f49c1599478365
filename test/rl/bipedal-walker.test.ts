/**
 * BipedalWalker-v3 / BipedalWalkerHardcore-v3 against Gymnasium's bipedal_walker.py (constants, spaces,
 * bodies, joints, terrain draws, lidar callback, reward formula, termination, time limits) and against
 * hand-derived physics (free fall to touchdown), plus determinism and Gymnasium's own heuristic
 * controller. Box2D's float32 and planck's float64 differ, so trajectories are checked against
 * derivations and distributions, not against recorded Gymnasium numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Box, type Body } from '../../src/rl/envs/planck.js';
import { BatchEnv, makeEnv, resetStream, resetUniforms, resolveEnv } from '../../src/rl/envs/index.js';
import {
  CLOUD_DRAWS, FPS, FRICTION, HULL_POLY, INITIAL_RANDOM, LEG_DOWN, LEG_H, LEG_W, LIDAR_RANGE, MOTORS_TORQUE, PIT, SCALE,
  SPEED_HIP, SPEED_KNEE, STAIRS, STUMP, TERRAIN_END_X, TERRAIN_GRASS, TERRAIN_HEIGHT, TERRAIN_LENGTH, TERRAIN_STARTPAD, TERRAIN_STEP,
  VIEWPORT_H, VIEWPORT_W, WalkerWorld, setMotor, walkerShaping,
} from '../../src/rl/envs/bipedal-walker.js';
// The reset draws moved into the one randomness API (rng/stream.ts): a member's reset stream drawn in order.
import { PhiloxStream as ResetDraws } from '../../src/rng/stream.js';
import { make } from '../../src/rl/gym/index.js';
import { runRl } from '../../src/rl/run.js';
import { resolveRlConfig } from '../../src/rl/config.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { tempDir } from '../helpers/temp.js';

// Every assert.ok carries a message: without one, a failing assert.ok makes Node re-read and parse the
// source at the call site to quote it, which under tsx's transform can run for minutes instead of failing.

function world(seed: number, member: number, episode: number, hardcore = false): WalkerWorld {
  return new WalkerWorld(hardcore, new ResetDraws(resetStream(seed, member, episode)));
}

/** The walker's five bodies (hull, then legs in Gymnasium's order). */
const bodies = (w: WalkerWorld): Body[] => [w.hull, ...w.legs];

/** Moves the whole walker by (dx, dy) and stops it, as if it had been placed there. */
function teleport(w: WalkerWorld, dx: number, dy: number): void {
  for (const b of bodies(w)) {
    const p = b.getPosition();
    b.setTransform({ x: p.x + dx, y: p.y + dy }, b.getAngle());
    b.setLinearVelocity({ x: 0, y: 0 });
    b.setAngularVelocity(0);
  }
}

/** The lowest point of the lower legs' polygons, in world coordinates. */
function lowestFootY(w: WalkerWorld): number {
  let low = Infinity;
  for (const leg of [w.legs[1], w.legs[3]]) {
    const shape = leg.getFixtureList()!.getShape() as unknown as { m_vertices: { x: number; y: number }[] };
    for (const v of shape.m_vertices) low = Math.min(low, leg.getWorldPoint(v).y);
  }
  return low;
}

/** Gymnasium's BipedalWalkerHeuristics, one instance per member (the controller its __main__ runs). */
class Heuristic {
  private state = 1;
  private movingLeg = 0;
  private supportingLeg = 1;
  private supportingKneeAngle = 0.1;

  step(s: ArrayLike<number>, o: number, out: Float64Array, ao: number): void {
    const SPEED = 0.29, SUPPORT_KNEE_ANGLE = 0.1;
    const movingBase = 4 + 5 * this.movingLeg, supportingBase = 4 + 5 * this.supportingLeg;
    const hipTarg: (number | null)[] = [null, null], kneeTarg: (number | null)[] = [null, null];
    const hipTodo = [0, 0], kneeTodo = [0, 0];
    if (this.state === 1) {
      hipTarg[this.movingLeg] = 1.1;
      kneeTarg[this.movingLeg] = -0.6;
      this.supportingKneeAngle += 0.03;
      if (s[o + 2] > SPEED) this.supportingKneeAngle += 0.03;
      this.supportingKneeAngle = Math.min(this.supportingKneeAngle, SUPPORT_KNEE_ANGLE);
      kneeTarg[this.supportingLeg] = this.supportingKneeAngle;
      if (s[o + supportingBase] < 0.10) this.state = 2;
    }
    if (this.state === 2) {
      hipTarg[this.movingLeg] = +0.1;
      kneeTarg[this.movingLeg] = SUPPORT_KNEE_ANGLE;
      kneeTarg[this.supportingLeg] = this.supportingKneeAngle;
      if (s[o + movingBase + 4]) {
        this.state = 3;
        this.supportingKneeAngle = Math.min(s[o + movingBase + 2], SUPPORT_KNEE_ANGLE);
      }
    }
    if (this.state === 3) {
      kneeTarg[this.movingLeg] = this.supportingKneeAngle;
      kneeTarg[this.supportingLeg] = +1.0;
      if (s[o + supportingBase + 2] > 0.88 || s[o + 2] > 1.2 * SPEED) {
        this.state = 1;
        this.movingLeg = 1 - this.movingLeg;
        this.supportingLeg = 1 - this.movingLeg;
      }
    }
    if (hipTarg[0]) hipTodo[0] = 0.9 * (hipTarg[0] - s[o + 4]) - 0.25 * s[o + 5];
    if (hipTarg[1]) hipTodo[1] = 0.9 * (hipTarg[1] - s[o + 9]) - 0.25 * s[o + 10];
    if (kneeTarg[0]) kneeTodo[0] = 4.0 * (kneeTarg[0] - s[o + 6]) - 0.25 * s[o + 7];
    if (kneeTarg[1]) kneeTodo[1] = 4.0 * (kneeTarg[1] - s[o + 11]) - 0.25 * s[o + 12];
    hipTodo[0] -= 0.9 * (0 - s[o]) - 1.5 * s[o + 1]; // PID to keep the head straight
    hipTodo[1] -= 0.9 * (0 - s[o]) - 1.5 * s[o + 1];
    kneeTodo[0] -= 15.0 * s[o + 3]; // vertical speed, to damp oscillations
    kneeTodo[1] -= 15.0 * s[o + 3];
    const a = [hipTodo[0], kneeTodo[0], hipTodo[1], kneeTodo[1]];
    for (let k = 0; k < 4; k++) out[ao + k] = Math.min(Math.max(0.5 * a[k], -1.0), 1.0);
  }
}

/**
 * Runs the heuristic on members (rows in the given order) for at most maxSteps, starting with a zero
 * action as Gymnasium's __main__ does; returns per-member traces (observation float32 bits, reward).
 */
function runHeuristic(env: BatchEnv, seed: number, members: number[], episode: number, maxSteps = Infinity) {
  env.resetEach(seed, members, members.map(() => episode));
  const hs = members.map(() => new Heuristic());
  const acts = new Float64Array(env.size * 4);
  const traces: number[][] = members.map(() => []);
  for (let t = 0; !env.done && t < maxSteps; t++) {
    if (t > 0) for (let j = 0; j < env.activeCount; j++) { const i = env.active[j]; hs[i].step(env.obs, i * 24, acts, i * 4); }
    const stepping = Array.from(env.active.subarray(0, env.activeCount));
    env.step(acts);
    for (const i of stepping) traces[i].push(...env.obs.subarray(i * 24, i * 24 + 24), env.reward[i]);
  }
  return { traces, returns: Array.from(env.episodeReturn) };
}

/** Holds the hips at ±0.3 and the knees near straight (Gymnasium's heuristic PD terms): the walker stands. */
function standAction(s: ArrayLike<number>, o: number, out: Float64Array, ao: number): void {
  const hip = (t: number, ang: number, sp: number) => 0.9 * (t - ang) - 0.25 * sp + 0.9 * s[o] + 1.5 * s[o + 1];
  const knee = (t: number, ang: number, sp: number) => 4 * (t - ang) - 0.25 * sp - 15 * s[o + 3];
  const c = (v: number) => Math.max(-1, Math.min(1, 0.5 * v));
  out[ao] = c(hip(0.3, s[o + 4], s[o + 5]));
  out[ao + 1] = c(knee(0.9, s[o + 6], s[o + 7]));
  out[ao + 2] = c(hip(-0.3, s[o + 9], s[o + 10]));
  out[ao + 3] = c(knee(0.9, s[o + 11], s[o + 12]));
}

test('constants, spaces and registration follow Gymnasium (bipedal_walker.py, envs/__init__.py)', () => {
  assert.deepEqual([FPS, SCALE, MOTORS_TORQUE, SPEED_HIP, SPEED_KNEE, LIDAR_RANGE, INITIAL_RANDOM], [50, 30.0, 80, 4, 6, 160 / 30, 5]);
  assert.deepEqual(HULL_POLY, [[-30, 9], [6, 9], [34, 1], [34, -8], [-30, -8]]);
  assert.deepEqual([LEG_DOWN, LEG_W, LEG_H, VIEWPORT_W, VIEWPORT_H], [-8 / 30, 8 / 30, 34 / 30, 600, 400]);
  assert.deepEqual([TERRAIN_STEP, TERRAIN_LENGTH, TERRAIN_HEIGHT, TERRAIN_GRASS, TERRAIN_STARTPAD, FRICTION], [14 / 30, 200, 400 / 30 / 4, 10, 20, 2.5]);
  assert.equal(CLOUD_DRAWS, 110);
  assert.equal(TERRAIN_END_X, 190 * 14 / 30);
  const d = resolveEnv('bipedalwalker');
  const h = resolveEnv('bipedalwalker-hardcore');
  assert.deepEqual([d.id, h.id], ['BipedalWalker-v3', 'BipedalWalkerHardcore-v3']);
  assert.deepEqual([d.maxSteps, h.maxSteps, d.rewardThreshold, h.rewardThreshold], [1600, 2000, 300, 300]);
  const pi = Math.PI;
  for (const def of [d, h]) {
    assert.deepEqual(def.observationSpace.low, [-pi, -5, -5, -5, -pi, -5, -pi, -5, -0, -pi, -5, -pi, -5, -0, ...new Array(10).fill(-1)]);
    assert.deepEqual(def.observationSpace.high, [pi, 5, 5, 5, pi, 5, pi, 5, 5, pi, 5, pi, 5, 5, ...new Array(10).fill(1)]);
    assert.deepEqual(def.actionSpace, { kind: 'box', dim: 4, low: [-1, -1, -1, -1], high: [1, 1, 1, 1] });
  }
});

test('bodies, fixtures and joints: masses from the polygons and densities, filters, anchors, limits, motors', () => {
  const w = world(1, 0, 0);
  // HULL_POLY: a 64×9 px rectangle (y −8…1) under a trapezoid 36→64 px wide, 8 high: 576 + 400 = 976 px².
  assert.ok(Math.abs(w.hull.getMass() - (5.0 * 976) / (SCALE * SCALE)) < 1e-12, `hull mass ${w.hull.getMass()}`);
  const legMass = [LEG_W * LEG_H, 0.8 * LEG_W * LEG_H];
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(w.legs[k].getMass() - legMass[k % 2]) < 1e-12, `leg ${k} mass`);
  const fx = (b: Body) => { const f = b.getFixtureList()!; return [f.getDensity(), f.getFriction(), f.getRestitution(), f.getFilterCategoryBits(), f.getFilterMaskBits()]; };
  assert.deepEqual(fx(w.hull), [5.0, 0.1, 0, 0x20, 0x1]);
  for (const leg of w.legs) assert.deepEqual(fx(leg), [1.0, 0.2, 0, 0x20, 0x1]); // Box2D's default friction 0.2
  // Every static body is terrain: category 1, collides with everything, friction 2.5; 199 edges plus no obstacle on normal terrain.
  let statics = 0;
  for (let b = w.world.getBodyList(); b; b = b.getNext()) {
    if (!b.isStatic()) continue;
    statics++;
    const f = b.getFixtureList()!;
    assert.deepEqual([f.getFriction(), f.getFilterCategoryBits(), f.getFilterMaskBits(), f.getShape().getType()], [2.5, 1, 0xffff, 'edge']);
  }
  assert.equal(statics, TERRAIN_LENGTH - 1);
  // Joints: [hip −1, knee −1, hip +1, knee +1] with Gymnasium's anchors, limits, torques and start speeds;
  // reference angles as pybox2d's revoluteJointDef sets them (bodyB.angle − bodyA.angle).
  const spec = (k: number) => {
    const j = w.joints[k];
    return [j.getBodyA(), j.getBodyB(), j.getLocalAnchorA().x, j.getLocalAnchorA().y, j.getLocalAnchorB().x, j.getLocalAnchorB().y,
      j.getLowerLimit(), j.getUpperLimit(), j.getMaxMotorTorque(), j.getMotorSpeed(), j.getReferenceAngle(), j.isMotorEnabled(), j.isLimitEnabled()];
  };
  assert.deepEqual(spec(0), [w.hull, w.legs[0], 0, LEG_DOWN, 0, LEG_H / 2, -0.8, 1.1, 80, -1, -0.05, true, true]);
  assert.deepEqual(spec(1), [w.legs[0], w.legs[1], 0, -LEG_H / 2, 0, LEG_H / 2, -1.6, -0.1, 80, 1, 0, true, true]);
  assert.deepEqual(spec(2), [w.hull, w.legs[2], 0, LEG_DOWN, 0, LEG_H / 2, -0.8, 1.1, 80, 1, 0.05, true, true]);
  assert.deepEqual(spec(3), [w.legs[2], w.legs[3], 0, -LEG_H / 2, 0, LEG_H / 2, -1.6, -0.1, 80, 1, 0, true, true]);
  // Start positions (Gymnasium places the legs 2·|LEG_DOWN| below their hip anchors; the joints pull them up).
  const initX = TERRAIN_STEP * TERRAIN_STARTPAD / 2, initY = TERRAIN_HEIGHT + 2 * LEG_H;
  assert.deepEqual([w.hull.getPosition().x, w.hull.getPosition().y], [initX, initY]);
  assert.deepEqual([w.legs[0].getPosition().y, w.legs[1].getPosition().y, w.legs[0].getAngle(), w.legs[3].getAngle()],
    [initY - LEG_H / 2 - LEG_DOWN, initY - LEG_H * 3 / 2 - LEG_DOWN, -0.05, 0.05]);
  // So each hip starts with its two anchors 2·|LEG_DOWN| = 0.533 m apart, less the leg's 0.05 rad tilt (0.028 m sideways).
  const gap = (k: number) => { const j = w.joints[k]; return Math.hypot(j.getAnchorA().x - j.getAnchorB().x, j.getAnchorA().y - j.getAnchorB().y); };
  for (const k of [0, 2]) assert.ok(Math.abs(gap(k) - Math.hypot(-2 * LEG_DOWN - (1 - Math.cos(0.05)) * LEG_H / 2, Math.sin(0.05) * LEG_H / 2)) < 1e-12, `hip ${k} gap ${gap(k)}`);
  // The reset's zero action leaves every motor at speed 0 and torque 0; two steps close every joint.
  const s = new Float64Array(25);
  w.advance(new Float64Array(4), 0, s);
  for (const j of w.joints) assert.deepEqual([j.getMotorSpeed(), j.getMaxMotorTorque()], [0, 0]);
  w.advance(new Float64Array(4), 0, s);
  for (let k = 0; k < 4; k++) assert.ok(gap(k) < 0.005, `joint ${k} gap ${gap(k)} after two steps`);
});

test('actions: motor speed SPEED·sign(a), torque MOTORS_TORQUE·clip(|a|, 0, 1); Box2D\'s setters wake sleeping bodies only', () => {
  const w = world(2, 0, 0);
  const s = new Float64Array(25);
  w.advance([0.5, -0.25, 2, -0], 0, s);
  assert.deepEqual(w.joints.map((j) => j.getMotorSpeed()), [4, -6, 4, -0]);
  assert.deepEqual(w.joints.map((j) => j.getMaxMotorTorque()), [40, 20, 80, 0]);
  // An asleep hull is woken with a fresh sleep timer; an awake leg keeps its timer (planck's own setter would reset it).
  const timer = (b: Body) => (b as unknown as { m_sleepTime: number }).m_sleepTime;
  w.hull.setAwake(false);
  (w.legs[0] as unknown as { m_sleepTime: number }).m_sleepTime = 0.3;
  setMotor(w.joints[0], 4, 80);
  assert.deepEqual([w.hull.isAwake(), timer(w.hull), w.legs[0].isAwake(), timer(w.legs[0])], [true, 0, true, 0.3]);
  (w.hull as unknown as { m_sleepTime: number }).m_sleepTime = 0.2;
  setMotor(w.joints[2], 4, 80);
  assert.deepEqual([timer(w.hull), timer(w.legs[2])], [0.2, 0]);
});

test('terrain: Gymnasium\'s draws in order from the reset stream, flat start pad, deterministic per (seed, member, episode)', () => {
  // ResetDraws' k-th draw is resetUniforms' k-th uniform; integers(4, 5) returns 4 without drawing, as NumPy does.
  const u = new Float64Array(8);
  resetUniforms(7, 3, 1, u, 8);
  const r = new ResetDraws(resetStream(7, 3, 1));
  assert.deepEqual([r.random(), r.random(), r.random()], [u[0], u[1], u[2]]);
  assert.equal(r.integers(4, 5), 4);
  assert.equal(r.count, 3);
  assert.equal(r.integers(3, 5), 3 + Math.floor(2 * u[3]));
  assert.equal(r.uniform(-1, 1), -1 + 2 * u[4]);

  // A second transcription of the normal-terrain generator (grass only), reading the uniforms by index.
  const reference = (seed: number, member: number, episode: number) => {
    const n = 600;
    const v = new Float64Array(n);
    resetUniforms(seed, member, episode, v, n);
    let k = 0, velocity = 0, y = TERRAIN_HEIGHT, counter = TERRAIN_STARTPAD, oneshot = false;
    const ys: number[] = [];
    for (let i = 0; i < TERRAIN_LENGTH; i++) {
      if (!oneshot) {
        velocity = 0.8 * velocity + 0.01 * Math.sign(TERRAIN_HEIGHT - y);
        if (i > TERRAIN_STARTPAD) velocity += (-1 + 2 * v[k++]) / SCALE;
        y += velocity;
      }
      oneshot = false;
      ys.push(y);
      if (--counter === 0) { counter = 5 + Math.floor(5 * v[k++]); oneshot = true; }
    }
    return { ys, force: -INITIAL_RANDOM + 2 * INITIAL_RANDOM * v[k + CLOUD_DRAWS] };
  };
  for (const [seed, member, episode] of [[1, 0, 0], [1, 1, 0], [1, 0, 1], [2, 0, 0]]) {
    const w = world(seed, member, episode);
    const ref = reference(seed, member, episode);
    assert.deepEqual(Array.from(w.terrainY), ref.ys, `terrain of (${seed}, ${member}, ${episode})`);
    assert.equal(w.initialForce, ref.force);
    assert.ok(Math.abs(w.initialForce) <= INITIAL_RANDOM, `initial force ${w.initialForce}`);
    for (let i = 0; i <= TERRAIN_STARTPAD; i++) assert.equal(w.terrainY[i], TERRAIN_HEIGHT);
    assert.deepEqual(Array.from(w.terrainX), Array.from({ length: TERRAIN_LENGTH }, (_, i) => i * TERRAIN_STEP));
    assert.deepEqual(w.obstacles, []);
  }
  assert.deepEqual(world(4, 2, 1, true).terrainY, world(4, 2, 1, true).terrainY);
  assert.notDeepEqual(world(4, 2, 1).terrainY, world(4, 3, 1).terrainY);
  assert.notDeepEqual(world(4, 2, 1, true).terrainY, world(5, 2, 1, true).terrainY);
});

test('hardcore terrain: stumps, stairs and pits with Gymnasium\'s sizes, shapes and static polygons', () => {
  const kinds = new Set<number>();
  for (let seed = 0; seed < 8; seed++) {
    const w = world(seed, 0, 0, true);
    assert.ok(w.obstacles.length >= 5, `seed ${seed}: ${w.obstacles.length} obstacles`);
    let polygons = 0;
    for (let b = w.world.getBodyList(); b; b = b.getNext()) if (b.isStatic() && b.getFixtureList()!.getShape().getType() === 'polygon') polygons++;
    let expected = 0;
    const y = w.terrainY;
    for (const o of w.obstacles) {
      kinds.add(o.state);
      const i = o.index;
      if (o.state === PIT) {
        // integers(3, 5): a pit 3 or 4 steps wide, 4 steps deep, walled by two polygons; the ground returns after it.
        assert.ok(o.size === 3 || o.size === 4, `pit width ${o.size}`);
        expected += 2;
        for (let j = 1; j <= o.size && i + j < TERRAIN_LENGTH; j++) assert.equal(y[i + j], y[i] - 4 * TERRAIN_STEP);
        if (i + o.size + 1 < TERRAIN_LENGTH) assert.equal(y[i + o.size + 1], y[i]);
      } else if (o.state === STUMP) {
        // integers(1, 3): a square stump of 1 or 2 steps on flat ground.
        assert.ok(o.size === 1 || o.size === 2, `stump size ${o.size}`);
        expected += 1;
        for (let j = 1; j < o.size && i + j < TERRAIN_LENGTH; j++) assert.equal(y[i + j], y[i]);
      } else {
        // Stairs: 3 or 4 steps 4 wide, up or down; the ground edge ramps monotonically in that direction.
        assert.equal(o.state, STAIRS);
        assert.ok((o.size === 3 || o.size === 4) && Math.abs(o.direction) === 1, `stairs ${o.size} × ${o.direction}`);
        expected += o.size;
        for (let j = 1; j < o.size * 4 && i + j < TERRAIN_LENGTH; j++) assert.ok((y[i + j] - y[i + j - 1]) * o.direction >= 0, `stairs at ${i + j} go against their direction`);
      }
    }
    assert.equal(polygons, expected, `seed ${seed}: one static polygon per stump and stair step, two per pit`);
  }
  assert.deepEqual([...kinds].sort(), [STUMP, STAIRS, PIT]);
});

test('lidar: 1.0 with nothing in range, the closest category-1 hit\'s fraction otherwise, the walker\'s own bodies ignored', () => {
  const w = world(3, 0, 0);
  const angle = (i: number) => (1.5 * i) / 10;
  w.castLidar({ x: 3, y: TERRAIN_HEIGHT + 10 });
  assert.deepEqual(Array.from(w.lidar), new Array(10).fill(1.0));
  // 2 m above the flat start pad: ray i meets the ground after 2/cos(θ_i); rays 0…7 are in range (ray 8 falls
  // 0.07 m short). Rays 3…7 pass through the legs (category 0x20), which the callback skips.
  const h = 2;
  w.castLidar({ x: 3, y: TERRAIN_HEIGHT + h });
  for (let i = 0; i < 10; i++) {
    const expected = i <= 7 ? h / (Math.cos(angle(i)) * LIDAR_RANGE) : 1.0;
    assert.ok(Math.abs(w.lidar[i] - expected) < 1e-12, `ray ${i}: ${w.lidar[i]} vs ${expected}`);
  }
  // A hand-placed wall (category 1) 1 m to the right is closer than the ground for rays with cot θ < 2; a
  // nearer box without category bit 1 is ignored, as Gymnasium's LidarCallback returns −1 for it.
  w.world.createBody({ type: 'static', position: { x: 4.1, y: TERRAIN_HEIGHT + 2 } }).createFixture({ shape: new Box(0.1, 2) });
  w.world.createBody({ type: 'static', position: { x: 3.5, y: TERRAIN_HEIGHT + 1 } }).createFixture({ shape: new Box(0.05, 1), filterCategoryBits: 0x0002 });
  w.castLidar({ x: 3, y: TERRAIN_HEIGHT + h });
  for (let i = 0; i < 10; i++) {
    const th = angle(i);
    const toWall = 1 / Math.sin(th), toGround = h / Math.cos(th);
    const d = Math.min(toWall, toGround);
    const expected = d <= LIDAR_RANGE ? d / LIDAR_RANGE : 1.0;
    assert.ok(Math.abs(w.lidar[i] - expected) < 1e-12, `ray ${i} with the wall: ${w.lidar[i]} vs ${expected}`);
  }
  assert.ok(w.lidar[5] < h / (Math.cos(angle(5)) * LIDAR_RANGE) - 0.05, 'the wall shadows the ground');
  // In a step, the rays start at the hull's position after the world step: ray 0 points straight down.
  const v = world(3, 0, 0);
  const s = new Float64Array(25);
  v.advance(new Float64Array(4), 0, s);
  assert.ok(Math.abs(s[14] - (v.hull.getPosition().y - TERRAIN_HEIGHT) / LIDAR_RANGE) < 1e-12, `ray 0 ${s[14]}`);
});

test('free fall: lifted 1.5 m, the walker\'s feet touch down when ballistic motion says, and both contact flags set', () => {
  for (const member of [0, 1, 2]) {
    const w = world(6, member, 0);
    const s = new Float64Array(25);
    const zero = new Float64Array(4);
    w.advance(zero, 0, s); // the reset step: the walker lands on its feet
    assert.deepEqual([s[8], s[13]], [1, 1], 'standing after the reset step');
    // Lifted 1.5 m and stopped: both lower legs leave the ground on the next step (end of contact).
    teleport(w, 0, 1.5);
    const foot0 = lowestFootY(w);
    w.advance(zero, 0, s);
    assert.deepEqual([s[8], s[13]], [0, 0], 'flags clear once airborne');
    // With every motor off, the bodies fall together (the joints carry no load): v ← v − g·dt, y ← y + v·dt
    // (Box2D's semi-implicit Euler). A contact begins once the feet are within the polygon and edge
    // skins (0.01 + 0.01 m) of the flat start pad; the step that sees it reports it (±1 step).
    let y = foot0, v = 0, k = 0;
    while (y > TERRAIN_HEIGHT + 0.02) { v -= 10 / FPS; y += v / FPS; k++; }
    let t = 1;
    while (s[8] === 0 && s[13] === 0 && t < 100) { w.advance(zero, 0, s); t++; }
    assert.ok(Math.abs(t - k) <= 1, `member ${member}: touchdown at step ${t}, ballistic prediction ${k}`);
    assert.ok(!w.gameOver, 'the feet land first');
  }
});

test('a forward displacement pays 130·Δx/SCALE − 5·Δ|angle| − 0.00035·MOTORS_TORQUE·Σclip|a|, computed by hand', () => {
  const w = world(8, 0, 0);
  const s = new Float64Array(25);
  w.advance(new Float64Array(4), 0, s);
  const x0 = s[24], angle0 = s[0];
  assert.equal(w.prevShaping, 130 * x0 / SCALE - 5 * Math.abs(angle0));
  teleport(w, 1.0, 0.05); // placed 1 m further on (the start pad is flat), a little above the ground
  const a = [0.5, -2, 0, 0.25];
  const r = w.advance(a, 0, s);
  const x1 = s[24], angle1 = s[0];
  assert.ok(Math.abs(x1 - x0 - 1.0) < 0.02, `moved ${x1 - x0}`);
  const byHand = (130 * (x1 - x0)) / SCALE - 5 * (Math.abs(angle1) - Math.abs(angle0)) - 0.00035 * 80 * (0.5 + 1 + 0 + 0.25);
  assert.ok(Math.abs(r - byHand) < 1e-12, `reward ${r} vs ${byHand}`);
  assert.ok(r > 4.2 && r < 4.4, `about 130/30 for one metre: ${r}`);
  assert.equal(walkerShaping(x1, angle1), 130 * x1 / SCALE - 5 * Math.abs(angle1));
  assert.equal(w.terminated, false);
});

test('Gymnasium\'s heuristic walks forward; its return telescopes to 130·Δx/SCALE − 5·Δ|angle| − torque costs', () => {
  const env = makeEnv('bipedalwalker', 1);
  env.reset(3, 0);
  const x0 = env.state[24], angle0 = env.state[0];
  const h = new Heuristic();
  const acts = new Float64Array(4);
  let cost = 0, sum = 0;
  for (let t = 0; t < 400 && !env.done; t++) {
    if (t > 0) h.step(env.obs, 0, acts, 0);
    for (let k = 0; k < 4; k++) cost += 0.00035 * MOTORS_TORQUE * Math.min(Math.abs(acts[k]), 1);
    env.step(acts);
    sum += env.reward[0];
  }
  assert.equal(env.terminated[0], 0, 'still walking after 400 steps');
  const x = env.state[24], angle = env.state[0];
  assert.ok(x - x0 > 5, `walked ${x - x0} m`);
  const telescoped = (130 * (x - x0)) / SCALE - 5 * (Math.abs(angle) - Math.abs(angle0)) - cost;
  assert.ok(Math.abs(sum - telescoped) < 1e-9, `return ${sum} vs ${telescoped}`);
});

test('game over: the hull touching the ground or x < 0 gives −100 and terminated; passing the terrain\'s end terminates with the shaping reward', () => {
  // Every motor off: the walker folds at the joints until the hull meets the ground. It cannot get there
  // faster than free fall of its lowest hull point (≈1.9 m: ≥ 31 steps).
  const n = 4;
  const env = makeEnv('bipedalwalker', n);
  env.reset(9, 0);
  const zeros = new Float64Array(4 * n);
  const endReward = new Float64Array(n);
  while (!env.done) {
    const stepping = Array.from(env.active.subarray(0, env.activeCount));
    env.step(zeros);
    for (const i of stepping) if (env.terminated[i]) endReward[i] = env.reward[i];
  }
  for (let i = 0; i < n; i++) {
    assert.deepEqual([env.terminated[i], env.truncated[i], endReward[i]], [1, 0, -100], `member ${i}`);
    assert.ok(env.episodeLength[i] >= 31 && env.episodeLength[i] < 1600, `member ${i} fell at step ${env.episodeLength[i]}`);
  }
  // x < 0: placed left of the terrain's start.
  const w = world(9, 0, 0);
  const s = new Float64Array(25);
  w.advance(new Float64Array(4), 0, s);
  teleport(w, -s[24] - 1, 0);
  assert.deepEqual([w.advance(new Float64Array(4), 0, s), w.terminated, w.gameOver], [-100, true, false]);
  // Past (TERRAIN_LENGTH − TERRAIN_GRASS)·TERRAIN_STEP: terminated, reward kept (no −100).
  const e = world(9, 1, 0);
  e.advance(new Float64Array(4), 0, s);
  const xPrev = s[24], anglePrev = s[0];
  const i = Math.ceil(TERRAIN_END_X / TERRAIN_STEP) + 1;
  teleport(e, TERRAIN_END_X + 0.2 - xPrev, e.terrainY[i] - TERRAIN_HEIGHT + 0.5);
  const r = e.advance(new Float64Array(4), 0, s);
  assert.ok(s[24] > TERRAIN_END_X && e.terminated, `x ${s[24]}, terminated ${e.terminated}`);
  assert.ok(Math.abs(r - ((130 * (s[24] - xPrev)) / SCALE - 5 * (Math.abs(s[0]) - Math.abs(anglePrev)))) < 1e-9, `reward ${r}`);
});

test('time limits: a standing walker is truncated at 1600 (normal) and 2000 (hardcore), not terminated', () => {
  for (const [name, limit] of [['bipedalwalker', 1600], ['bipedalwalker-hardcore', 2000]] as const) {
    const env = makeEnv(name, 1);
    env.reset(5, 0);
    const acts = new Float64Array(4);
    while (!env.done) { standAction(env.obs, 0, acts, 0); env.step(acts); }
    assert.deepEqual([env.episodeLength[0], env.truncated[0], env.terminated[0]], [limit, 1, 0], name);
    assert.ok(Math.abs(env.state[24] - TERRAIN_STEP * TERRAIN_STARTPAD / 2) < 1.5, 'stood near the start');
  }
});

test('gym.make: hardcore keyword as in Gymnasium (the registered id keeps its time limit), spec, no reset options', () => {
  const e = make('BipedalWalker-v3');
  assert.deepEqual(e.spec, { id: 'BipedalWalker-v3', maxEpisodeSteps: 1600, kwargs: { hardcore: false } });
  const hc = make('BipedalWalker-v3', { hardcore: true });
  assert.deepEqual(hc.spec, { id: 'BipedalWalker-v3', maxEpisodeSteps: 1600, kwargs: { hardcore: true } });
  assert.equal(hc.batch.def.id, 'BipedalWalkerHardcore-v3');
  assert.deepEqual(make('BipedalWalkerHardcore-v3').spec, { id: 'BipedalWalkerHardcore-v3', maxEpisodeSteps: 2000, kwargs: { hardcore: true } });
  assert.equal(make('BipedalWalkerHardcore-v3', { hardcore: false }).batch.def.id, 'BipedalWalker-v3');
  assert.throws(() => make('BipedalWalker-v3', { hardcore: 'yes' }), /'hardcore' must be true or false.*allowed keywords: hardcore, max_episode_steps/);
  const { obs } = hc.reset({ seed: 4 });
  assert.equal(obs.length, 24);
  assert.deepEqual(Array.from(obs), Array.from(make('BipedalWalker-v3', { hardcore: true }).reset({ seed: 4 }).obs));
  const step = hc.step([0.1, -0.2, 0.3, 0]);
  assert.equal(step.obs.length, 24);
  assert.throws(() => hc.reset({ seed: 1, options: { metadata: {} } }), /takes no reset options/);
  assert.throws(() => hc.step([0, 0, 0]), /expected 4 action values/);
});

test('determinism: a member\'s trajectory is bit-identical across runs and batch compositions', () => {
  for (const name of ['bipedalwalker', 'bipedalwalker-hardcore']) {
    const all = runHeuristic(makeEnv(name, 4), 21, [0, 1, 2, 3], 5, 300);
    const again = runHeuristic(makeEnv(name, 4), 21, [0, 1, 2, 3], 5, 300);
    assert.deepEqual(again.traces, all.traces);
    const alone = runHeuristic(makeEnv(name, 1), 21, [2], 5, 300);
    assert.deepEqual(alone.traces[0], all.traces[2], `${name}: member 2 alone`);
    const mixed = runHeuristic(makeEnv(name, 3), 21, [3, 9, 0], 5, 300);
    assert.deepEqual(mixed.traces[0], all.traces[3], `${name}: member 3 beside others`);
    assert.deepEqual(mixed.traces[2], all.traces[0], `${name}: member 0 in another row`);
    assert.notDeepEqual(mixed.traces[1], all.traces[1]);
  }
});

test('Gymnasium\'s heuristic on hardcore terrain scores as on Gymnasium 1.2.3 / Box2D 2.3.10 (envpool\'s reference: −59.2 ± 25.2)', () => {
  // envpool's box2d_correctness_test runs this controller on 100 Gymnasium envs and accepts a mean within
  // 10 of −59; with 32 members (standard error ≈ 25/√32 ≈ 4.5) this allows three standard errors more.
  const members = Array.from({ length: 32 }, (_, i) => i);
  const r = runHeuristic(makeEnv('bipedalwalker-hardcore', members.length), 1, members, 0);
  const mean = r.returns.reduce((s, x) => s + x, 0) / members.length;
  assert.ok(Math.abs(mean + 59) < 25, `hardcore heuristic mean return ${mean}`);
});

test('training on BipedalWalker gives identical parameters on 1 and 2 workers (the worlds live in each worker)', async () => {
  const run = async (workers: number) => {
    const dir = tempDir(`bw${workers}-`);
    const cfg = resolveRlConfig('bipedalwalker', { pop: 8, gens: 2, hidden: [8], seed: 4, backend: 'wasm', evalEpisodes: 1, workers });
    await runRl(cfg, dir, false, {});
    return decodeSafetensors(readFileSync(join(dir, 'checkpoints', 'gen-0000002.safetensors'))).tensors;
  };
  const a = await run(1), b = await run(2);
  assert.ok(Object.keys(a).includes('task/state'), 'observation statistics are part of the checkpoint (the preset normalises)');
  for (const k of Object.keys(a)) assert.deepEqual(Buffer.from(b[k].data.buffer), Buffer.from(a[k].data.buffer), k);
});
