import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centeredRanks, zscore, groupNormalize, pairSign, sanitizeFitness } from '../../src/es/shaping.js';
import { applyUpdate, finishStep, initOptimizerState } from '../../src/es/optim.js';
import { scheduleValue, decaying } from '../../src/es/schedule.js';

test('centered ranks: spread over [−0.5, 0.5], ties share their average rank', () => {
  assert.deepEqual(Array.from(centeredRanks(Float64Array.from([10, -1, 3]))), [0.5, -0.5, 0]);
  assert.deepEqual(Array.from(centeredRanks(Float64Array.from([2, 2, 1, 3]))), [1.5 / 3 - 0.5, 1.5 / 3 - 0.5, -0.5, 0.5]);
});

test('z-score has mean 0 and unit variance; group normalisation uses group means and the global std', () => {
  const f = Float64Array.from([1, 2, 3, 10, 20, 30]);
  const z = zscore(f);
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const v = z.reduce((a, b) => a + b * b, 0) / z.length;
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(v - 1) < 1e-5);
  const g = groupNormalize(f, 3);
  let gv = 0; const gm = f.reduce((a, b) => a + b, 0) / 6;
  for (const x of f) gv += (x - gm) ** 2;
  const sd = Math.sqrt(gv / 6 + 1e-5);
  assert.deepEqual(Array.from(g).map((x) => +x.toFixed(12)), [-1 / sd, 0, 1 / sd, -10 / sd, 0, 10 / sd].map((x) => +x.toFixed(12)));
  assert.throws(() => groupNormalize(f, 4), /not divisible/);
});

test('pair sign gives ±sign(f⁺ − f⁻) per pair', () => {
  assert.deepEqual(Array.from(pairSign(Float64Array.from([3, 1, 0, 2, 5, 5]))), [1, -1, -1, 1, 0, -0]);
});

test('non-finite fitness becomes the worst finite value', () => {
  const f = Float64Array.from([NaN, 4, -2, Infinity]);
  assert.equal(sanitizeFitness(f), 2);
  assert.deepEqual(Array.from(f), [-2, 4, -2, -2]);
});

test('SGD with momentum and Adam match hand-computed steps', () => {
  const theta = Float32Array.from([1, -1]);
  const g = Float32Array.from([0.5, -2]);
  const sgd = initOptimizerState({ kind: 'sgd', momentum: 0.9 }, [2]);
  applyUpdate({ kind: 'sgd', momentum: 0.9 }, sgd, 0, theta, g, 0.1); finishStep(sgd);
  applyUpdate({ kind: 'sgd', momentum: 0.9 }, sgd, 0, theta, g, 0.1); finishStep(sgd);
  // v1 = g, v2 = 1.9 g; θ = θ0 + 0.1·(g + 1.9 g) = θ0 + 0.29 g
  assert.ok(Math.abs(theta[0] - (1 + 0.29 * 0.5)) < 1e-6 && Math.abs(theta[1] - (-1 - 0.29 * 2)) < 1e-6);

  const th = Float32Array.from([0.5]);
  const adam = initOptimizerState({ kind: 'adamw', weightDecay: 0.1 }, [1]);
  applyUpdate({ kind: 'adamw', weightDecay: 0.1 }, adam, 0, th, Float32Array.from([3]), 0.01); finishStep(adam);
  // First Adam step moves by lr·sign(g) (bias-corrected m/√v = 1), minus lr·wd·θ.
  assert.ok(Math.abs(th[0] - (0.5 + 0.01 * (3 / (3 + 1e-8)) - 0.01 * 0.1 * 0.5)) < 1e-6, `${th[0]}`);
  assert.equal(adam.step, 1);
});

test('schedules: constant, exponential decay with floor, linear', () => {
  assert.equal(scheduleValue(0.3, 100), 0.3);
  assert.ok(Math.abs(scheduleValue({ kind: 'exp', value: 1, decay: 0.5 }, 3) - 0.125) < 1e-15);
  assert.equal(scheduleValue({ kind: 'exp', value: 1, decay: 0.5, min: 0.2 }, 3), 0.2);
  assert.equal(scheduleValue({ kind: 'linear', from: 1, to: 0, steps: 4 }, 1), 0.75);
  assert.equal(scheduleValue({ kind: 'linear', from: 1, to: 0, steps: 4 }, 9), 0);
});

test('decaying: a plain number at decay 1, an exponential schedule below it', () => {
  assert.equal(decaying(0.1, 1), 0.1);
  const s = decaying(0.1, 0.5);
  assert.deepEqual([0, 1, 2].map((t) => scheduleValue(s, t)), [0.1, 0.05, 0.025]);
});
