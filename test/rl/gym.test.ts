/**
 * The Gymnasium-shaped API (src/rl/gym): shapes of reset/step, next-step autoreset of the vector env,
 * the classic-control constructor and reset options with Gymnasium's defaults, spaces, determinism by
 * seed, and bit-for-bit agreement with the batched environments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchEnv, BUILTIN_ENVS, cartPole, makeAcrobot, pendulum, registerEnv, resolveEnv, type EnvDefinition } from '../../src/rl/envs/index.js';
import { acrobotDerivs } from '../../src/rl/envs/acrobot.js';
import { gym } from '../../src/index.js';

const { make, makeVec, Box, Discrete, MultiDiscrete } = gym;

const bits = (a: Float32Array | Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** Deterministic actions for any env: a seeded sample of its action space. */
function actionSampler(env: gym.Env, seed: number): () => number | Float32Array {
  env.actionSpace.seed(seed);
  return () => env.actionSpace.sample();
}

test('reset and step return Gymnasium-shaped results', () => {
  const env = make('CartPole-v1');
  assert.equal(env.spec.id, 'CartPole-v1');
  assert.equal(env.spec.maxEpisodeSteps, 500);
  assert.deepEqual(env.spec.kwargs, { sutton_barto_reward: false });
  const { obs, info } = env.reset({ seed: 1 });
  assert.ok(obs instanceof Float32Array);
  assert.equal(obs.length, 4);
  assert.deepEqual(info, {});
  assert.ok(env.observationSpace.contains(obs));
  const r = env.step(1);
  assert.deepEqual(Object.keys(r).sort(), ['info', 'obs', 'reward', 'terminated', 'truncated']);
  assert.equal(typeof r.reward, 'number');
  assert.equal(typeof r.terminated, 'boolean');
  assert.equal(typeof r.truncated, 'boolean');
  assert.equal(r.obs.length, 4);
  assert.equal(r.reward, 1);
  assert.ok(env.actionSpace instanceof Discrete);
  assert.equal(String(env.actionSpace), 'Discrete(2)');
  const p = make('pendulum');
  assert.ok(p.actionSpace instanceof Box);
  p.reset({ seed: 0 });
  assert.equal(p.step([0.5]).obs.length, 3);
  assert.equal(p.step(0.5).obs.length, 3, 'a bare number is accepted for a one-value action');
  assert.throws(() => p.step([0.5, 1]), /expected 1 action values/);
  assert.throws(() => env.step([1]), /integer action/);
});

test('step before reset and after the episode ended throw; reset starts again', () => {
  const env = make('CartPole-v1', { max_episode_steps: 3 });
  assert.throws(() => env.step(0), /call reset\(\) before step\(\)/);
  env.reset({ seed: 0 });
  env.step(0);
  env.step(0);
  const last = env.step(0);
  assert.equal(last.truncated, true);
  assert.throws(() => env.step(0), /episode has ended/);
  env.reset();
  assert.equal(env.step(0).truncated, false);
  assert.throws(() => env.step(2), /allowed: integers 0 … 1/);
});

