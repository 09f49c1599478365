import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mix32 } from '../../src/rng/philox.js';
import {
  BatchEnv, ENVIRONMENTS, describeSpace, envIds, makeEnv, registerEnv, resolveEnv,
  type EnvDefinition,
} from '../../src/rl/envs/index.js';
import { pointMass } from '../../examples/custom-env.js';

/*
 * Expected numbers below come from the published equations (Gymnasium's classic_control sources),
 * evaluated independently in plain Python floats, or worked out by hand where noted. Math.sin/cos and
 * glibc's may differ in the last bit, so these comparisons allow 1e-12 relative error.
 */

interface Expect { s: number[]; r: number; t: boolean }

function close(actual: number, expected: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

/** A batch of one member, put in state s0, stepped with `actions`, compared with `expected` after each step. */
function checkSteps(name: string, s0: number[], actions: number[], expected: Expect[]): BatchEnv {
  const env = makeEnv(name, 1);
  env.reset(0, 0);
  s0.forEach((v, k) => { env.state[k] = v; });
  actions.forEach((a, t) => {
    env.step([a]);
    const e = expected[t];
    e.s.forEach((v, k) => close(env.state[k], v, `${name} step ${t + 1} state[${k}]`));
    close(env.reward[0], e.r, `${name} step ${t + 1} reward`);
    assert.equal(env.terminated[0], e.t ? 1 : 0, `${name} step ${t + 1} terminated`);
    assert.equal(env.truncated[0], 0);
  });
  return env;
}

// ---------------------------------------------------------------- dynamics

test('CartPole: one step from rest, worked by hand', () => {
  // θ = 0, force +10: temp = 10/1.1 = 100/11; θ̈ = −temp / (0.5·(4/3 − 0.1/1.1)) = −(100/11)/(41/66) = −600/41;
  // ẍ = temp − 0.05·θ̈/1.1 = 4400/451. Euler with τ = 0.02: ẋ = 88/451, θ̇ = −12/41, x and θ unchanged.
  const env = checkSteps('CartPole-v1', [0, 0, 0, 0], [1], [{ s: [0, 88 / 451, 0, -12 / 41], r: 1, t: false }]);
  // The observation is the state rounded to float32.
  assert.deepEqual(Array.from(env.obs), [0, Math.fround(88 / 451), 0, Math.fround(-12 / 41)]);
  // Pushing left mirrors it.
  checkSteps('cartpole', [0, 0, 0, 0], [0], [{ s: [0, -88 / 451, 0, 12 / 41], r: 1, t: false }]);
});

test('CartPole: five Euler steps match the equations', () => {
  checkSteps('CartPole-v1', [0.01, -0.02, 0.03, 0.04], [0, 1, 1, 0, 1], [
    { s: [0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914], r: 1, t: false },
    { s: [0.005289219657944213, -0.020868498014729647, 0.03763990447552078, 0.059181706756417596], r: 1, t: false },
    { s: [0.0048718496976496205, 0.1736941202746195, 0.038823538610649126, -0.22139198924408143], r: 1, t: false },
    { s: [0.00834573210314201, -0.02196063445310384, 0.0343956988257675, 0.08328024585169769], r: 1, t: false },
    { s: [0.007906519414079934, 0.17265181365319435, 0.036061303742801455, -0.19835542243183885], r: 1, t: false },
  ]);
});

test('CartPole: termination at the angle and position limits, with reward 1 on the terminating step', () => {
  // θ = 0.2 + 0.02·0.5 = 0.21 > 12° = 0.20944 rad.
  checkSteps('CartPole-v1', [0, 0, 0.2, 0.5], [1], [{ s: [0, 0.1918240025983404, 0.21000000000000002, 0.2764083425922006], r: 1, t: true }]);
  // x = 2.39 + 0.02·1 = 2.41 > 2.4.
  checkSteps('CartPole-v1', [2.39, 1, 0, 0], [1], [{ s: [2.41, 1.1951219512195121, 0, -0.2926829268292683], r: 1, t: true }]);
  // Just inside both limits: not terminal (the limits are strict inequalities).
  const env = makeEnv('cartpole', 1);
  env.reset(0, 0);
  env.state.set([2.4, 0, (12 * 2 * Math.PI) / 360, 0]);
  // x stays 2.4 + 0.02·0 and θ stays at the threshold after one step from zero velocities.
  env.step([1]);
  assert.equal(env.state[0], 2.4);
  assert.equal(env.state[2], (12 * 2 * Math.PI) / 360);
  assert.equal(env.terminated[0], 0);
  assert.equal(env.activeCount, 1);
});

test('CartPole: a balancing policy is truncated at exactly 500 steps with return 500', () => {
  const n = 8;
  const env = makeEnv('CartPole-v1', n);
  env.reset(3, 0);
  const a = new Float64Array(n);
  let steps = 0;
  while (!env.done) {
    for (let i = 0; i < n; i++) {
      const o = env.obs.subarray(4 * i, 4 * i + 4);
      a[i] = 0.5 * o[0] + o[1] + 20 * o[2] + 3 * o[3] > 0 ? 1 : 0;
    }
    env.step(a);
    steps++;
    if (steps < 500) assert.equal(env.activeCount, n, `nobody stops before the limit (step ${steps})`);
  }
  assert.equal(steps, 500);
  for (let i = 0; i < n; i++) {
    assert.equal(env.truncated[i], 1);
    assert.equal(env.terminated[i], 0);
    assert.equal(env.episodeLength[i], 500);
    assert.equal(env.episodeReturn[i], 500);
  }
});

test('Pendulum: steps, torque clipping, speed clipping, angle normalisation in the cost', () => {
  // Step 1 by hand: cost = 3² + 0.1·0.25 + 0.001·1.5² = 9.02725; θ̇' = −0.5 + (15 sin 3 + 4.5)·0.05.
  const thd = -0.5 + (15 * Math.sin(3) + 4.5) * 0.05;
  checkSteps('Pendulum-v1', [3, -0.5], [1.5, -0.7, 5.0], [
    { s: [3 + thd * 0.05, thd], r: -9.02725, t: false },
    { s: [2.983439808734025, -0.1620438313644017], r: -8.95267504992784, t: false },
    // Torque 5 is clipped to 2: the cost uses 0.001·2², not 0.001·5².
    { s: [2.996243656187087, 0.25607694906124834], r: -8.907538912667238, t: false },
  ]);
  // θ̇' = 7.9 + (15 + 6)·0.05 = 8.95 → clipped to 8; θ' = π/2 + 8·0.05.
  checkSteps('pendulum', [Math.PI / 2, 7.9], [2], [{ s: [Math.PI / 2 + 0.4, 8], r: -8.71240110027234, t: false }]);
  // θ = 4 is normalised to 4 − 2π before squaring: cost (4 − 2π)² ≈ 5.2129, not 16.
  checkSteps('pendulum', [4, 0], [0], [{ s: [3.9716199064259525, -0.5676018714809462], r: -((4 - 2 * Math.PI) ** 2), t: false }]);
});

test('Pendulum: never terminates, truncated at 200', () => {
  const env = makeEnv('Pendulum-v1', 3);
  env.reset(5, 1);
  let steps = 0;
  while (!env.done) {
    env.step([2, -2, 0.3]);
    steps++;
    assert.deepEqual(Array.from(env.terminated), [0, 0, 0]);
  }
  assert.equal(steps, 200);
  assert.deepEqual(Array.from(env.truncated), [1, 1, 1]);
  assert.deepEqual(Array.from(env.episodeLength), [200, 200, 200]);
});

test('Acrobot: RK4 steps with the book dynamics', () => {
  checkSteps('Acrobot-v1', [0.05, -0.03, 0.02, -0.01], [2, 0, 1, 2], [
    { s: [0.033939211630615466, 0.0101677904243258, -0.17583183080297707, 0.40177497965573855], r: -1, t: false },
    { s: [0.01007034752194928, 0.05437330724527259, -0.05687869878066677, 0.029454121158960622], r: -1, t: false },
    { s: [-0.0010209346280643777, 0.05502358525177168, -0.05177983915262985, -0.0247307547643903], r: -1, t: false },
    { s: [-0.02309740609593927, 0.07842284339560127, -0.1635955910928187, 0.2509114629028017], r: -1, t: false },
  ]);
});

test('Acrobot: angle wrapping, velocity clipping, terminal height with reward 0', () => {
  // θ₁ = 3.1 with θ̇₁ = 5 passes π and wraps to about −0.41; θ̇₁ is clipped to 4π.
  checkSteps('acrobot', [3.1, 0, 5, 20], [2], [
    { s: [-0.4101366519626559, 1.7318378193062258, 4 * Math.PI, -16.300283157288945], r: -1, t: false },
  ]);
  // Both links straight up (θ₁ = π, θ₂ = 0): height −cos π − cos π = 2 > 1, terminal, reward 0.
  const env = makeEnv('Acrobot-v1', 1);
  env.reset(0, 0);
  env.state.set([Math.PI, 0, 0, 0]);
  env.step([1]);
  assert.equal(env.terminated[0], 1);
  assert.equal(env.reward[0], 0);
  assert.equal(env.done, true);
  // Horizontal first link (height ≈ 0 + small): not terminal, reward −1.
  env.reset(0, 0);
  env.state.set([Math.PI / 2, 0, 0, 0]);
  env.step([1]);
  const h = -Math.cos(env.state[0]) - Math.cos(env.state[1] + env.state[0]);
  assert.ok(h < 1);
  assert.equal(env.terminated[0], 0);
  assert.equal(env.reward[0], -1);
  // The observation is (cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂) in float32.
  const s = Array.from(env.state);
  const want = [Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]].map(Math.fround);
  assert.deepEqual(Array.from(env.obs), want);
});

