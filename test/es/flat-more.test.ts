/**
 * Issue 31, the second set: PGPE with ClipUp (and Adam), ARS (V1 and V1-t), the box transformation, BIPOP restarts,
 * batched and integer evaluation in `optimize`. Each strategy's update against a plain re-computation of its
 * paper's equations on one generation, and each solving a problem it should.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pgpe, centeredRanks } from '../../src/es/flat/pgpe.js';
import { Ars } from '../../src/es/flat/ars.js';
import { boxTransform, mapOne } from '../../src/es/flat/bounds.js';
import { optimize } from '../../src/es/flat/optimize.js';

const sphere = (x: Float64Array) => { let s = 0; for (const v of x) s += v * v; return s; };
const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('centred ranks: lowest +½, highest −½, evenly between; NaN ranks last', () => {
  assert.deepEqual(Array.from(centeredRanks([3, 1, 2, NaN, 0])), [-0.25, 0.25, 0, -0.5, 0.5]);
  assert.deepEqual(Array.from(centeredRanks([7])), [0]);
});

test('PGPE: one generation against a plain re-computation (symmetric gradients, ClipUp, σ clamped to ±20 %)', () => {
  const x0 = [0.5, -1, 2];
  const es = new Pgpe(x0, 0.3, { popSize: 6, seed: 4, centerLearningRate: 0.05, maxSpeed: 0.08, stdevLearningRate: 0.1 });
  const xs = es.ask();
  // Candidate 2k = μ + ε_k, 2k + 1 = μ − ε_k.
  const eps = [0, 1, 2].map((k) => x0.map((m, i) => (xs[2 * k][i] - xs[2 * k + 1][i]) / 2));
  for (let k = 0; k < 3; k++) for (let i = 0; i < 3; i++) close((xs[2 * k][i] + xs[2 * k + 1][i]) / 2, x0[i], 'pair centre');
  const f = [3, 1, 0.5, 4, 2, 2.5];
  // Centred ranks by hand: order 0.5(2) 1(1) 2(4) 2.5(5) 3(0) 4(3) → +0.5, +0.3, +0.1, −0.1, −0.3, −0.5.
  const u = [-0.3, 0.3, 0.5, -0.5, 0.1, -0.1];
  const gMu = [0, 0, 0], gS = [0, 0, 0];
  for (let k = 0; k < 3; k++) for (let i = 0; i < 3; i++) {
    gMu[i] += ((u[2 * k] - u[2 * k + 1]) / 2) * eps[k][i] / 3;
    gS[i] += ((u[2 * k] + u[2 * k + 1]) / 2) * (eps[k][i] ** 2 - 0.09) / 0.3 / 3;
  }
  const norm = Math.hypot(...gMu);
  let v = gMu.map((g) => (0.05 * g) / norm); // ClipUp from zero velocity: α·g/‖g‖ …
  const speed = Math.hypot(...v);
  if (speed > 0.08) v = v.map((x) => (x * 0.08) / speed); // … within the speed limit
  const sigma = gS.map((g) => 0.3 + Math.max(-0.06, Math.min(0.06, 0.1 * g)));
  es.tell(f);
  for (let i = 0; i < 3; i++) {
    close(es.mean[i], x0[i] + v[i], `μ[${i}]`);
    close(es.sigmas[i], sigma[i], `σ[${i}]`);
  }
  assert.throws(() => es.tell(f), /ask\(\) first/);
  assert.throws(() => new Pgpe(x0, 0.3, { popSize: 5 }), /even integer/);
});

test('PGPE: ClipUp\'s speed limit binds (‖v‖ ≤ v_max) and Adam is its formula', () => {
  const es = new Pgpe([1, 1], 0.5, { popSize: 4, seed: 1, centerLearningRate: 10, maxSpeed: 0.01 });
  const m0 = Float64Array.from(es.mean);
  es.ask();
  es.tell([1, 2, 3, 4]);
  close(Math.hypot(es.mean[0] - m0[0], es.mean[1] - m0[1]), 0.01, 'step length at the limit');
  const adam = new Pgpe([0, 0], 0.5, { popSize: 4, seed: 2, optimizer: 'adam', centerLearningRate: 0.1 });
  const xs = adam.ask();
  const e = [0, 1].map((k) => [0, 1].map((i) => (xs[2 * k][i] - xs[2 * k + 1][i]) / 2));
  const u = Array.from(centeredRanks([1, 2, 0, 3]));
  const g = [0, 1].map((i) => (((u[0] - u[1]) / 2) * e[0][i] + ((u[2] - u[3]) / 2) * e[1][i]) / 2);
  adam.tell([1, 2, 0, 3]);
  // First Adam step: m̂ = g, v̂ = g², so the step is lr·g/(|g| + 1e-8).
  for (let i = 0; i < 2; i++) close(adam.mean[i], (0.1 * g[i]) / (Math.abs(g[i]) + 1e-8), `Adam μ[${i}]`, 1e-9);
});

test('ARS: V1 and V1-t (top b) steps against a plain re-computation of Mania et al. 2018, Algorithm 1', () => {
  for (const top of [3, 2]) {
    const x0 = [1, -2];
    const es = new Ars(x0, 0.1, { popSize: 6, seed: 9, learningRate: 0.5, topDirections: top });
    const xs = es.ask();
    const delta = [0, 1, 2].map((k) => x0.map((_, i) => (xs[2 * k][i] - xs[2 * k + 1][i]) / 0.2));
    const f = [4, 2, 1, 3, 6, 5];
    const r = f.map((v) => -v); // rewards
    // Directions by their better end: k=1 (max −1), k=0 (−2), k=2 (−5).
    const keep = [1, 0, 2].slice(0, top);
    const used = keep.flatMap((k) => [r[2 * k], r[2 * k + 1]]);
    const m = used.reduce((a, b) => a + b, 0) / used.length;
    const sd = Math.sqrt(used.reduce((a, b) => a + (b - m) ** 2, 0) / used.length);
    const want = x0.map((v, i) => v + (0.5 / (top * sd)) * keep.reduce((s, k) => s + (r[2 * k] - r[2 * k + 1]) * delta[k][i], 0));
    es.tell(f);
    for (let i = 0; i < 2; i++) close(es.mean[i], want[i], `top ${top}: θ[${i}]`, 1e-6);
  }
});

// PGPE with ClipUp and ARS take steps of a fixed length scale (v_max, α·σ_R-normalised): they are built for noisy RL
// returns, not for converging to 1e-8, so the sphere is asked only to fall from 10 to 1e-2.
test('PGPE and ARS through optimize: sphere in d = 10 falls from 10 below 1e-2; the same seed repeats bit for bit', async () => {
  const x0 = new Float64Array(10).fill(1);
  const p1 = await optimize(sphere, x0, { algo: 'pgpe', minimize: true, sigma0: 0.3, seed: 1, maxEvals: 20_000, target: 1e-2 });
  const p2 = await optimize(sphere, x0, { algo: 'pgpe', minimize: true, sigma0: 0.3, seed: 1, maxEvals: 20_000, target: 1e-2 });
  assert.equal(p1.stopReason, 'target', `PGPE reached ${p1.f}`);
  assert.deepEqual(p1.x, p2.x);
  const a = await optimize(sphere, x0, { algo: 'ars', minimize: true, sigma0: 0.05, seed: 1, maxEvals: 20_000, target: 1e-2, strategy: { learningRate: 0.05 } });
  assert.equal(a.stopReason, 'target', `ARS reached ${a.f}`);
});

test('the box transformation: identity inside, continuous and monotone in the margins, every image in the box, periodic reflection outside', () => {
  const [lb, ub] = [-1, 2];
  for (const x of [-0.5, 0, 1, 1.5]) assert.equal(mapOne(x, lb, ub), x);
  let prev = -Infinity;
  for (let x = -5; x <= 8; x += 0.001) {
    const y = mapOne(x, lb, ub);
    assert.ok(y >= lb && y <= ub, `${x} ↦ ${y}`);
    if (x >= lb - 0.1 && x <= ub + 0.15) { assert.ok(y >= prev - 1e-12, `not monotone at ${x}`); prev = y; } // [lb − a_l, ub + a_u]
  }
  close(mapOne(lb, lb, ub), lb + 0.1 / 4, 'at the lower bound'); // a_l = 0.1: (a_l)²/(4·a_l) above lb
  close(mapOne(lb - 0.1, lb, ub), lb, 'at lb − a_l');
  close(mapOne(3 + 2 * (ub - lb + 0.1 + 0.15), lb, ub), mapOne(3, lb, ub), 'one period on'); // period 2(u − l + a_l + a_u)
  // One open side: reflection at the finite bound only.
  assert.equal(mapOne(5, 0, Infinity), 5);
  assert.ok(mapOne(-3, 0, Infinity) > 0);
  assert.equal(mapOne(-7, -Infinity, Infinity), -7);
  assert.throws(() => boxTransform([[0, 1], [1, 0]], 2), /lower < upper/);
  assert.throws(() => boxTransform([0, [1, 2, 3]], 2), /3 values for 2 coordinates/);
});

test('optimize with bounds: the optimum outside the box is found on its face; every point f sees is in the box; x0 outside is refused', async () => {
  let outside = 0;
  const f = (x: Float64Array) => { if (x.some((v) => v < -1 || v > 1)) outside++; return (x[0] - 3) ** 2 + (x[1] + 0.5) ** 2; };
  const r = await optimize(f, [0, 0], { minimize: true, sigma0: 0.5, seed: 2, bounds: [-1, 1], maxEvals: 3000 });
  assert.equal(outside, 0);
  close(r.x[0], 1, 'x₀ on the face', 1e-6);
  close(r.x[1], -0.5, 'x₁ free', 1e-4);
  await assert.rejects(optimize(f, [2, 0], { minimize: true, sigma0: 0.5, bounds: [-1, 1] }), /x0\[0\] = 2 is outside its bounds \[-1, 1\]/);
});

test('optimize with integer coordinates: f sees integers there; a mixed problem reaches its integer optimum', async () => {
  let fractional = 0;
  const f = (x: Float64Array) => { if (!Number.isInteger(x[0]) || !Number.isInteger(x[2])) fractional++; return (x[0] - 3) ** 2 + (x[1] - 0.25) ** 2 + (x[2] + 2) ** 2; };
  const r = await optimize(f, [0, 0, 0], { minimize: true, sigma0: 1, seed: 5, integer: [0, 2], bounds: [-10, 10], maxEvals: 4000, target: 1e-10 });
  assert.equal(fractional, 0);
  assert.deepEqual([r.x[0], r.x[2]], [3, -2]);
  close(r.x[1], 0.25, 'continuous coordinate', 1e-4);
  await assert.rejects(optimize(f, [0, 0, 0], { minimize: true, sigma0: 1, integer: [3] }), /indices in \[0, 3\)/);
});

test('optimize with batch: true calls f once per generation with every candidate; same result as one call per candidate', async () => {
  let calls = 0;
  const batched = (xs: Float64Array[]) => { calls++; return xs.map(sphere); };
  const a = await optimize(batched, [1, 2, 3], { minimize: true, sigma0: 1, seed: 3, batch: true, maxEvals: 500 });
  const b = await optimize(sphere, [1, 2, 3], { minimize: true, sigma0: 1, seed: 3, maxEvals: 500 });
  assert.equal(calls, a.generations);
  assert.deepEqual(a.x, b.x);
  await assert.rejects(optimize(() => [1], [1, 2], { minimize: true, sigma0: 1, batch: true }), /one value per candidate/);
});

test('BIPOP restarts: Rastrigin in d = 10 solved in most seeds; small-population runs are made and their σ is below σ0', async () => {
  const rastrigin = (x: Float64Array) => { let s = 10 * x.length; for (const v of x) s += v * v - 10 * Math.cos(2 * Math.PI * v); return s; };
  let solved = 0, small = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = await optimize(rastrigin, new Float64Array(10).fill(3), { minimize: true, sigma0: 2, seed, restarts: 9, restartStrategy: 'bipop', target: 1e-8, maxEvals: 400_000 });
    if (r.stopReason === 'target') solved++;
    // A small-regime run starts with σ = σ0·10^(−2U′) < σ0 = 2 (its first record shows it); a large one near σ0.
    const firsts = r.history.filter((h, i) => i === 0 || h.restart !== r.history[i - 1].restart);
    if (firsts.some((h) => h.sigma < 1)) small++;
  }
  assert.ok(solved >= 3, `BIPOP solved ${solved} of 5`);
  assert.ok(small >= 1, 'no small-population restart was made');
});

test('CMA-ES with margin: an integer coordinate keeps P(leaving its integer) ≥ α (A grows as σ shrinks); normalQuantile inverts Φ', async () => {
  const { CmaEs, normalQuantile } = await import('../../src/es/flat/cma-es.js');
  for (const [p, z] of [[0.5, 0], [0.975, 1.959963985], [0.01, -2.326347874], [1 - 1e-6, 4.753424309]] as const) assert.ok(Math.abs(normalQuantile(p) - z) < 1e-8, `Φ⁻¹(${p})`);
  const es = new CmaEs([2.2, 0], 1, { integer: [0], seed: 3, margin: 0.05 });
  const f = (x: Float64Array) => (Math.round(x[0]) - 2) ** 2 + x[1] * x[1];
  for (let g = 0; g < 80; g++) es.tell(es.ask().map(f));
  assert.ok(es.sigma < 1e-3, `σ ${es.sigma} should have shrunk on the continuous coordinate`);
  assert.ok(es.A[0] > 10, `A₀ = ${es.A[0]}`);
  // The marginal std of coordinate 0 puts the nearest rounding boundary at Φ⁻¹(1 − α) std or closer.
  const m = es.mean[0], k = Math.round(m), dist = Math.abs(m - (m >= k ? k + 0.5 : k - 0.5));
  const sd = es.sigma * es.A[0] * Math.sqrt(es.variance(0));
  assert.ok(dist / sd <= normalQuantile(0.95) + 1e-9, `boundary ${dist / sd} std away`);
  assert.equal(es.A[1], 1);
});

test('workerObjective: candidates evaluated on worker threads in order; optimize with batch gives the single-thread bits for 1 and 3 workers', async () => {
  const { workerObjective } = await import('../../src/parallel/worker-objective.js');
  const url = new URL('../fixtures/objective.ts', import.meta.url);
  const one = await workerObjective(url, { workers: 1 }), three = await workerObjective(url, { workers: 3 });
  try {
    const a = await optimize(one, [0, 0, 0, 0], { minimize: true, sigma0: 0.5, seed: 2, batch: true, maxEvals: 600 });
    const b = await optimize(three, [0, 0, 0, 0], { minimize: true, sigma0: 0.5, seed: 2, batch: true, maxEvals: 600 });
    const c = await optimize((x) => x.reduce((s, v) => s + (v - 1) ** 2, 0), [0, 0, 0, 0], { minimize: true, sigma0: 0.5, seed: 2, maxEvals: 600 });
    assert.deepEqual(b.x, a.x);
    assert.deepEqual(a.x, c.x);
    assert.ok(a.f < 1e-6);
  } finally {
    await one.close();
    await three.close();
  }
  const rosen = await workerObjective(url, { workers: 2, exportName: 'slowRosenbrock' });
  try {
    assert.deepEqual(await rosen([Float64Array.of(1, 1), Float64Array.of(0, 0)]), [0, 1]);
  } finally {
    await rosen.close();
  }
  await assert.rejects(workerObjective(url, { workers: 1, exportName: 'nope' }), /has no function export 'nope'/);
});
