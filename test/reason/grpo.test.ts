import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADV_EPS, clippedSurrogate, groupAdvantages, grpoBatch, grpoLoss, grpoLossRef, klK3, tokenLogprobs } from '../../src/reason/grpo.js';
import { initTf, TfLm } from '../../src/reason/tf-model.js';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { initLm, lmSpecs, type LmConfig } from '../../src/reason/model.js';
import { gradients } from '../../src/reason/pretrain.js';
import { encode, VOCAB_SIZE } from '../../src/reason/vocab.js';
import { wilson } from '../../src/reason/evaluate.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('group advantages against hand-computed values', () => {
  // Group [1, 0, 0, 0]: mean 0.25, deviations [0.75, −0.25, −0.25, −0.25], sample std √(0.75/3) = 0.5.
  // Group [1, 1, 0, 0]: mean 0.5, sample std √(1/3) → ±0.5/0.57735 = ±0.866025.
  const a = groupAdvantages([1, 0, 0, 0, 1, 1, 0, 0], 4);
  const d1 = 0.5 + ADV_EPS, d2 = Math.sqrt(1 / 3) + ADV_EPS;
  [0.75 / d1, -0.25 / d1, -0.25 / d1, -0.25 / d1, 0.5 / d2, 0.5 / d2, -0.5 / d2, -0.5 / d2].forEach((v, i) => close(a[i], v));
  close(a[0], 1.49970006, 1e-6);
  close(a[4], 0.86587543, 1e-6);
  // An all-equal group has no signal: advantages 0, not NaN.
  assert.deepEqual([...groupAdvantages([0.1, 0.1, 1, 1], 2)], [0, 0, 0, 0]);
  assert.throws(() => groupAdvantages([1, 0, 1], 2), /groups of 2/);
});

test('clipped surrogate and k3 KL against hand-computed values', () => {
  // A > 0: the ratio is capped at 1 + ε from above, free below.
  close(clippedSurrogate(1.5, 2, 0.2), 2.4);
  close(clippedSurrogate(0.5, 2, 0.2), 1.0);
  close(clippedSurrogate(1.1, 2, 0.2), 2.2);
  // A < 0: min picks the more pessimistic value: clipped from below at 1 − ε, free above.
  close(clippedSurrogate(0.5, -2, 0.2), -1.6);
  close(clippedSurrogate(1.5, -2, 0.2), -3.0);
  close(clippedSurrogate(0.9, -2, 0.2), -1.8);
  close(klK3(-1, -1), 0);
  close(klK3(-1, -2), Math.exp(-1) + 1 - 1); // r = −1: e^{−1} − (−1) − 1
  assert.ok(klK3(-0.3, -2.5) > 0 && klK3(-2.5, -0.3) > 0);
});

test('grpoBatch weights each completion token by 1/|o| and nothing else', () => {
  const b = grpoBatch([encode('1+2='), encode('12+3=')], [encode('3\n'), encode('15\n')], [1, -1]);
  assert.equal(b.B, 2);
  assert.equal(b.T, 8); // '12+3=15\n'
  const W = b.T - 1;
  // Row 0: prompt of 4, completion of 2 → positions 3 and 4 predict '3' and '\n'.
  assert.deepEqual([...b.weight.subarray(0, W)], [0, 0, 0, 0.5, 0.5, 0, 0]);
  const third = Math.fround(1 / 3);
  assert.deepEqual([...b.weight.subarray(W, 2 * W)], [0, 0, 0, 0, third, third, third]);
});

const cfg: LmConfig = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };

test('the tfjs GRPO loss equals the plain reference, with and without KL, off-policy and on', async () => {
  await initTf();
  const p = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(p, 5);
  const model = new TfLm(cfg, p.values);
  const other = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(other, 6);
  const refModel = new TfLm(cfg, other.values);
  const b = grpoBatch([encode('3 5 7>22='), encode('3 5 7>22='), encode('9+9=')], [encode('3*5+7\n'), encode('7+5\n'), encode('18\n')], groupAdvantages([1, 0, 0.1, 0.1], 2).subarray(0, 3));
  const lp = await tokenLogprobs(model, b);
  const ref = await tokenLogprobs(refModel, b);
  // Old log-probabilities shifted by ±0.3 so that some ratios fall outside [0.8, 1.2].
  const old = lp.map((v, i) => v + (i % 3 === 0 ? 0.3 : i % 3 === 1 ? -0.3 : 0));
  for (const [refLp, beta] of [[undefined, 0], [ref, 0.05]] as const) {
    const got = grpoLoss(model, b, old, refLp, 0.2, beta);
    close(got.dataSync()[0], grpoLossRef(b, lp, old, refLp, 0.2, beta), 2e-6);
    got.dispose();
  }
  // On-policy (old = current) the loss is −mean advantage and its gradient is the policy gradient.
  const onPolicy = grpoLoss(model, b, lp, undefined, 0.2, 0);
  close(onPolicy.dataSync()[0], -(b.advantage[0] + b.advantage[1] + b.advantage[2]) / 3, 1e-6);
  onPolicy.dispose();
  model.dispose();
  refModel.dispose();
});

test('a GRPO gradient step raises the likelihood of the advantaged completion; bit-identical when repeated', async () => {
  await initTf();
  const run = async () => {
    const p = new ParamSet(lmSpecs(cfg), jsBackend);
    initLm(p, 9);
    const model = new TfLm(cfg, p.values);
    const b = grpoBatch([encode('4+4='), encode('4+4=')], [encode('8\n'), encode('9\n')], groupAdvantages([1, 0], 2));
    const before = await tokenLogprobs(model, b);
    const { grads } = await gradients(model, () => grpoLoss(model, b, before, undefined, 0.2, 0));
    p.values.forEach((v, i) => { for (let j = 0; j < v.length; j++) v[j] -= 0.05 * grads[i][j]; });
    model.assign(p.values);
    const after = await tokenLogprobs(model, b);
    model.dispose();
    return { before, after, grads, W: b.T - 1 };
  };
  const a = await run(), again = await run();
  assert.deepEqual(a.grads, again.grads);
  // Position 3 predicts the first answer digit from the shared prompt: '8' (advantage +1) against '9' (−1).
  const rowLp = (x: Float32Array, row: number) => x[row * a.W + 3];
  assert.ok(rowLp(a.after, 0) > rowLp(a.before, 0), 'the rewarded answer became more likely');
  assert.ok(rowLp(a.after, 1) < rowLp(a.before, 1), 'the unrewarded answer became less likely');
});

test('Wilson interval against known values', () => {
  const [lo, hi] = wilson(38, 256);
  close(lo, 0.11009, 1e-4);
  close(hi, 0.19718, 1e-4);
  assert.deepEqual(wilson(0, 10).map((v) => +v.toFixed(4)), [0, 0.2775]);
  assert.deepEqual(wilson(0, 0), [0, 1]);
});