test('MountainCar: dynamics, left wall, goal, velocity clipping', () => {
  // Step 1 by hand: v = 0.001 − 0.0025·cos(−1.5); x = −0.5 + v.
  const v1 = 0 + (1 * 0.001 + Math.cos(-1.5) * -0.0025);
  checkSteps('MountainCar-v0', [-0.5, 0], [2, 2, 0, 1], [
    { s: [-0.5 + v1, v1], r: -1, t: false },
    { s: [-0.49753668667935325, 0.0016401563248160246], r: -1, t: false },
    { s: [-0.4970917969323474, 0.00044488974700586273], r: -1, t: false },
    { s: [-0.49684550006784745, 0.0002462968644999427], r: -1, t: false },
  ]);
  // The car runs into the left wall: position clipped to −1.2 and the velocity reset to 0.
  checkSteps('mountaincar', [-1.19, -0.02], [0], [{ s: [-1.2, 0], r: -1, t: false }]);
  // Crossing x ≥ 0.5 moving right terminates, still with reward −1.
  checkSteps('mountaincar', [0.49, 0.02], [2], [{ s: [0.5107484356665326, 0.020748435666532672], r: -1, t: true }]);
  // v = 0.0699 + 0.001 − 0.0025·cos(−3) > 0.07 → clipped to 0.07 before the position update.
  checkSteps('mountaincar', [-1, 0.0699], [2], [{ s: [-0.93, 0.07], r: -1, t: false }]);
});

