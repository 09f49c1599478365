/**
 * LunarLander-v3 against Gymnasium's lunar_lander.py (constants, reward formula, engine decoding) and
 * against hand-derived physics (free fall to touchdown, engine impulses), plus determinism. Box2D's
 * float32 and planck's float64 differ, so trajectories are checked against derivations, not against
 * recorded Gymnasium numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchEnv, makeEnv, resetStream, resetUniforms, resolveEnv } from '../../src/rl/envs/index.js';
import {
  CHUNKS, FPS, INITIAL_RANDOM, LANDER_POLY, LANDER_RESET_UNIFORMS, LEG_AWAY, LEG_DOWN, LEG_H, LEG_SPRING_TORQUE, LEG_W, LanderWorld,
  MAIN_ENGINE_POWER, MAIN_ENGINE_Y_LOCATION, SCALE, SIDE_ENGINE_AWAY, SIDE_ENGINE_HEIGHT, SIDE_ENGINE_POWER, VIEWPORT_H, VIEWPORT_W,
  continuousPowers, landerShaping, lunarLanderWarnings, makeLunarLander, type LunarLanderOptions,
} from '../../src/rl/envs/lunar-lander.js';
import { make } from '../../src/rl/gym/index.js';

const H = VIEWPORT_H / SCALE; // 13.33 m: the start height of the lander's centre
const HELIPAD_SURFACE = 0.99 * (H / 4); // smooth_y = 0.33·(3 · H/4) under the pad
/** Lander hull area in px² (LANDER_POLY: a 34×10 rectangle under a trapezoid 34→28 wide, 17 high). */
const HULL_AREA_PX = 34 * 10 + ((34 + 28) / 2) * 17;
const LANDER_MASS = (5.0 * HULL_AREA_PX) / (SCALE * SCALE);
const LEG_MASS = 1.0 * (2 * LEG_W / SCALE) * (2 * LEG_H / SCALE);
/** World units of velocity per observation unit of vy (obs = vy · (H/2) / FPS). */
const VY_SCALE = FPS / (H / 2);

function world(seed: number, member: number, episode: number, o: LunarLanderOptions = {}): LanderWorld {
  const u = new Float64Array(LANDER_RESET_UNIFORMS);
  resetUniforms(seed, member, episode, u, LANDER_RESET_UNIFORMS);
  return new LanderWorld({ continuous: false, gravity: -10, enableWind: false, windPower: 15, turbulencePower: 1.5, ...o }, u, resetStream(seed, member, episode));
}

/** Gymnasium's `heuristic` controller (lunar_lander.py), writing member i's action. */
function heuristic(s: ArrayLike<number>, o: number, continuous: boolean, out: Float64Array, i: number): void {
  let angleTarg = s[o] * 0.5 + s[o + 2] * 1.0;
  if (angleTarg > 0.4) angleTarg = 0.4;
  if (angleTarg < -0.4) angleTarg = -0.4;
  const hoverTarg = 0.55 * Math.abs(s[o]);
  let angleTodo = (angleTarg - s[o + 4]) * 0.5 - s[o + 5] * 1.0;
  let hoverTodo = (hoverTarg - s[o + 1]) * 0.5 - s[o + 3] * 0.5;
  if (s[o + 6] || s[o + 7]) { angleTodo = 0; hoverTodo = -s[o + 3] * 0.5; }
  if (continuous) {
    out[2 * i] = Math.min(Math.max(hoverTodo * 20 - 1, -1), 1);
    out[2 * i + 1] = Math.min(Math.max(-angleTodo * 20, -1), 1);
  } else {
    let a = 0;
    if (hoverTodo > Math.abs(angleTodo) && hoverTodo > 0.05) a = 2;
    else if (angleTodo < -0.05) a = 3;
    else if (angleTodo > +0.05) a = 1;
    out[i] = a;
  }
}

