import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy, type Algo } from '../../src/es/strategy.js';
import { inference } from '../../src/es/population.js';
import type { Batch } from '../../src/nn/batch.js';
import { Mlp, mlpSpecs, initMlp, type MlpConfig } from '../../src/nn/mlp.js';
import { initNormal } from '../../src/es/noise.js';

const backend = jsBackend;

/** Regression of y = sin(2x₀) + x₁·x₂ with a small MLP; fitness = −MSE on a fixed batch. */
function regression(algo: Algo, seed: number, gens: number) {
  const cfg: MlpConfig = { sizes: [3, 16, 1], activation: 'tanh', bias: 'full' };
  const params = new ParamSet(mlpSpecs(cfg), backend);
  initMlp(params, seed);
  const pop = 64, batch = 32;
  const es = new EvolutionStrategy(params, backend, {
    algo, popSize: pop, rank: 2, sigma: 0.05, lr: 0.02, optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed,
  });
  const xs = new Float32Array(batch * 3); initNormal(seed + 1, 0, xs, 1);
  const ys = Float64Array.from({ length: batch }, (_, i) => Math.sin(2 * xs[i * 3]) + xs[i * 3 + 1] * xs[i * 3 + 2]);
  const mlp = new Mlp(cfg, backend, pop * batch);
  const X = new Float32Array(pop * batch * 3);
  for (let k = 0; k < pop; k++) X.set(xs, k * batch * 3);
  const mse = (rows: Batch, nMembers: number) => {
    const out = mlp.forward(rows, X);
    const f = new Float64Array(nMembers);
    for (let i = 0; i < rows.count; i++) f[Math.floor(i / batch)] -= (out[i] - ys[i % batch]) ** 2 / batch;
    return f;
  };
  const plain = inference(params, backend).unperturbed(batch);
  const initial = -mse(plain, 1)[0];
  for (let g = 0; g < gens; g++) es.tell(mse(es.ask().all(batch), pop));
  const final = -mse(plain, 1)[0];
  return { initial, final, params };
}

for (const algo of ['eggroll', 'openes'] as const) {
  test(`${algo} solves a small regression`, () => {
    const { initial, final } = regression(algo, 3, 150);
    console.log(`${algo} regression ${initial.toFixed(4)} -> ${final.toFixed(4)}`); assert.ok(final < 0.25 * initial, `${algo}: MSE ${initial.toFixed(4)} → ${final.toFixed(4)}`);
  });
}

/** A Rastrigin-like function of an 8×8 matrix, minimum 0 at W = 0; fitness = −f. */
function rastrigin(algo: Algo, seed: number) {
  const m = 8, n = 8, pop = 128;
  const params = new ParamSet([{ name: 'w', shape: [m, n], mode: 'lowrank' }], backend);
  for (let i = 0; i < m * n; i++) params.values[0][i] = 1.6 * Math.cos(i * 2.39996);
  const es = new EvolutionStrategy(params, backend, {
    algo, popSize: pop, rank: 4, sigma: { kind: 'exp', value: 0.8, decay: 0.985, min: 0.01 }, lr: 0.05,
    optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed,
  });
  // Each member's perturbed matrix is read through the noiser: rows = unit vectors give (W + σsE)ᵀ.
  const X = new Float32Array(pop * n * n);
  for (let k = 0; k < pop; k++) for (let j = 0; j < n; j++) X[(k * n + j) * n + j] = 1;
  const Y = new Float32Array(pop * n * m);
  const f = (v: ArrayLike<number>) => { let s = 0; for (let i = 0; i < v.length; i++) s += v[i] * v[i] - Math.cos(2 * Math.PI * v[i]) + 1; return s; };
  const start = f(params.values[0]);
  for (let g = 0; g < 300; g++) {
    es.ask().all(n).matmul(0, X, Y);
    const fit = new Float64Array(pop);
    for (let k = 0; k < pop; k++) fit[k] = -f(Y.subarray(k * n * m, (k + 1) * n * m));
    es.tell(fit);
  }
  return { start, end: f(params.values[0]), params };
}

for (const algo of ['eggroll', 'openes'] as const) {
  test(`${algo} solves a Rastrigin-like function; same seed gives bit-identical parameters`, () => {
    const a = rastrigin(algo, 11);
    console.log(`${algo} rastrigin ${a.start.toFixed(2)} -> ${a.end.toFixed(4)}`); assert.ok(a.end < 1.0, `${algo}: f ${a.start.toFixed(2)} → ${a.end.toFixed(4)}`);
    const b = rastrigin(algo, 11);
    assert.deepEqual(Buffer.from(a.params.values[0].buffer, a.params.values[0].byteOffset, 256), Buffer.from(b.params.values[0].buffer, b.params.values[0].byteOffset, 256));
  });
}