test('MountainCar: coasting in the valley is truncated at 200 with return −200', () => {
  const env = makeEnv('MountainCar-v0', 4);
  env.reset(9, 0);
  let steps = 0;
  while (!env.done) {
    env.step([1, 1, 1, 1]);
    steps++;
  }
  assert.equal(steps, 200);
  assert.deepEqual(Array.from(env.episodeReturn), [-200, -200, -200, -200]);
  assert.deepEqual(Array.from(env.truncated), [1, 1, 1, 1]);
});

test('MountainCarContinuous: dynamics, force clipping, goal reward 100 − 0.1·a², float32 state', () => {
  checkSteps('MountainCarContinuous-v0', [-0.5, 0], [0.5, -0.3], [
    { s: [-0.49942684173583984, 0.0005731569835916162], r: -0.025, t: false },
    { s: [-0.4994848072528839, -5.797367703053169e-05], r: -0.009, t: false },
  ]);
  // a = 2 pushes like a = 1 but is penalised as 2² · 0.1 = 0.4: reward 99.6 at the goal (x ≥ 0.45).
  checkSteps('mountaincar-continuous', [0.44, 0.02], [2], [{ s: [0.4608795642852783, 0.020879561081528664], r: 99.6, t: true }]);
  // Left wall: −1.2 stored as float32.
  const env = checkSteps('mountaincar-continuous', [-1.19, -0.02], [-1], [{ s: [Math.fround(-1.2), 0], r: -0.1, t: false }]);
  assert.equal(env.state[0], Math.fround(env.state[0]));
});