/** Runs the heuristic on every member to the end; returns per-member observation traces (float32 bits) and final rewards. */
function runHeuristic(env: BatchEnv, seed: number, members: number[], episode: number) {
  env.resetEach(seed, members, members.map(() => episode));
  const cont = env.def.actionSpace.kind === 'box';
  const acts = new Float64Array(env.size * env.actionDim);
  const traces: number[][] = members.map(() => []);
  const last = new Float64Array(env.size);
  while (!env.done) {
    for (let j = 0; j < env.activeCount; j++) { const i = env.active[j]; heuristic(env.obs, i * 8, cont, acts, i); }
    const stepping = Array.from(env.active.subarray(0, env.activeCount));
    env.step(acts);
    for (const i of stepping) { traces[i].push(...env.obs.subarray(i * 8, i * 8 + 8), env.reward[i]); last[i] = env.reward[i]; }
  }
  return { traces, last, returns: Array.from(env.episodeReturn), lengths: Array.from(env.episodeLength) };
}

test('constants, spaces and registration follow Gymnasium (lunar_lander.py, envs/__init__.py)', () => {
  assert.deepEqual([FPS, SCALE, MAIN_ENGINE_POWER, SIDE_ENGINE_POWER, INITIAL_RANDOM], [50, 30.0, 13.0, 0.6, 1000.0]);
  assert.deepEqual(LANDER_POLY, [[-14, 17], [-17, 0], [-17, -10], [17, -10], [17, 0], [14, 17]]);
  assert.deepEqual([LEG_AWAY, LEG_DOWN, LEG_W, LEG_H, LEG_SPRING_TORQUE], [20, 18, 2, 8, 40]);
  assert.deepEqual([SIDE_ENGINE_HEIGHT, SIDE_ENGINE_AWAY, MAIN_ENGINE_Y_LOCATION, VIEWPORT_W, VIEWPORT_H, CHUNKS], [14, 12, 4, 600, 400, 11]);
  const d = resolveEnv('lunarlander');
  const c = resolveEnv('lunarlander-continuous');
  assert.equal(d.id, 'LunarLander-v3');
  assert.equal(c.id, 'LunarLanderContinuous-v3');
  for (const def of [d, c]) {
    assert.deepEqual([def.maxSteps, def.rewardThreshold, def.solvedThreshold], [1000, 200, 200]);
    assert.deepEqual(def.observationSpace.low, [-2.5, -2.5, -10, -10, -2 * Math.PI, -10, -0, -0]);
    assert.deepEqual(def.observationSpace.high, [2.5, 2.5, 10, 10, 2 * Math.PI, 10, 1, 1]);
  }
  assert.deepEqual(d.actionSpace, { kind: 'discrete', n: 4 });
  assert.deepEqual(c.actionSpace, { kind: 'box', dim: 2, low: [-1, -1], high: [1, 1] });
  assert.throws(() => makeLunarLander({ gravity: -12 }), /gravity .* must be between -12 and 0/);
  assert.throws(() => makeLunarLander({ gravity: 0 }), /between -12 and 0/);
});

