import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTarget, makeTask, runOne, type RunConfig } from '../../src/boolean/experiments.js';
import { runOracle } from '../../src/boolean/oracle.js';
import { samplePrior } from '../../src/boolean/prior.js';
import { classTable } from '../../src/boolean/prior-analysis.js';
import { runJobs } from '../../src/boolean/sweep.js';
import { normInv } from '../../src/boolean/eggroll.js';
import { dnfLength } from '../../src/boolean/dnf.js';

const base: RunConfig = {
  n: 7, target: 'parity:4', m: 96, algo: 'mh', lambda: 0, kappa: 1000, steps: 1000, widthMult: 2, seed: 3, draw: 0,
  logEvery: 100, tieP: 0.5, pairs: 16, rank: 1, density: 0.05, alpha: 0.1, oracleBudget: 200000,
};

test('oracle: the minimum consistent DNF of 4-parity at n = 7, m = 96 is the 8-clause, 32-literal formula', () => {
  const r = runOne({ ...base, algo: 'oracle' });
  assert.equal(r.train_acc, 1);
  assert.equal(dnfLength(r.dnf), 32);
  assert.equal(r.dnf.clauses.length, 8);
  assert.equal(r.test_acc, 1);
  assert.equal(r.extra?.exact, true);
  // The paper's App. B.6 mechanism at n = 4: min-norm fits of 4-parity on the first 4 / 8 inputs.
  const t = makeTarget('table:0110100110010110', 4, 0);
  const first = (k: number) => ({ target: t, m: k, train: Uint32Array.of((1 << k) - 1), test: Uint32Array.of(0xffff & ~((1 << k) - 1)) });
  assert.ok(Math.abs(runOracle(4, 8, first(4)).test_acc - 4 / 12) < 1e-12); // 2-parity "0110"×4: 33%
  assert.equal(runOracle(4, 8, first(8)).test_acc, 0); // 3-parity: 0%
});

test('greedy and EGGROLL are deterministic for a seed and fit an easy target', () => {
  for (const algo of ['greedy', 'eggroll'] as const) {
    const c = { ...base, target: 'parity:1', m: 64, algo, steps: algo === 'greedy' ? 300 : 60, logEvery: 20 };
    const a = runOne(c), b = runOne(c);
    assert.deepEqual(a.log, b.log, algo);
    assert.ok(a.log[a.log.length - 1].train_acc > a.log[0].train_acc, `${algo} improves the training accuracy`);
  }
  assert.ok(Math.abs(normInv(0.975) - 1.959963985) < 1e-6);
});

test('prior counts are identical for 1 and 2 workers and near the App. D constant bound', async () => {
  const a = await samplePrior(3, 4, 2_200_000, 7, 1);
  const b = await samplePrior(3, 4, 2_200_000, 7, 2);
  assert.deepEqual([...a.counts].sort((x, y) => x[0] - y[0]), [...b.counts].sort((x, y) => x[0] - y[0]));
  let total = 0;
  for (const k of a.counts.values()) total += k;
  assert.equal(total, 2_200_000);
  const cls = classTable(3, 4, a.counts, 2_200_000);
  const c0 = cls[0];
  assert.ok(c0.measured >= c0.lower! - 0.01, `P(const 0) = ${c0.measured} ≥ bound ${c0.lower}`);
});

test('sweep jobs give identical results for 1 and 2 workers', async () => {
  const jobs = ['parity:1', 'entropy:4', 'repeat:5'].flatMap((target, i) => [
    { config: { ...base, n: 5, target, m: 16, steps: 20_000, draw: i, logEvery: 20_000 }, learner: 'mh' },
    { config: { ...base, n: 5, target, m: 16, algo: 'oracle' as const, draw: i }, learner: 'oracle' },
  ]);
  const strip = (r: { seconds: number }[]) => r.map((x) => ({ ...x, seconds: 0 }));
  const one = await runJobs(jobs, 1), two = await runJobs(jobs, 2);
  assert.deepEqual(strip(one), strip(two));
});

test('bad targets and splits throw one clear message', () => {
  assert.throws(() => makeTarget('foo:3', 7, 0), /unknown target 'foo:3'; allowed: parity:k/);
  assert.throws(() => makeTarget('parity:9', 7, 0), /k must be an integer in \[0, 7\]/);
  assert.throws(() => makeTarget('table:0110', 3, 0), /need length 8/);
  assert.throws(() => makeTask(makeTarget('parity:2', 4, 0), 16, 0), /m = 16 must be an integer in \[1, 15\]/);
});