test('MountainCarContinuous: truncated at 999 steps', () => {
  const env = makeEnv('MountainCarContinuous-v0', 2);
  env.reset(1, 0);
  let steps = 0;
  while (!env.done) {
    env.step([0, 0]);
    steps++;
  }
  assert.equal(steps, 999);
  assert.deepEqual(Array.from(env.truncated), [1, 1]);
  assert.deepEqual(Array.from(env.episodeReturn), [0, 0]);
});

// ---------------------------------------------------------------- batching

/** A deterministic, member- and time-dependent action, exercising clipping for continuous spaces. */
function actionFor(def: EnvDefinition, member: number, t: number, out: Float64Array, offset: number): void {
  const h = mix32(member, t, 0xac7);
  if (def.actionSpace.kind === 'discrete') out[offset] = h % def.actionSpace.n;
  else for (let d = 0; d < def.actionSpace.dim; d++) out[offset + d] = ((mix32(h, d) / 2 ** 32) * 2 - 1) * def.actionSpace.high[d] * 1.3;
}

interface Trace { obs: number[][]; reward: number[]; term: number[]; trunc: number[]; ret: number; len: number }

/** Runs an episode per row; records each member's trace while it is active. */
function runBatch(def: EnvDefinition, size: number, seed: number, episode: number, firstMember: number, compact: boolean): Trace[] {
  const env = new BatchEnv(def, size);
  env.reset(seed, episode, firstMember);
  const traces: Trace[] = Array.from({ length: size }, (_, i) => ({
    obs: [Array.from(env.obs.subarray(i * env.obsDim, (i + 1) * env.obsDim))], reward: [], term: [], trunc: [], ret: 0, len: 0,
  }));
  const d = env.actionDim;
  const full = new Float64Array(size * d);
  const packed = new Float64Array(size * d);
  for (let t = 0; !env.done; t++) {
    const stepping = Array.from(env.active.subarray(0, env.activeCount));
    stepping.forEach((i, j) => {
      actionFor(def, firstMember + i, t, full, i * d);
      actionFor(def, firstMember + i, t, packed, j * d);
    });
    if (compact) env.stepActive(packed);
    else env.step(full);
    for (const i of stepping) {
      const tr = traces[i];
      tr.obs.push(Array.from(env.obs.subarray(i * env.obsDim, (i + 1) * env.obsDim)));
      tr.reward.push(env.reward[i]);
      tr.term.push(env.terminated[i]);
      tr.trunc.push(env.truncated[i]);
    }
  }
  traces.forEach((tr, i) => { tr.ret = env.episodeReturn[i]; tr.len = env.episodeLength[i]; });
  return traces;
}

test('batched stepping equals stepping each member alone, bit for bit, for every environment', () => {
  for (const id of envIds()) {
    const def = resolveEnv(id);
    const n = 6;
    const batch = runBatch(def, n, 42, 3, 0, false);
    // CartPole under these actions ends at different steps per member, so members drop out mid-batch.
    if (id === 'CartPole-v1') assert.ok(new Set(batch.map((t) => t.len)).size > 1, 'members finish at different steps');
    for (let m = 0; m < n; m++) {
      const alone = runBatch(def, 1, 42, 3, m, false)[0];
      assert.deepEqual(batch[m], alone, `${id} member ${m}`);
      assert.equal(batch[m].len, batch[m].reward.length);
    }
    // A different batch composition (members 2..5 only, passed as compacted actions) changes nothing.
    const part = runBatch(def, 4, 42, 3, 2, true);
    for (let k = 0; k < 4; k++) assert.deepEqual(part[k], batch[2 + k], `${id} member ${2 + k} in a partial batch`);
  }
});