test('bodies: masses from the polygons and densities, collision filters, helipad terrain, leg joints', () => {
  const w = world(1, 0, 0);
  assert.ok(Math.abs(w.lander.getMass() - LANDER_MASS) < 1e-9, `lander mass ${w.lander.getMass()} vs ${LANDER_MASS}`);
  for (const leg of w.legs) assert.ok(Math.abs(leg.getMass() - LEG_MASS) < 1e-9);
  const lf = w.lander.getFixtureList()!;
  assert.deepEqual([lf.getFilterCategoryBits(), lf.getFilterMaskBits(), lf.getDensity(), lf.getFriction(), lf.getRestitution()], [0x10, 0x1, 5, 0.1, 0]);
  for (const leg of w.legs) {
    const f = leg.getFixtureList()!;
    assert.deepEqual([f.getFilterCategoryBits(), f.getFilterMaskBits(), f.getDensity(), f.getFriction(), f.getRestitution()], [0x20, 0x1, 1, 0.2, 0]);
  }
  // The lander and legs only collide with the ground (category 1), never with each other.
  assert.equal(0x10 & 0x1, 0);
  // Terrain: 10 chunk edges + the flat base; the three edges under the pad (x 6…12 m, chunks 3…6) lie at 0.99·H/4.
  const edges: { x1: number; y1: number; x2: number; y2: number }[] = [];
  for (let b = w.world.getBodyList(); b; b = b.getNext()) {
    if (!b.isStatic()) continue;
    for (let f = b.getFixtureList(); f; f = f.getNext()) {
      const s = f.getShape() as unknown as { m_vertex1: { x: number; y: number }; m_vertex2: { x: number; y: number } };
      edges.push({ x1: s.m_vertex1.x, y1: s.m_vertex1.y, x2: s.m_vertex2.x, y2: s.m_vertex2.y });
    }
  }
  assert.equal(edges.length, CHUNKS);
  const pad = edges.filter((e) => e.x1 >= 8 - 1e-9 && e.x2 <= 12 + 1e-9 && e.x2 > e.x1);
  assert.equal(pad.length, 2);
  for (const e of pad) assert.ok(Math.abs(e.y1 - HELIPAD_SURFACE) < 1e-12 && Math.abs(e.y2 - HELIPAD_SURFACE) < 1e-12);
  for (const e of edges) assert.ok(e.y1 >= 0 && e.y1 <= 0.99 * (H / 2) + 1e-12);
  // Each leg hangs from the lander's centre at its anchor, motor and limits as in revoluteJointDef.
  let joints = 0;
  for (let j = w.world.getJointList(); j; j = j.getNext()) {
    const r = j as unknown as { getLowerLimit(): number; getUpperLimit(): number; getMaxMotorTorque(): number; getMotorSpeed(): number; getReferenceAngle(): number };
    const i = r.getMotorSpeed() > 0 ? 1 : -1;
    assert.deepEqual([r.getLowerLimit(), r.getUpperLimit()], i === -1 ? [0.9 - 0.5, 0.9] : [-0.9, -0.9 + 0.5]);
    // pybox2d's revoluteJointDef: referenceAngle = bodyB.angle − bodyA.angle = i·0.05 (the leg's start angle).
    assert.deepEqual([r.getMaxMotorTorque(), r.getMotorSpeed(), r.getReferenceAngle()], [40, 0.3 * i, i * 0.05]);
    joints++;
  }
  assert.equal(joints, 2);
  // legs[0] (observation 6) is Gymnasium's i = −1 leg, placed at initial_x − i·LEG_AWAY/SCALE: the +x side.
  assert.ok(Math.abs(w.legs[0].getPosition().x - w.lander.getPosition().x - LEG_AWAY / SCALE) < 1e-12);
  assert.equal(w.legs[0].getAngle(), -0.05);
});

test('resets: one no-op step from the top centre, the initial force bounded by INITIAL_RANDOM, a pure function of (seed, member, episode)', () => {
  const n = 64;
  const a = makeEnv('lunarlander', n);
  a.reset(5, 2);
  const b = makeEnv('lunarlander', n);
  b.reset(5, 2);
  assert.deepEqual(a.obs, b.obs);
  b.reset(5, 3);
  assert.notDeepEqual(a.obs, b.obs);
  // After one step of 1/50 s the force (≤ 1000 N on ≥ LANDER_MASS kg) has changed the speed by at most
  // 1000·0.02/m ≈ 4.2 m/s; gravity adds −0.2 m/s. Observed vx, vy are scaled by (W/2)/FPS and (H/2)/FPS.
  const dvMax = (INITIAL_RANDOM / FPS) / LANDER_MASS;
  let vxMin = Infinity, vxMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = (k: number) => a.state[k * n + i];
    assert.ok(Math.abs(s(0)) < (dvMax / FPS) / 10 + 1e-3, `x ${s(0)}`);
    assert.ok(Math.abs(s(1) - (H - (H / 4 + LEG_DOWN / SCALE)) / (H / 2)) < 0.02, `y ${s(1)}`);
    assert.ok(Math.abs(s(2)) <= dvMax * 10 / FPS + 1e-9 && Math.abs(s(3) + 0.2 / VY_SCALE) <= dvMax / VY_SCALE + 0.01);
    assert.deepEqual([s(6), s(7)], [0, 0]);
    assert.equal(a.episodeLength[i], 0);
    vxMin = Math.min(vxMin, s(2)); vxMax = Math.max(vxMax, s(2));
  }
  // The force is spread over the whole range (64 uniform draws reach beyond ±60% of it).
  assert.ok(vxMin < -0.6 * dvMax * 10 / FPS && vxMax > 0.6 * dvMax * 10 / FPS, `${vxMin} … ${vxMax}`);
});