test('the same seed gives the same episodes; an unseeded reset starts the next episode of the stream', () => {
  const run = (seed: number) => {
    const env = make('Acrobot-v1');
    const act = actionSampler(env, 9);
    const out: number[] = [];
    for (let ep = 0; ep < 2; ep++) {
      out.push(...bits(env.reset(ep === 0 ? { seed } : {}).obs));
      for (let t = 0; t < 20; t++) out.push(...bits(env.step(act()).obs));
    }
    return out;
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
  // Episode k of a seeded env is episode k of member 0's reset stream, as a BatchEnv row draws it.
  const env = make('CartPole-v1');
  const first = env.reset({ seed: 11 }).obs;
  const second = env.reset().obs;
  const batch = new BatchEnv(cartPole, 1);
  batch.resetEach(11, [0], [0]);
  assert.deepEqual(bits(first), bits(batch.obs));
  batch.resetEach(11, [0], [1]);
  assert.deepEqual(bits(second), bits(batch.obs));
  assert.throws(() => env.reset({ seed: -1 }), /non-negative integer/);
  assert.throws(() => env.reset({ seed: 1.5 }), /non-negative integer/);
});

test('a single env stepped with the same actions matches the batched env bit for bit, for every environment', () => {
  for (const base of BUILTIN_ENVS) {
    const env = make(base.id, { max_episode_steps: 60 });
    const act = actionSampler(env, 3);
    const batch = new BatchEnv({ ...base, maxSteps: 60 }, 1);
    const { obs } = env.reset({ seed: 5 });
    batch.reset(5, 0);
    assert.deepEqual(bits(obs), bits(batch.obs), `${base.id} reset`);
    for (let t = 0; t < 60; t++) {
      const a = act();
      const r = env.step(a);
      batch.step(typeof a === 'number' ? [a] : a);
      assert.deepEqual(bits(r.obs), bits(batch.obs), `${base.id} step ${t} obs`);
      assert.ok(Object.is(r.reward, batch.reward[0]), `${base.id} step ${t} reward`);
      assert.equal(r.terminated, batch.terminated[0] === 1);
      assert.equal(r.truncated, batch.truncated[0] === 1);
      if (r.terminated || r.truncated) break;
    }
  }
});

test('the vector env equals a BatchEnv of the same size until the first episode ends, member by member', () => {
  const n = 5;
  const vec = makeVec('MountainCarContinuous-v0', n);
  vec.actionSpace.seed(4);
  const batch = new BatchEnv(resolveEnv('MountainCarContinuous-v0'), n);
  const { obs } = vec.reset({ seed: 21 });
  batch.reset(21, 0);
  assert.deepEqual(bits(obs), bits(batch.obs));
  for (let t = 0; t < 40; t++) {
    const a = vec.actionSpace.sample() as Float32Array;
    const r = vec.step(a);
    batch.step(a);
    assert.deepEqual(bits(r.obs), bits(batch.obs), `step ${t}`);
    assert.deepEqual(bits(r.reward), bits(batch.reward));
  }
});

test('next-step autoreset: the step after a terminal step returns the reset observation, reward 0, not done', () => {
  const n = 3;
  const seed = 2;
  const vec = makeVec('CartPole-v1', n);
  assert.equal(vec.autoresetMode, 'next_step');
  assert.ok(vec.actionSpace instanceof MultiDiscrete);
  assert.deepEqual(vec.observationSpace.shape, [n, 4]);
  vec.reset({ seed });
  // Always pushing right topples every pole within a few dozen steps.
  const push = new Array<number>(n).fill(1);
  let ended = -1;
  let endObs: Float32Array | undefined;
  for (let t = 0; t < 200 && ended < 0; t++) {
    const r = vec.step(push);
    for (let i = 0; i < n; i++) {
      if (r.terminated[i]) {
        ended = i;
        endObs = r.obs.slice(4 * i, 4 * i + 4);
        assert.equal(r.reward[i], 1, 'the terminal step is rewarded');
        assert.equal(r.truncated[i], 0);
        break;
      }
    }
  }
  assert.ok(ended >= 0, 'an episode terminated');
  // The terminal step reported the final (out-of-bounds) observation, not a reset one.
  assert.ok(Math.abs(endObs![0]) > 2.4 || Math.abs(endObs![2]) > (12 * 2 * Math.PI) / 360);
  const next = vec.step(push);
  const reset = new BatchEnv(cartPole, 1);
  reset.resetEach(seed, [ended], [1]); // member `ended`'s second episode
  assert.deepEqual(bits(next.obs.slice(4 * ended, 4 * ended + 4)), bits(reset.obs));
  assert.equal(next.reward[ended], 0);
  assert.equal(next.terminated[ended], 0);
  assert.equal(next.truncated[ended], 0);
  // …and the step after that steps the new episode normally.
  const after = vec.step(push);
  assert.equal(after.reward[ended], 1);
  assert.throws(() => vec.step([1, 1]), /expected 3 actions/);
});

test('next-step autoreset after truncation: every sub-env resets on the following step', () => {
  const vec = makeVec('Pendulum-v1', 2, { max_episode_steps: 4 });
  vec.reset({ seed: 0 });
  let r;
  for (let t = 0; t < 4; t++) r = vec.step([0, 0]);
  assert.deepEqual(Array.from(r!.truncated), [1, 1]);
  assert.deepEqual(Array.from(r!.terminated), [0, 0]);
  const next = vec.step([2, 2]);
  assert.deepEqual(Array.from(next.reward), [0, 0]);
  assert.deepEqual(Array.from(next.truncated), [0, 0]);
  const b = new BatchEnv(pendulum, 2);
  b.resetEach(0, [0, 1], [1, 1]);
  assert.deepEqual(bits(next.obs), bits(b.obs));
});

test('CartPole sutton_barto_reward: 0 per step and −1 on termination; default +1 on every step', () => {
  const rewards = (kwargs: Record<string, unknown>) => {
    const env = make('CartPole-v1', kwargs);
    env.reset({ seed: 3 });
    const out: number[] = [];
    for (;;) {
      const r = env.step(1);
      out.push(r.reward);
      if (r.terminated || r.truncated) return { out, terminated: r.terminated };
    }
  };
  const sb = rewards({ sutton_barto_reward: true });
  const plain = rewards({});
  assert.ok(sb.terminated && plain.terminated);
  assert.equal(sb.out.length, plain.out.length, 'the reward does not change the dynamics');
  assert.deepEqual(sb.out, [...new Array(sb.out.length - 1).fill(0), -1]);
  assert.deepEqual(plain.out, new Array(plain.out.length).fill(1));
});

test('Pendulum g: the default is 10 (bit-identical to Pendulum-v1); g = 0 leaves the speed unchanged without torque', () => {
  const traj = (kwargs: Record<string, unknown>) => {
    const env = make('Pendulum-v1', kwargs);
    const out = [...bits(env.reset({ seed: 6 }).obs)];
    for (let t = 0; t < 10; t++) out.push(...bits(env.step([0]).obs));
    return out;
  };
  assert.deepEqual(traj({ g: 10 }), traj({}));
  assert.notDeepEqual(traj({ g: 9.81 }), traj({}));
  const env = make('Pendulum-v1', { g: 0 });
  const { obs } = env.reset({ seed: 6 });
  const r = env.step([0]);
  assert.equal(r.obs[2], obs[2], 'θ̇ unchanged when nothing pulls');
  assert.throws(() => make('Pendulum-v1', { g: 'ten' }), /'g'.*allowed keywords: g, max_episode_steps/);
});

test('MountainCar goal_velocity: reaching the goal too slowly does not terminate', () => {
  for (const id of ['MountainCar-v0', 'MountainCarContinuous-v0']) {
    const arrive = (kwargs: Record<string, unknown>) => {
      const env = make(id, kwargs);
      env.reset({ seed: 0 });
      env.batch.state[0] = 0.49; // position, just below both goals
      env.batch.state[1] = 0.02; // velocity
      return env.step(id === 'MountainCar-v0' ? 2 : [1]);
    };
    const plain = arrive({});
    assert.ok(plain.obs[0] >= 0.5 && plain.obs[1] > 0.02 && plain.obs[1] < 0.03, `${id}: ${plain.obs}`);
    assert.equal(plain.terminated, true, `${id} default goal_velocity 0`);
    assert.equal(arrive({ goal_velocity: 0.03 }).terminated, false, `${id} goal_velocity 0.03`);
    assert.equal(arrive({ goal_velocity: 0.02 }).terminated, true);
  }
});

test('Acrobot book_or_nips: book is the default; nips drops the θ̇₁² sin θ₂ term', () => {
  const traj = (kwargs: Record<string, unknown>) => {
    const env = make('Acrobot-v1', kwargs);
    const out = [...bits(env.reset({ seed: 1 }).obs)];
    for (let t = 0; t < 15; t++) out.push(...bits(env.step(t % 3).obs));
    return out;
  };
  assert.deepEqual(traj({ book_or_nips: 'book' }), traj({}));
  assert.notDeepEqual(traj({ book_or_nips: 'nips' }), traj({}));
  const book = new Float64Array(4);
  const nips = new Float64Array(4);
  acrobotDerivs(0.3, 0.7, 1.5, -0.4, 1, book);
  acrobotDerivs(0.3, 0.7, 1.5, -0.4, 1, nips, true);
  // NIPS: θ̈₂ = (a + d2/d1·φ1 − φ2)/(m2·lc2² + I2 − d2²/d1); book subtracts m2·l1·lc2·θ̇₁²·sin θ₂ more in the numerator.
  const d1 = 0.25 + (1 + 0.25 + Math.cos(0.7)) + 2;
  const d2 = 0.25 + 0.5 * Math.cos(0.7) + 1;
  const denom = 0.25 + 1 - (d2 * d2) / d1;
  const extra = (0.5 * 1.5 * 1.5 * Math.sin(0.7)) / denom;
  assert.ok(Math.abs(nips[3] - book[3] - extra) < 1e-12, `θ̈₂ differs by ${nips[3] - book[3]}, expected ${extra}`);
  assert.throws(() => makeAcrobot({ bookOrNips: 'paper' as 'book' }), /book_or_nips/);
  assert.throws(() => make('Acrobot-v1', { book_or_nips: 'paper' }), /'book_or_nips'/);
});

test('reset options: low/high (Pendulum: x_init/y_init) apply to that reset only; defaults equal no options', () => {
  const env = make('CartPole-v1');
  for (let k = 0; k < 20; k++) {
    const { obs } = env.reset({ seed: k, options: { low: -0.2, high: -0.1 } });
    for (const v of obs) assert.ok(v >= Math.fround(-0.2) && v <= Math.fround(-0.1), `${v}`);
  }
  const after = env.reset().obs;
  for (const v of after) assert.ok(Math.abs(v) <= 0.05);
  // Options equal to the defaults give the same bits as none, for every environment.
  const defaults: Record<string, Record<string, number>> = {
    'CartPole-v1': { low: -0.05, high: 0.05 }, 'Acrobot-v1': { low: -0.1, high: 0.1 },
    'MountainCar-v0': { low: -0.6, high: -0.4 }, 'MountainCarContinuous-v0': { low: -0.6, high: -0.4 },
    'Pendulum-v1': { x_init: Math.PI, y_init: 1 },
  };
  for (const def of BUILTIN_ENVS) {
    const a = make(def.id).reset({ seed: 4, options: defaults[def.id] }).obs;
    const b = make(def.id).reset({ seed: 4 }).obs;
    assert.deepEqual(bits(a), bits(b), def.id);
  }
  const p = make('Pendulum-v1');
  for (let k = 0; k < 20; k++) {
    p.reset({ seed: k, options: { x_init: 0.1, y_init: 0.2 } });
    assert.ok(Math.abs(p.batch.state[0]) <= 0.1 && Math.abs(p.batch.state[1]) <= 0.2);
  }
  const mc = make('MountainCar-v0');
  for (let k = 0; k < 20; k++) {
    const { obs } = mc.reset({ seed: k, options: { low: 0.1, high: 0.2 } });
    assert.ok(obs[0] >= Math.fround(0.1) && obs[0] <= Math.fround(0.2) && obs[1] === 0);
  }
  assert.throws(() => env.reset({ options: { low: 0.1, high: -0.1 } }), /low \(0\.1\) must not exceed high \(-0\.1\)/);
  assert.throws(() => env.reset({ options: { lo: 0.1 } }), /unknown reset option 'lo'; allowed: low, high/);
  assert.throws(() => env.reset({ options: { low: '0.1' } }), /'low' must be a finite number/);
  assert.throws(() => p.reset({ options: { low: 0 } }), /allowed: x_init, y_init/);
  // The batched env takes the same bounds.
  const b = new BatchEnv(cartPole, 4);
  b.resetBounds = cartPole.resetBounds!({ low: 0.3, high: 0.4 });
  b.reset(0, 0);
  for (const v of b.state) assert.ok(v >= 0.3 && v < 0.4);
});

test('constructor keywords are validated, with the allowed ones named', () => {
  assert.throws(() => make('CartPole-v1', { sutton_barto_reward: 1 }), /'sutton_barto_reward'.*allowed keywords: sutton_barto_reward, max_episode_steps/);
  assert.throws(() => make('CartPole-v1', { gravity: 1 }), /allowed keywords/);
  assert.throws(() => make('CartPole-v1', { max_episode_steps: 0 }), /max_episode_steps/);
  assert.throws(() => make('nope'), /unknown environment 'nope'/);
  assert.equal(make('cartpole', { max_episode_steps: 7 }).spec.maxEpisodeSteps, 7);
  assert.throws(() => makeVec('CartPole-v1', 0), /numEnvs/);
  // A custom environment takes only max_episode_steps, and no reset options unless it parses them.
  const custom: EnvDefinition = { ...cartPole, id: 'Custom-v0', aliases: [], resetBounds: undefined };
  registerEnv(custom);
  assert.throws(() => make('Custom-v0', { sutton_barto_reward: true }), /allowed keywords: max_episode_steps/);
  const env = make('Custom-v0', { max_episode_steps: 2 });
  assert.throws(() => env.reset({ options: { low: 0 } }), /Custom-v0 takes no reset options/);
  env.reset({ seed: 0 });
  env.step(0);
  assert.equal(env.step(0).truncated, true);
});

test('spaces: sample lies inside, contains follows Gymnasium\'s rules, seeding makes samples reproducible', () => {
  const d = new Discrete(3);
  d.seed(1);
  const s1 = Array.from({ length: 50 }, () => d.sample());
  d.seed(1);
  assert.deepEqual(Array.from({ length: 50 }, () => d.sample()), s1);
  assert.ok(s1.every((v) => d.contains(v)));
  assert.deepEqual(new Set(s1), new Set([0, 1, 2]));
  assert.equal(d.contains(3), false);
  assert.equal(d.contains(-1), false);
  assert.equal(d.contains(1.5), false);
  assert.equal(d.contains('1'), false);
  const shifted = new Discrete(2, 5);
  assert.ok(shifted.contains(5) && shifted.contains(6) && !shifted.contains(0));
  assert.equal(String(shifted), 'Discrete(2, start=5)');

  const box = new Box([-1, 0, -Infinity, -Infinity], [1, Infinity, 2, Infinity]);
  box.seed(2);
  for (let k = 0; k < 200; k++) {
    const x = box.sample();
    assert.ok(box.contains(x), `${x}`);
    assert.ok(x.every(Number.isFinite));
  }
  assert.equal(box.contains([0, 0, 0]), false, 'wrong length');
  assert.equal(box.contains([2, 0, 0, 0]), false, 'above high');
  assert.equal(box.contains([0, -1e-3, 0, 0]), false, 'below low');
  assert.equal(box.contains([0, 0, NaN, 0]), false);
  assert.equal(box.contains(0), false);
  assert.equal(box.contains([1, 0, 2, 1e30]), true, 'bounds are inclusive');
  // Rounding to float32 first, as Gymnasium casts to the dtype: 1 + 1e-9 is 1 in float32.
  assert.equal(box.contains([1 + 1e-9, 0, 0, 0]), true);
  assert.throws(() => new Box([1], [0]), /exceeds/);

  const md = new MultiDiscrete([2, 3]);
  md.seed(0);
  for (let k = 0; k < 20; k++) assert.ok(md.contains(md.sample()));
  assert.equal(md.contains([1, 3]), false);
  assert.equal(md.contains([1]), false);

  const env = make('CartPole-v1');
  for (let k = 0; k < 20; k++) assert.ok(env.observationSpace.contains(env.observationSpace.sample()));
});