test('finished members leave the active list, stop changing, and report reward 0 afterwards', () => {
  const env = makeEnv('CartPole-v1', 3);
  env.reset(0, 0);
  // Member 1 starts past the angle limit's edge and falls on the first step; the others are balanced.
  env.state.set([0, 0, 0], 0);
  env.state.set([0, 0, 0], 3);
  env.state.set([0, 0.3, 0], 6);
  env.state.set([0, 5, 0], 9);
  env.step([1, 1, 0]);
  assert.deepEqual(Array.from(env.terminated), [0, 1, 0]);
  assert.equal(env.activeCount, 2);
  assert.deepEqual(Array.from(env.active.subarray(0, 2)), [0, 2]);
  const frozen = [env.state[1], env.state[4], env.state[7], env.state[10]];
  const obs1 = Array.from(env.obs.subarray(4, 8));
  env.step([1, 1, 0]);
  assert.deepEqual([env.state[1], env.state[4], env.state[7], env.state[10]], frozen);
  assert.deepEqual(Array.from(env.obs.subarray(4, 8)), obs1);
  assert.deepEqual(Array.from(env.reward), [1, 0, 1]);
  assert.deepEqual(Array.from(env.episodeLength), [2, 1, 2]);
  assert.deepEqual(Array.from(env.episodeReturn), [2, 1, 2]);
  // A finished member's row of actions is ignored, even if invalid.
  env.step([1, 7, 0]);
  const out = new Float32Array(12);
  assert.equal(env.gatherActiveObs(out), 2);
  assert.deepEqual(Array.from(out.subarray(0, 4)), Array.from(env.obs.subarray(0, 4)));
  assert.deepEqual(Array.from(out.subarray(4, 8)), Array.from(env.obs.subarray(8, 12)));
});

test('a terminal step at the step limit is both terminated and truncated (Gymnasium TimeLimit)', () => {
  // A 3-step environment that terminates at step 3 (when its counter reaches 3).
  const countdown: EnvDefinition = {
    id: 'Countdown-test', description: 'test', maxSteps: 3, rewardThreshold: null, solvedThreshold: 0,
    observationSpace: { kind: 'box', dim: 1, low: [0], high: [3] }, actionSpace: { kind: 'discrete', n: 1 },
    stateDim: 1, resetUniforms: 0,
    reset(s, n, i) { s[i] = 0; },
    step(s, n, active, count, actions, reward, terminated) {
      for (let j = 0; j < count; j++) { const i = active[j]; s[i] += 1; reward[i] = s[i]; terminated[i] = s[i] >= 3 ? 1 : 0; }
    },
    observe(s, n, i, obs, o) { obs[o] = s[i]; },
  };
  const env = new BatchEnv(countdown, 2);
  env.reset(0, 0);
  env.step([0, 0]);
  env.step([0, 0]);
  assert.equal(env.activeCount, 2);
  env.step([0, 0]);
  assert.deepEqual(Array.from(env.terminated), [1, 1]);
  assert.deepEqual(Array.from(env.truncated), [1, 1]);
  assert.deepEqual(Array.from(env.episodeReturn), [6, 6]);
  assert.equal(env.done, true);
});

test('invalid actions are rejected with a message naming the allowed values', () => {
  const cp = makeEnv('cartpole', 2);
  cp.reset(0, 0);
  assert.throws(() => cp.step([1, 2]), /CartPole-v1: action of member 1 is 2; allowed: integers 0 … 1/);
  assert.throws(() => cp.step([0.5, 1]), /action of member 0 is 0.5/);
  assert.throws(() => cp.step([1]), /expected 2 actions/);
  const pd = makeEnv('pendulum', 1);
  pd.reset(0, 0);
  assert.throws(() => pd.step([NaN]), /must be finite/);
  pd.step([100]); // out of range but finite: clipped by the environment, as in Gymnasium
  assert.equal(pd.activeCount, 1);
});