test('free fall: engines off, the legs touch down when ballistic motion brings them to the pad, then the hull crashes (−100)', () => {
  // Derivation. With no engine, the only forces after the reset step are gravity (−10) and the joints,
  // which keep the legs at their lower limits (the motors push them there): leg i = −1 at joint angle
  // 0.4 from its reference −0.05, so at 0.35 rad, its centre at −R(0.35)·(−20/30, 18/30) = (0.832, −0.335)
  // from the hull centre, its lowest corner 0.335 + (2/30)·sin 0.35 + (8/30)·cos 0.35 = 0.608 m below the
  // hull centre (the other leg mirrors it).
  // Box2D integrates semi-implicitly: v ← v − g·dt, y ← y + v·dt. The first step at which the legs are
  // within the contact skin (2 × polygon radius 0.01) of the pad is the predicted touchdown; one step
  // moves the lander ≥ 0.15 m near the ground, so ±1 step covers the reach and skin to ±0.15 m. The
  // hull's bottom is only 10/30 m below its centre and the legs' 40 N·m motors cannot absorb a
  // ≥ 8 m/s impact, so the hull hits the ground within two steps: game over, reward −100.
  // Members landing elsewhere meet terrain between 0 and 0.99·H/2 high, with |vy| ≤ 4.2 m/s after the
  // reset, which bounds every touchdown to steps 37…103.
  const n = 40;
  const env = makeEnv('lunarlander', n);
  env.reset(3, 0);
  const y0: number[] = [], v0: number[] = [];
  for (let i = 0; i < n; i++) { y0.push(env.state[n + i] * (H / 2) + H / 4 + LEG_DOWN / SCALE); v0.push(env.state[3 * n + i] * VY_SCALE); }
  const touch = new Int32Array(n).fill(-1);
  const xTouch = new Float64Array(n);
  const endReward = new Float64Array(n);
  const zeros = new Float64Array(n);
  for (let t = 1; !env.done; t++) {
    env.step(zeros);
    for (let i = 0; i < n; i++) {
      if (env.episodeLength[i] !== t) continue;
      if (touch[i] < 0 && (env.obs[i * 8 + 6] === 1 || env.obs[i * 8 + 7] === 1)) { touch[i] = t; xTouch[i] = env.state[i]; }
      if (env.terminated[i]) endReward[i] = env.reward[i];
    }
  }
  let onPad = 0;
  for (let i = 0; i < n; i++) {
    assert.ok(touch[i] >= 37 && touch[i] <= 103, `member ${i} touched down at step ${touch[i]}`);
    assert.equal(env.terminated[i], 1);
    assert.equal(endReward[i], -100, `member ${i} ends in a crash`);
    if (Math.abs(xTouch[i]) >= 0.1) continue; // not over the pad (its flat part spans x = 8…12 m, the legs ±0.9 m)
    onPad++;
    let y = y0[i], v = v0[i], k = 0;
    while (y - 0.608 > HELIPAD_SURFACE + 0.02) { v -= 10 / FPS; y += v / FPS; k++; }
    assert.ok(Math.abs(touch[i] - k) <= 1, `member ${i}: touchdown at step ${touch[i]}, ballistic prediction ${k}`);
    assert.ok(env.episodeLength[i] - touch[i] >= 0 && env.episodeLength[i] - touch[i] <= 2, `member ${i}: crash ${env.episodeLength[i] - touch[i]} steps after touchdown`);
  }
  assert.ok(onPad >= 4, `${onPad} members fell onto the pad`);
});

