import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js.js';
import { ParamSet, type ParamSpec } from '../../src/nn/params.js';
import { EvolutionStrategy, type StrategyConfig } from '../../src/es/strategy.js';
import type { PerturbedNoiser } from '../../src/es/noiser.js';
import type { Population } from '../../src/es/population.js';
import { lowRankFactors, initNormal } from '../../src/es/noise.js';
import { matmulT, rank, maxRelErr } from './helpers.js';

const backend = jsBackend;

function setup(m: number, n: number, extra: ParamSpec[] = []) {
  const params = new ParamSet([{ name: 'w', shape: [m, n], mode: 'lowrank' }, ...extra], backend);
  initNormal(1, 0, params.values[0], 0.5);
  params.specs.forEach((s, i) => { if (i > 0) initNormal(1, i, params.values[i], 0.3); });
  return params;
}

/** The handle's noiser, for reading its factors (an internal the tests look behind). */
const noiserOf = (pop: Population) => pop.noiser as PerturbedNoiser;

function config(over: Partial<StrategyConfig> = {}): StrategyConfig {
  return { algo: 'eggroll', popSize: 8, rank: 2, sigma: 0.1, lr: 0.05, optimizer: { kind: 'sgd' }, shaping: { kind: 'raw' }, seed: 42, ...over };
}

/** E_i = A Bᵀ/√r for a pair, materialised from the factors (m×n). */
function explicitE(at: Float32Array, bt: Float32Array, p: number, m: number, n: number, r: number): Float64Array {
  const E = new Float64Array(m * n);
  for (let rho = 0; rho < r; rho++) {
    const a = at.subarray((p * r + rho) * m, (p * r + rho + 1) * m);
    const b = bt.subarray((p * r + rho) * n, (p * r + rho + 1) * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) E[i * n + j] += (a[i] * b[j]) / Math.sqrt(r);
  }
  return E;
}