// ---------------------------------------------------------------- resets

test('resets are reproducible, depend only on (seed, member, episode), and lie in Gymnasium\'s ranges', () => {
  const ranges: Record<string, [number, number][]> = {
    'CartPole-v1': [[-0.05, 0.05], [-0.05, 0.05], [-0.05, 0.05], [-0.05, 0.05]],
    'Pendulum-v1': [[-Math.PI, Math.PI], [-1, 1]],
    'Acrobot-v1': [[-0.1, 0.1], [-0.1, 0.1], [-0.1, 0.1], [-0.1, 0.1]],
    'MountainCar-v0': [[-0.6, -0.4], [0, 0]],
    'MountainCarContinuous-v0': [[-0.6, -0.4], [0, 0]],
  };
  const n = 4000;
  // The classic-control starts; LunarLander's (terrain, initial force) are checked in lunar-lander.test.ts.
  for (const id of Object.keys(ranges)) {
    const def = resolveEnv(id);
    const a = new BatchEnv(def, n);
    a.reset(7, 2);
    const b = new BatchEnv(def, n);
    b.reset(7, 2);
    assert.deepEqual(a.state, b.state, `${id}: same seed, same start`);
    b.reset(7, 3);
    assert.notDeepEqual(a.state, b.state, `${id}: another episode, another start`);
    b.reset(8, 2);
    assert.notDeepEqual(a.state, b.state, `${id}: another seed, another start`);
    // Member m of a batch starting at member 100 equals row 100 + m of the full batch.
    const c = new BatchEnv(def, 10);
    c.reset(7, 2, 100);
    for (let k = 0; k < def.stateDim; k++) for (let m = 0; m < 10; m++) assert.equal(c.state[k * 10 + m], a.state[k * n + 100 + m]);
    // Ranges, and that samples fill them (uniform: min/max near the ends, mean near the middle).
    ranges[id].forEach(([lo, hi], k) => {
      const col = a.state.subarray(k * n, (k + 1) * n);
      let mn = Infinity, mx = -Infinity, sum = 0;
      for (const v of col) { mn = Math.min(mn, v); mx = Math.max(mx, v); sum += v; }
      assert.ok(mn >= Math.fround(lo) && mx <= Math.fround(hi) + 1e-9, `${id}[${k}] in [${lo}, ${hi}]: ${mn} … ${mx}`);
      if (hi > lo) {
        const w = hi - lo;
        assert.ok(mn < lo + 0.005 * w && mx > hi - 0.005 * w, `${id}[${k}] covers its range: ${mn} … ${mx}`);
        assert.ok(Math.abs(sum / n - (lo + hi) / 2) < 0.02 * w, `${id}[${k}] mean ${sum / n}`);
      }
    });
    for (let i = 0; i < n; i++) assert.equal(a.episodeLength[i], 0);
  }
  // Acrobot's start state is float32, as Gymnasium casts it.
  const ac = makeEnv('acrobot', 50);
  ac.reset(1, 0);
  for (const v of ac.state) assert.equal(v, Math.fround(v));
});

test('resetEach batches several episodes of each member and matches plain resets', () => {
  const env = makeEnv('cartpole', 6);
  env.resetEach(11, [0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2]);
  const one = makeEnv('cartpole', 1);
  [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]].forEach(([m, e], row) => {
    one.reset(11, e, m);
    for (let k = 0; k < 4; k++) assert.equal(env.state[k * 6 + row], one.state[k]);
  });
  assert.throws(() => env.resetEach(11, [0], [0]), /need 6 entries/);
});

// ---------------------------------------------------------------- registry