test('the main engine slows the fall by its impulse, 13·(4/30 + 2·d0), shared by hull and legs', () => {
  for (const member of [0, 1, 2]) {
    const coast = world(9, member, 0);
    const burn = world(9, member, 0);
    const s = new Float64Array(8);
    coast.advance(0, 0, 0, s); // the reset's no-op step
    burn.advance(0, 0, 0, s);
    const d = new Float64Array(2);
    burn.dispersion(d);
    const sc = new Float64Array(8), sb = new Float64Array(8);
    const rc = coast.advance(0, 0, 0, sc);
    const rb = burn.advance(1, 0, 0, sb);
    // At angle ≈ 0 the impulse J = 13·(d1, 4/30 + 2·d0) acts along a line through the body origin.
    const J = MAIN_ENGINE_POWER * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d[0]);
    const dv = (sb[3] - sc[3]) * VY_SCALE;
    const total = LANDER_MASS + 2 * LEG_MASS;
    assert.ok(dv > (J / total) * 0.98 && dv < (J / LANDER_MASS) * 1.01, `member ${member}: Δv ${dv}, J/m ${J / total} … ${J / LANDER_MASS}`);
    // That line misses the centre of mass (0.101 m above the origin: the hull's trapezoid is on top) by
    // the lever of its sideways part, so it turns the hull by 0.101·13·d1/I, less what the legs take.
    const c = burn.lander.getLocalCenter();
    assert.ok(Math.abs(c.x) < 1e-12 && Math.abs(c.y - 0.1013) < 1e-4, `centre of mass ${c.y}`);
    const iCom = burn.lander.getInertia() - burn.lander.getMass() * c.y * c.y;
    const dw = ((sb[5] - sc[5]) * FPS) / 20;
    const dwHull = (c.y * MAIN_ENGINE_POWER * d[1]) / iCom;
    assert.ok(Math.sign(dw) === Math.sign(dwHull) && Math.abs(dw) < 1.05 * Math.abs(dwHull) && Math.abs(dw) > 0.5 * Math.abs(dwHull), `member ${member}: Δω ${dw} vs ${dwHull} on the hull alone`);
    // Fuel: the burning member pays 0.3 on top of its shaping difference.
    assert.equal(rb, landerShaping(sb) - landerShaping(s) - 1 * 0.30);
    assert.equal(rc, landerShaping(sc) - landerShaping(s));
  }
});

test('side engines push sideways and turn the lander, at 0.03 fuel per step (1 = left engine, 3 = right)', () => {
  const env = makeEnv('lunarlander', 3);
  env.resetEach(4, [7, 7, 7], [1, 1, 1]);
  const before = Array.from({ length: 3 }, (_, i) => Array.from({ length: 8 }, (_, k) => env.state[k * 3 + i]));
  env.step([0, 1, 3]);
  const after = (i: number, k: number) => env.state[k * 3 + i];
  // Action 1 fires with direction −1: impulse x = −0.6·(0.4 − 3·d1) < 0 applied 14/30 m above the centre.
  assert.ok(after(1, 2) < after(0, 2) && after(1, 5) > after(0, 5), 'action 1: vx down, spin counter-clockwise');
  assert.ok(after(2, 2) > after(0, 2) && after(2, 5) < after(0, 5), 'action 3: the mirror image');
  const row = (i: number) => Array.from({ length: 8 }, (_, k) => after(i, k));
  assert.equal(env.reward[0], landerShaping(row(0)) - landerShaping(before[0]));
  for (const i of [1, 2]) assert.equal(env.reward[i], landerShaping(row(i)) - landerShaping(before[i]) - 1.0 * 0.03);
});

