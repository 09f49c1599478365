import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend, loadBackend } from '../../src/backend/index.js';
import { EggArch } from '../../src/egg/model.js';
import { generatePairs, noiseKey } from '../../src/egg/noise.js';
import { IntegerUpdater, referenceUpdate, alphaAt, thresholdAt, pairSigns, passes } from '../../src/egg/qeggroll.js';
import { initParams } from '../../src/egg/train.js';

test('alpha schedule: a = 4 gives 1/(0.015t+1); a ≤ 1 is constant; thresholds follow Φ⁻¹(1 − α/2)', () => {
  assert.equal(alphaAt(4, 0), 1);
  assert.ok(Math.abs(alphaAt(4, 1000) - 1 / 16) < 1e-12);
  assert.ok(Math.abs(alphaAt(4, 100) - 1 / 2.5) < 1e-12);
  assert.equal(alphaAt(0.25, 77), 0.25);
  assert.equal(thresholdAt(4, 0), 0);
  assert.equal(thresholdAt(0.05, 5), 31); // 16·1.96
  assert.equal(thresholdAt(4, 1000), 29); // α = 1/16: 16·1.8627
});

test('pair signs: F = sign(s⁺ − s⁻)', () => {
  assert.deepEqual(Array.from(pairSigns(Int32Array.from([5, 3, -2, -2, -9, 4]), 6)), [1, 0, -1]);
});

test('the z-test: 16·|Z| ≥ thr·⌊√P⌋·256, and never for Z = 0', () => {
  // P = 4 pairs, ⌊√P⌋ = 2, thr = 31: the bar is 31·2·256/16 = 992.
  assert.equal(passes(992, 31, 2), true);
  assert.equal(passes(991, 31, 2), false);
  assert.equal(passes(-992, 31, 2), true);
  assert.equal(passes(0, 0, 2), false);
  assert.equal(passes(1, 0, 2), true);
});

/** A one-vector model would be simplest, but EggArch is the real thing: use the smallest one and hand-set noise. */
test('hand case: a vote moves a parameter by exactly ±1 and clips at ±127', () => {
  const arch = new EggArch({ layers: 1, width: 4 });
  const P = 4;
  const noise = new Int8Array(P * arch.noise.perPair);
  const F = Int8Array.from([1, 1, -1, 0]);
  // Parameter ln_out (a vector of 4): u_k, v_k at its offset for each pair.
  const id = arch.lnOut, off = arch.noise.offsets[id];
  const set = (k: number, u: number[], v: number[]) => { noise.set(u, k * arch.noise.perPair + off); noise.set(v, k * arch.noise.perPair + off + 4); };
  // Z_j = Σ F_k u_kj v_kj: element 0: 1·(16·16) + 1·(16·16) − 1·(−16·16) = 768 → passes a bar of 512 when thr = 16.
  set(0, [16, 16, 16, 1], [16, -16, 16, 1]);
  set(1, [16, 16, 0, 0], [16, -16, 0, 0]);
  set(2, [-16, -16, 0, 0], [16, -16, 0, 0]);
  set(3, [127, 127, 127, 127], [127, 127, 127, 127]); // F = 0: ignored
  const params = new Int8Array(arch.size);
  const o = arch.specs[id].offset;
  params.set([126, -127, 127, 10], o);
  const updater = new IntegerUpdater(arch, jsBackend);
  // thr = 16: bar 16·2·256/16 = 512. Z = [768, −768, 256, 1].
  const st = updater.apply(params, noise, F, 16);
  assert.deepEqual(Array.from(params.subarray(o, o + 4)), [127, -127, 127, 10]);
  assert.equal(st.moved, 1);
  assert.equal(st.clipped, 1); // element 1 voted down at −127
  // thr = 0: every nonzero vote moves: element 2 (Z = 256) would go up but is at 127; element 3 (Z = 1) moves to 11.
  updater.apply(params, noise, F, 0);
  assert.deepEqual(Array.from(params.subarray(o, o + 4)), [127, -127, 127, 11]);
});

test('the GEMM update equals the per-parameter reference on a whole model (js and wasm kernels)', async () => {
  for (const backend of [jsBackend, await loadBackend('wasm')]) {
    const arch = new EggArch({ layers: 1, width: 16 });
    const P = 37;
    const noise = new Int8Array(P * arch.noise.perPair);
    generatePairs(arch.noise, noiseKey(3, 2), 11, 0, P, noise);
    const F = new Int8Array(P);
    for (let k = 0; k < P; k++) F[k] = [1, -1, 0][k % 3];
    for (const thr of [0, 10, 31]) {
      const a = new Int8Array(arch.size), b = new Int8Array(arch.size);
      initParams(arch, 1, a);
      a[0] = 127; a[1] = -127;
      b.set(a);
      new IntegerUpdater(arch, backend).apply(a, noise, F, thr);
      referenceUpdate(arch, b, noise, F, thr);
      assert.deepEqual(a, b, `${backend.name}, thr ${thr}`);
    }
  }
});