test('registry: ids, aliases, spaces, limits, and errors', () => {
  assert.deepEqual(envIds(), ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1', 'LunarLander-v3', 'LunarLanderContinuous-v3', 'BipedalWalker-v3', 'BipedalWalkerHardcore-v3']);
  const aliases: Record<string, string> = {
    cartpole: 'CartPole-v1', pendulum: 'Pendulum-v1', acrobot: 'Acrobot-v1', mountaincar: 'MountainCar-v0', 'mountaincar-continuous': 'MountainCarContinuous-v0',
    lunarlander: 'LunarLander-v3', 'lunarlander-continuous': 'LunarLanderContinuous-v3',
    bipedalwalker: 'BipedalWalker-v3', 'bipedalwalker-hardcore': 'BipedalWalkerHardcore-v3',
  };
  for (const [alias, id] of Object.entries(aliases)) assert.equal(ENVIRONMENTS[alias], ENVIRONMENTS[id]);
  const spec = (id: string) => {
    const d = resolveEnv(id);
    return [d.observationSpace.dim, d.actionSpace.kind === 'discrete' ? `d${d.actionSpace.n}` : `c${d.actionSpace.dim}`, d.maxSteps, d.rewardThreshold];
  };
  assert.deepEqual(spec('CartPole-v1'), [4, 'd2', 500, 475]);
  assert.deepEqual(spec('Acrobot-v1'), [6, 'd3', 500, -100]);
  assert.deepEqual(spec('MountainCar-v0'), [2, 'd3', 200, -110]);
  assert.deepEqual(spec('MountainCarContinuous-v0'), [2, 'c1', 999, 90]);
  assert.deepEqual(spec('Pendulum-v1'), [3, 'c1', 200, null]);
  assert.deepEqual(spec('LunarLander-v3'), [8, 'd4', 1000, 200]);
  assert.deepEqual(spec('LunarLanderContinuous-v3'), [8, 'c2', 1000, 200]);
  assert.deepEqual(spec('BipedalWalker-v3'), [24, 'c4', 1600, 300]);
  assert.deepEqual(spec('BipedalWalkerHardcore-v3'), [24, 'c4', 2000, 300]);
  assert.deepEqual(resolveEnv('pendulum').actionSpace, { kind: 'box', dim: 1, low: [-2], high: [2] });
  assert.equal(resolveEnv('CARTPOLE'), resolveEnv('CartPole-v1'));
  assert.equal(resolveEnv('pendulum-v1'), resolveEnv('Pendulum-v1'));
  assert.equal(describeSpace(resolveEnv('acrobot').actionSpace), 'Discrete(3)');
  assert.equal(describeSpace(resolveEnv('mountaincar').observationSpace), 'Box(2) [-1.2, 0.6] × [-0.07, 0.07]');
  assert.equal(describeSpace(resolveEnv('cartpole').observationSpace), 'Box(4) [-4.8, 4.8] × [-inf, inf] × [-0.4189, 0.4189] × [-inf, inf]');
  assert.throws(() => resolveEnv('cartpol'), /unknown environment 'cartpol'; allowed: CartPole-v1 \(cartpole\), Acrobot-v1/);
  assert.throws(() => resolveEnv('toString'), /unknown environment/);
  assert.throws(() => registerEnv(resolveEnv('cartpole')), /already registered/);
  assert.throws(() => registerEnv({ ...resolveEnv('cartpole'), id: 'Bad-v0', aliases: [], maxSteps: 0 }), /maxSteps must be a positive integer/);
  assert.throws(() => new BatchEnv(resolveEnv('cartpole'), 0), /positive integer/);
});

test('the custom environment example registers, runs and truncates as documented', () => {
  registerEnv(pointMass);
  assert.equal(resolveEnv('point-mass'), pointMass);
  const env = makeEnv('PointMass-v0', 2);
  env.reset(1, 0);
  // Member 0 pushes towards the target, member 1 away from it (and is held at the wall).
  let steps = 0;
  while (!env.done) {
    env.step([env.state[0] < 0 ? 1 : -1, env.state[1] >= 0 ? 1 : -1]);
    steps++;
  }
  assert.ok(env.terminated[0] === 1, 'steering towards 0 reaches the target');
  assert.ok(env.episodeLength[0] < pointMass.maxSteps);
  assert.equal(env.truncated[1], 1);
  assert.equal(env.episodeLength[1], pointMass.maxSteps);
  assert.equal(steps, pointMass.maxSteps);
});