test('entries of E have mean 0 and variance 1, and rank(E_i) = r', () => {
  const m = 64, n = 48, pairs = 64;
  for (const r of [1, 3, 8]) {
    const at = new Float32Array(pairs * r * m), bt = new Float32Array(pairs * r * n);
    lowRankFactors(5, 0, 0, 0, pairs, m, n, r, at, bt);
    let s = 0, s2 = 0, count = 0;
    for (let p = 0; p < pairs; p++) {
      const E = explicitE(at, bt, p, m, n, r);
      for (const v of E) { s += v; s2 += v * v; count++; }
      if (p < 3) assert.equal(rank(E, m, n), r, `rank of E at r=${r}`);
    }
    const mean = s / count, variance = s2 / count - mean * mean;
    // Entries within one E are correlated; 64 independent pairs give a std error ≈ 1/√(64·r)·O(1).
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean} at r=${r}`);
    assert.ok(Math.abs(variance - 1) < 0.15, `variance ${variance} at r=${r}`);
  }
});

test('the batched perturbed forward equals the forward with W + s·σ·E_i materialised', () => {
  for (const [m, n, r, pop] of [[5, 7, 1, 6], [16, 9, 3, 10], [32, 32, 4, 4], [3, 40, 2, 8]]) {
    const params = setup(m, n);
    const es = new EvolutionStrategy(params, backend, config({ rank: r, popSize: pop, sigma: 0.3 }));
    const handle = es.ask();
    const noiser = noiserOf(handle);
    const rowsPerMember = 3;
    const rows = handle.all(rowsPerMember);
    const x = new Float32Array(rows.count * n);
    initNormal(9, 99, x, 1);
    const y = new Float32Array(rows.count * m);
    rows.matmul(0, x, y);
    for (let mem = 0; mem < pop; mem++) {
      const p = mem >> 1, s = mem & 1 ? -1 : 1;
      const E = explicitE(noiser.at[0]!, noiser.bt[0]!, p, m, n, r);
      const W = Float64Array.from(params.values[0], (v, i) => v + s * 0.3 * E[i]);
      const want = matmulT(x.subarray(mem * rowsPerMember * n, (mem + 1) * rowsPerMember * n), rowsPerMember, n, W, m);
      const got = y.subarray(mem * rowsPerMember * m, (mem + 1) * rowsPerMember * m);
      assert.ok(maxRelErr(got, want) < 1e-5, `shape ${m}x${n} r=${r} member ${mem}: ${maxRelErr(got, want)}`);
    }
  }
});

test('a worker slice of the population sees exactly the noise of the full population', () => {
  const params = setup(12, 10);
  const es = new EvolutionStrategy(params, backend, config({ popSize: 12, rank: 2 }));
  const full = es.ask();
  const part = es.ask(4, 10);
  const x = new Float32Array(6 * 10); initNormal(3, 3, x, 1);
  const yFull = new Float32Array(12 * 12), yPart = new Float32Array(6 * 12);
  const xFull = new Float32Array(12 * 10); xFull.set(x, 4 * 10);
  full.all().matmul(0, xFull, yFull);
  part.all().matmul(0, x, yPart);
  assert.deepEqual(Array.from(yPart), Array.from(yFull.subarray(4 * 12, 10 * 12)));
});

for (const antithetic of [true, false]) {
test(`the update equals the explicit σ/√N·Σ f_i s_i E_i (antithetic ${antithetic})`, () => {
  const m = 9, n = 7, r = 2, pop = 10, sigma = 0.2, lr = 0.5;
  const params = setup(m, n, [{ name: 'b', shape: [m], mode: 'full' }]);
  const before = params.values.map((v) => Float64Array.from(v));
  const es = new EvolutionStrategy(params, backend, config({ rank: r, popSize: pop, sigma, lr, antithetic }));
  const noiser = noiserOf(es.ask());
  const f = Float64Array.from({ length: pop }, (_, i) => Math.sin(i * 1.7) + i * 0.1);
  const at = Float32Array.from(noiser.at[0]!), bt = Float32Array.from(noiser.bt[0]!);
  const eps = Array.from({ length: es.pairs }, (_, p) => Float64Array.from(noiser.denseFor(1, p)));
  es.tell(f);
  const G = new Float64Array(m * n), gb = new Float64Array(m);
  for (let i = 0; i < pop; i++) {
    const p = antithetic ? i >> 1 : i, s = antithetic && i & 1 ? -1 : 1;
    const E = explicitE(at, bt, p, m, n, r);
    for (let j = 0; j < m * n; j++) G[j] += f[i] * s * E[j];
    for (let j = 0; j < m; j++) gb[j] += f[i] * s * eps[p][j];
  }
  const scale = sigma / Math.sqrt(pop);
  const wantW = before[0].map((v, j) => v + lr * scale * G[j]);
  const wantB = before[1].map((v, j) => v + lr * scale * gb[j]);
  assert.ok(maxRelErr(params.values[0].map((v, j) => v - before[0][j]), wantW.map((v, j) => v - before[0][j])) < 1e-5);
  assert.ok(maxRelErr(params.values[1].map((v, j) => v - before[1][j]), wantB.map((v, j) => v - before[1][j])) < 1e-5);
});
}

test('the summed update is full-rank once N·r ≥ min(m, n)', () => {
  const m = 24, n = 16;
  for (const [pop, r, want] of [[8, 1, 4], [16, 2, 16], [40, 1, 16]] as const) {
    const params = setup(m, n);
    params.values[0].fill(0);
    const es = new EvolutionStrategy(params, backend, config({ popSize: pop, rank: r }));
    es.ask();
    const f = Float64Array.from({ length: pop }, (_, i) => ((i * 7919) % 13) - 6 + (i & 1) * 0.5);
    es.tell(f);
    assert.equal(rank(params.values[0], m, n, 1e-5), want, `pop ${pop} r ${r}`);
  }
});

test('bad configurations are rejected with the field and the allowed range', () => {
  const params = setup(6, 4);
  assert.throws(() => new EvolutionStrategy(params, backend, config({ popSize: 7 })), /popSize must be even/);
  assert.throws(() => new EvolutionStrategy(params, backend, config({ rank: 5 })), /rank must be an integer in \[1, 4\]/);
  assert.throws(() => new EvolutionStrategy(params, backend, config({ sigma: 0 })), /sigma must start at a finite value > 0/);
  assert.throws(() => new EvolutionStrategy(params, backend, config({ shaping: { kind: 'group', groupSize: 3 } })), /groupSize/);
  params.values[0][3] = NaN;
  assert.throws(() => new EvolutionStrategy(params, backend, config()), /parameter 'w' has a non-finite value/);
});

test('without antithetic sampling every member has its own noise, in the forward and in the update alike', () => {
  const m = 6, n = 5, r = 1, pop = 5, sigma = 0.3;
  const params = setup(m, n);
  const es = new EvolutionStrategy(params, backend, config({ rank: r, popSize: pop, sigma, antithetic: false }));
  const handle = es.ask();
  const noiser = noiserOf(handle);
  assert.equal(es.pairs, pop);
  const x = new Float32Array(pop * n); initNormal(4, 4, x, 1);
  const y = new Float32Array(pop * m);
  handle.all().matmul(0, x, y);
  for (let mem = 0; mem < pop; mem++) {
    const E = explicitE(noiser.at[0]!, noiser.bt[0]!, mem, m, n, r);
    const W = Float64Array.from(params.values[0], (v, i) => v + sigma * E[i]);
    const want = matmulT(x.subarray(mem * n, (mem + 1) * n), 1, n, W, m);
    assert.ok(maxRelErr(y.subarray(mem * m, (mem + 1) * m), want) < 1e-5, `member ${mem}`);
  }
});

test('handles: rows outside the slice are refused, the strategy releases every handle at tell and on a new generation', () => {
  const params = setup(6, 4);
  const es = new EvolutionStrategy(params, backend, config({ popSize: 8 }));
  const part = es.ask(2, 6);
  assert.equal(es.ask(2, 6), part, 'the same range in the same generation is one handle');
  assert.throws(() => part.rows([1, 2]), /member 1 is not in this handle's members \[2, 6\)/);
  assert.equal(part.rows([5, -1, 2]).count, 3);
  assert.throws(() => es.ask(3, 3), /non-empty range of integers/);
  const full = es.ask();
  const kept = part.all();
  es.tell(new Float64Array(8));
  assert.ok(part.isReleased && full.isReleased, 'tell released the generation\'s handles');
  // A batch kept past tell must not touch the noise buffers the allocator has taken back.
  assert.throws(() => kept.matmul(0, new Float32Array(4 * 4), new Float32Array(4 * 6)), /was released/);
  assert.throws(() => part.all(), /was released/);
  const next = es.ask(0, 4);
  es.state.generation++;
  es.ask(0, 4);
  assert.ok(next.isReleased, 'asking in a later generation released the old handle');
});

test('non-finite fitness counts as the worst value and never reaches the parameters', () => {
  const params = setup(6, 4);
  const es = new EvolutionStrategy(params, backend, config({ shaping: { kind: 'centered-rank' } }));
  es.ask();
  const f = Float64Array.from([1, NaN, 3, Infinity, -Infinity, 2, 0, 5]);
  const info = es.tell(f);
  assert.equal(info.nonFinite, 3);
  params.assertFinite();
});