test('continuous actions decode as Gymnasium: main off ≤ 0, 50–100% above; side dead zone |a| ≤ 0.5; fuel by power', () => {
  const p = new Float64Array(3);
  const decode = (a0: number, a1: number) => { continuousPowers(a0, a1, p); return Array.from(p); };
  assert.deepEqual(decode(-0.3, 0.2), [0, 0, 0]);
  assert.deepEqual(decode(0, 0.5), [0, 0, 0]);
  assert.deepEqual(decode(0.5, 0.75), [0.75, 0.75, 1]);
  assert.deepEqual(decode(2, -3), [1, 1, -1]); // clipped to [−1, 1] first
  assert.deepEqual(decode(1e-9, -0.50001), [(1e-9 + 1) * 0.5, 0.50001, -1]);
  const env = makeEnv('lunarlander-continuous', 2);
  env.resetEach(2, [3, 3], [0, 0]);
  const before = Array.from({ length: 8 }, (_, k) => env.state[k * 2 + 1]);
  env.step([0, 0, 0.5, 0.75]);
  const after = Array.from({ length: 8 }, (_, k) => env.state[k * 2 + 1]);
  assert.equal(env.reward[1], landerShaping(after) - landerShaping(before) - 0.75 * 0.30 - 0.75 * 0.03);
  assert.ok(env.state[3 * 2 + 1] > env.state[3 * 2 + 0], 'throttled main engine slows the fall');
});

test('Gymnasium\'s heuristic controller lands: mean return > 200 (its test asks > 100), episodes end at rest with +100', () => {
  for (const [name, minMean] of [['lunarlander', 200], ['lunarlander-continuous', 200]] as const) {
    const members = [0, 1, 2, 3, 4, 5, 6, 7];
    const r = runHeuristic(makeEnv(name, members.length), 11, members, 0);
    const mean = r.returns.reduce((s, x) => s + x, 0) / members.length;
    assert.ok(mean > minMean, `${name}: heuristic mean return ${mean}`);
    const rested = Array.from(r.last).filter((x) => x === 100).length;
    assert.ok(rested >= 6, `${name}: ${rested}/8 episodes end with the lander asleep on the ground`);
  }
});

test('determinism: a member\'s trajectory is bit-identical across runs and batch compositions', () => {
  for (const name of ['lunarlander', 'lunarlander-continuous']) {
    const all = runHeuristic(makeEnv(name, 4), 21, [0, 1, 2, 3], 5);
    const again = runHeuristic(makeEnv(name, 4), 21, [0, 1, 2, 3], 5);
    assert.deepEqual(again.traces, all.traces);
    const alone = runHeuristic(makeEnv(name, 1), 21, [2], 5);
    assert.deepEqual(alone.traces[0], all.traces[2], `${name}: member 2 alone`);
    const mixed = runHeuristic(makeEnv(name, 3), 21, [3, 9, 0], 5);
    assert.deepEqual(mixed.traces[0], all.traces[3], `${name}: member 3 beside others`);
    assert.deepEqual(mixed.traces[2], all.traces[0], `${name}: member 0 in another row`);
    assert.notDeepEqual(mixed.traces[1], all.traces[1]);
  }
});

test('options: wind and turbulence push a falling lander, lower gravity delays touchdown', () => {
  const fall = (o: LunarLanderOptions) => {
    const w = world(6, 2, 0, o);
    const s = new Float64Array(8);
    let t = 0;
    do { w.advance(0, 0, 0, s); t++; } while (s[6] === 0 && s[7] === 0 && t < 400);
    return { t, s: Array.from(s), wind: w.windIdx };
  };
  const calm = fall({});
  const windy = fall({ enableWind: true });
  const windy2 = fall({ enableWind: true });
  assert.deepEqual(windy2, windy);
  assert.notEqual(windy.s[2], calm.s[2]);
  assert.ok(Math.abs(windy.wind) <= 9999 + 400);
  const moon = fall({ gravity: -5 });
  assert.ok(moon.t > calm.t + 10, `touchdown at step ${moon.t} under g = −5 vs ${calm.t}`);
});

