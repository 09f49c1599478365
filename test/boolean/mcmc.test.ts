import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomNet, evalNet, zeroNet } from '../../src/boolean/dfcn.js';
import { NetState, fullErrors } from '../../src/boolean/state.js';
import { acceptProb, mhStep, runMh } from '../../src/boolean/mcmc.js';
import { makeTarget, makeTask } from '../../src/boolean/experiments.js';
import { seqRng } from '../../src/boolean/rng.js';
import { literalPlanes, popcount } from '../../src/boolean/truth-table.js';

test('incremental move evaluation equals full re-evaluation (table path n ≤ 10 and literal path n = 11)', () => {
  for (const [n, H, steps] of [[2, 2, 3000], [4, 8, 3000], [5, 16, 3000], [7, 128, 3000], [8, 40, 2000], [11, 24, 600]] as const) {
    const rng = seqRng(n, 7);
    const task = makeTask(makeTarget('random', n, n), Math.min(2 ** n - 1, 3 + rng.below(2 ** n - 3)), n);
    const net = randomNet(n, H, rng, 'uniform');
    const s = new NetState(net, task);
    const lit = literalPlanes(n);
    let errs = fullErrors(s.toNet(), task, lit);
    assert.equal(s.trainErrors, errs);
    for (let k = 0; k < steps; k++) {
      const r = rng.below(s.moves);
      const de = s.evalMove(r);
      const l1Before = s.l1w1 + s.l1w2;
      if (rng.u32() & 1) {
        s.applyLast();
        const now = fullErrors(s.toNet(), task, lit);
        assert.equal(now - errs, de, `n=${n} move ${r}`);
        assert.equal(s.trainErrors, now);
        assert.equal(s.l1w1 + s.l1w2 - l1Before, s.lastDn);
        errs = now;
      }
    }
    // Output, test errors and the coverage counts after thousands of moves match a fresh rebuild.
    const fresh = new NetState(s.toNet(), task);
    assert.deepEqual(Array.from(s.output()), Array.from(fresh.output()));
    assert.deepEqual(Array.from(s.slices), Array.from(fresh.slices));
    assert.deepEqual(Array.from(s.output()), Array.from(evalNet(s.toNet()).words));
    assert.equal(s.testErrors(), fresh.testErrors());
    assert.equal(s.l1w1, popcount(new Uint32Array(0)) + Array.from(s.w1).filter((x) => x !== 0).length);
  }
});

test('acceptance probabilities for constructed moves', () => {
  // One extra training error at m = 64, κ = 1000: exp(−1000/64).
  assert.equal(acceptProb(1000, 0, 64, 1, 0), Math.exp(-1000 / 64));
  assert.equal(acceptProb(1000, 0.01, 64, 0, 1), Math.exp(-0.01));
  assert.equal(acceptProb(1000, 0.01, 64, 0, -1), 1);
  assert.equal(acceptProb(1000, 0.01, 64, -1, 1), 1);
  assert.equal(acceptProb(10, 0.5, 20, 1, 1), Math.exp(-(10 / 20 + 0.5)));
  // A constructed state: n = 2, H = 1, empty network with β = +1 on target x1 ∧ x2 with all 3 of its
  // other points... the move "W¹_{0,0} → +1 with W² = 1" adds clause x1, which makes input 01 wrong.
  const task = makeTask(makeTarget('dnf:x1 & x2', 2, 0), 3, 0);
  const net = zeroNet(2, 1, 1);
  net.w2[0] = 1;
  const s = new NetState(net, task);
  const r = 0 * 2 + 1; // entry 0, alternative 1 → value +1 (from 0)
  const de = s.evalMove(r);
  assert.equal(s.lastDn, 1);
  const train01 = (task.train[0] >>> 1) & 1; // whether input x1=1,x2=0 (v = 1) is a training point
  assert.equal(de, train01 ? 1 : 0);
});

