/**
 * EGGROLL's rank-convergence claim (the expected low-rank update approaches the full-rank one at O(1/r)), checked
 * with the project's own noise: scripts/rank-convergence.ts's estimator at fewer samples (the recipe there writes
 * docs/results/rank-convergence.md at 400,000).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankConvergence } from '../../scripts/rank-convergence.js';

test('the low-rank update converges to the full-rank one at O(1/r), and our noise agrees with the closed form', () => {
  const { rows, exactSlope, tailSlope } = rankConvergence(40_000);
  // Our Philox low-rank factors give the closed-form expectation at every rank, within sampling error.
  for (const r of rows) assert.ok(Math.abs(r.mc - r.exact) < 4 * r.se, `rank ${r.r}: Monte Carlo ${r.mc} vs closed form ${r.exact} (s.e. ${r.se})`);
  // The error falls with the rank at the rate the theorem gives: slope −1 in the tail, flatter at r = 1, 2.
  assert.ok(tailSlope < -0.85 && tailSlope > -1.15, `tail slope ${tailSlope}`);
  assert.ok(exactSlope < -0.5, `slope over r = 1…32: ${exactSlope}`);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i].exactErr < rows[i - 1].exactErr, 'the error decreases with the rank');
});