test('a lander kept hovering is truncated at 1000 steps (Gymnasium\'s TimeLimit), not terminated', () => {
  // The heuristic's attitude control with a fixed hover target 0.6 above the pad and no landing branch.
  const env = makeEnv('lunarlander', 2);
  env.reset(1, 0);
  const acts = new Float64Array(2);
  while (!env.done) {
    for (let j = 0; j < env.activeCount; j++) {
      const o = env.active[j] * 8;
      const s = env.obs;
      const angleTarg = Math.min(Math.max(s[o] * 0.5 + s[o + 2], -0.4), 0.4);
      const angleTodo = (angleTarg - s[o + 4]) * 0.5 - s[o + 5];
      const hoverTodo = (0.6 - s[o + 1]) * 0.5 - s[o + 3] * 0.5;
      acts[env.active[j]] = hoverTodo > Math.abs(angleTodo) && hoverTodo > 0.05 ? 2 : angleTodo < -0.05 ? 3 : angleTodo > 0.05 ? 1 : 0;
    }
    env.step(acts);
  }
  for (let i = 0; i < 2; i++) {
    assert.deepEqual([env.episodeLength[i], env.truncated[i], env.terminated[i]], [1000, 1, 0]);
    assert.ok(Math.abs(env.obs[i * 8 + 1] - 0.6) < 0.2, `still hovering at y ${env.obs[i * 8 + 1]}`);
  }
});

test('gym.make keywords: continuous, gravity, enable_wind, wind_power, turbulence_power with Gymnasium\'s defaults, checks and warnings', () => {
  const plain = make('LunarLander-v3');
  assert.deepEqual(plain.spec, { id: 'LunarLander-v3', maxEpisodeSteps: 1000, kwargs: { continuous: false, gravity: -10, enable_wind: false, wind_power: 15, turbulence_power: 1.5 } });
  assert.equal(plain.actionSpace.kind, 'discrete');
  // continuous=True on the discrete id gives the Box(2) actions; the spec keeps the id asked for, as Gymnasium's does.
  const cont = make('LunarLander-v3', { continuous: true });
  assert.equal(cont.spec.id, 'LunarLander-v3');
  assert.equal(cont.actionSpace.kind, 'box');
  assert.equal(make('LunarLanderContinuous-v3').spec.kwargs.continuous, true);
  assert.equal(make('LunarLanderContinuous-v3', { continuous: false }).actionSpace.kind, 'discrete');
  // Gymnasium asserts −12 < gravity < 0; one line naming the value.
  assert.throws(() => make('LunarLander-v3', { gravity: -12 }), /^RangeError: LunarLander: gravity \(current value: -12\) must be between -12 and 0$/);
  assert.throws(() => make('LunarLander-v3', { gravity: 1 }), /between -12 and 0/);
  assert.throws(() => make('LunarLander-v3', { enable_wind: 1 }), /'enable_wind' must be true or false.*allowed keywords: continuous, gravity, enable_wind, wind_power, turbulence_power, max_episode_steps/);
  assert.throws(() => make('LunarLander-v3', { wind_power: Infinity }), /'wind_power' must be a finite number/);
  // Out-of-range wind and turbulence are warnings in Gymnasium, not errors.
  assert.deepEqual(lunarLanderWarnings({}), []);
  assert.deepEqual(lunarLanderWarnings({ windPower: 20, turbulencePower: 0 }), []);
  assert.deepEqual(lunarLanderWarnings({ windPower: 25, turbulencePower: -1 }), [
    'WARN: wind_power value is recommended to be between 0.0 and 20.0, (current value: 25)',
    'WARN: turbulence_power value is recommended to be between 0.0 and 2.0, (current value: -1)',
  ]);
  const warned: unknown[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => { warned.push(a.join(' ')); };
  try {
    const windy = make('LunarLander-v3', { enable_wind: true, wind_power: 25, gravity: -5 });
    assert.equal(windy.spec.kwargs.wind_power, 25);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warned, ['WARN: wind_power value is recommended to be between 0.0 and 20.0, (current value: 25)']);
  // The keywords reach the physics: the same seed falls slower under g = −5 and drifts under wind.
  const fallSteps = (kw: Record<string, unknown>) => {
    const env = make('LunarLander-v3', kw);
    let { obs } = env.reset({ seed: 3 });
    let t = 0;
    while (obs[6] === 0 && obs[7] === 0 && t < 500) { obs = env.step(0).obs; t++; }
    return { t, vx: obs[2] };
  };
  const calm = fallSteps({});
  assert.ok(fallSteps({ gravity: -5 }).t > calm.t + 10);
  assert.notEqual(fallSteps({ enable_wind: true }).vx, calm.vx);
});