/** Exact MH transition matrix of mhStep's kernel on a tiny space, by enumerating every move. */
test('detailed balance and stationarity on a tiny space (n = 2, H = 1, 18 states) by enumeration, and a chain matches π', () => {
  const n = 2, H = 1, kappa = 3, lambda = 0.4;
  const task = makeTask(makeTarget('dnf:x1 & !x2', n, 0), 3, 0);
  const states: { w1: number[]; w2: number }[] = [];
  for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (const w2 of [0, 1]) states.push({ w1: [a, b], w2 });
  const key = (w1: ArrayLike<number>, w2: number) => `${w1[0]},${w1[1]},${w2}`;
  const idx = new Map(states.map((st, i) => [key(st.w1, st.w2), i]));
  const mk = (st: { w1: number[]; w2: number }) => { const d = zeroNet(n, H, 1); d.w1.set(st.w1); d.w2[0] = st.w2; return new NetState(d, task); };
  const energy = states.map((st) => { const s = mk(st); return (kappa / task.m) * s.trainErrors + lambda * (s.l1w1 + s.l1w2); });
  const Z = energy.reduce((a, e) => a + Math.exp(-e), 0);
  const pi = energy.map((e) => Math.exp(-e) / Z);
  const S = states.length;
  const T = Array.from({ length: S }, () => new Float64Array(S));
  states.forEach((st, i) => {
    const s = mk(st);
    for (let r = 0; r < s.moves; r++) {
      const de = s.evalMove(r);
      const a = acceptProb(kappa, lambda, task.m, de, s.lastDn);
      const t = mk(st); t.evalMove(r); t.applyLast();
      const j = idx.get(key(t.w1, t.w2[0]))!;
      assert.notEqual(j, i);
      T[i][j] += a / s.moves;
      T[i][i] += (1 - a) / s.moves;
    }
  });
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) assert.ok(Math.abs(pi[i] * T[i][j] - pi[j] * T[j][i]) < 1e-12, `balance ${i}↔${j}`);
  for (let j = 0; j < S; j++) { let s = 0; for (let i = 0; i < S; i++) s += pi[i] * T[i][j]; assert.ok(Math.abs(s - pi[j]) < 1e-12); }
  // The real step function: occupancy of a long chain converges to π.
  const st = mk(states[0]);
  const rng = seqRng(11, 4);
  const visits = new Float64Array(S);
  const steps = 400_000;
  for (let k = 0; k < steps; k++) { mhStep(st, rng, kappa / task.m, lambda); visits[idx.get(key(st.w1, st.w2[0]))!]++; }
  for (let i = 0; i < S; i++) assert.ok(Math.abs(visits[i] / steps - pi[i]) < 0.01 + 0.1 * pi[i], `state ${i}: ${visits[i] / steps} vs ${pi[i]}`);
});

test('MH is deterministic for a seed and learns 1-parity at n = 7', () => {
  const task = makeTask(makeTarget('parity:1', 7, 0), 64, 0);
  const a = runMh(7, 128, task, { kappa: 1000, lambda: 0.01, steps: 300_000, logEvery: 100_000, seed: 5 });
  const b = runMh(7, 128, task, { kappa: 1000, lambda: 0.01, steps: 300_000, logEvery: 100_000, seed: 5 });
  assert.deepEqual(a.log, b.log);
  assert.equal(a.train_acc, 1);
  assert.ok(a.test_acc > 0.7, `test ${a.test_acc}`);
});

test('planes over the training inputs only give the same chain, bit for bit, as planes over all inputs', () => {
  for (const [n, H, m] of [[6, 32, 20], [9, 64, 50], [11, 40, 96]] as const) {
    const task = makeTask(makeTarget('parity:2', n, 1), m, 1);
    const o = { kappa: 1000, lambda: 0.05, steps: 40_000, logEvery: 5000, seed: 9 };
    const a = runMh(n, H, task, { ...o, domain: 'all' });
    const b = runMh(n, H, task, { ...o, domain: 'train' });
    assert.deepEqual(b.log, a.log, `n=${n}`);
    assert.deepEqual(Array.from(b.net!.w1), Array.from(a.net!.w1));
  }
  // And the incremental evaluation on the training domain equals full re-evaluation.
  const n = 10, task = makeTask(makeTarget('random', n, 2), 77, 2);
  const rng = seqRng(5, 5);
  const s = new NetState(randomNet(n, 30, rng, 'uniform'), task, 'train');
  const lit = literalPlanes(n);
  let errs = fullErrors(s.toNet(), task, lit);
  for (let k = 0; k < 2000; k++) {
    const de = s.evalMove(rng.below(s.moves));
    if (rng.u32() & 1) { s.applyLast(); const now = fullErrors(s.toNet(), task, lit); assert.equal(now - errs, de); errs = now; }
  }
});
