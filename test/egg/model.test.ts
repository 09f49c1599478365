/**
 * The batched EGG forward against a plain one-row reference written straight from the formulas (no
 * GEMM, no tables except LOG2/EXP2, division by Math.trunc, floors by Math.floor of exact values).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend, loadBackend, type Backend } from '../../src/backend/index.js';
import { EggArch, EggForward, type RowNoise } from '../../src/egg/model.js';
import { logProb16 } from '../../src/egg/kernels.js';
import { generatePairs, noiseKey } from '../../src/egg/noise.js';
import { initParams } from '../../src/egg/train.js';
import { EXP2, log2Fix16 } from '../../src/egg/tables.js';

const clamp = (x: number) => Math.max(-127, Math.min(127, x));

/** One row of EGG, step by step, straight from the definitions in model.ts's header. */
class ReferenceRow {
  states: number[][];
  constructor(readonly arch: EggArch, readonly w: Int8Array, readonly sign: number, readonly noise: Int8Array, readonly at: number, readonly sh: number) {
    this.states = arch.layerIds.map(() => new Array(arch.shape.width).fill(0));
  }
  private uv(id: number): { u: (i: number) => number; v: (i: number) => number } {
    const o = this.at + this.arch.noise.offsets[id], R = this.arch.specs[id].rows;
    return { u: (i) => this.noise[o + i], v: (i) => this.noise[o + R + i] };
  }
  private vec(id: number): number[] {
    const s = this.arch.specs[id];
    const out: number[] = [];
    for (let j = 0; j < s.rows; j++) {
      let x = this.w[s.offset + j];
      if (this.sign !== 0) { const { u, v } = this.uv(id); x = clamp(x + Math.floor((this.sign * u(j) * v(j)) / 2 ** (4 + this.sh))); }
      out.push(x);
    }
    return out;
  }
  private mm(x: number[], id: number): number[] {
    const s = this.arch.specs[id];
    const n = s.cols;
    const out: number[] = [];
    let dot = 0;
    const { u, v } = this.uv(id);
    if (this.sign !== 0) for (let c = 0; c < n; c++) dot += x[c] * v(c);
    for (let r = 0; r < s.rows; r++) {
      let acc = 0;
      for (let c = 0; c < n; c++) acc += this.w[s.offset + r * n + c] * x[c];
      if (this.sign !== 0) acc += Math.floor((this.sign * dot * u(r)) / 2 ** (4 + this.sh));
      out.push(clamp(Math.floor(acc / 2 ** (4 + Math.log2(n) / 2))));
    }
    return out;
  }
  private ln(x: number[], id: number): number[] {
    const w = this.vec(id);
    const D = x.length;
    const mav = Math.max(1, clamp(Math.floor(x.reduce((a, b) => a + Math.abs(b), 0) / D)));
    return x.map((xi, j) => clamp(Math.trunc((xi * w[j]) / mav)));
  }
  step(token: number): number[] {
    const { arch } = this;
    const D = arch.shape.width;
    if (token === 0) this.states = this.states.map((s) => s.map(() => 0));
    const e = arch.specs[arch.emb];
    let y: number[] = [];
    for (let j = 0; j < D; j++) {
      let x = this.w[e.offset + token * D + j];
      if (this.sign !== 0) { const { u, v } = this.uv(arch.emb); x = clamp(x + Math.floor((this.sign * u(token) * v(j)) / 2 ** (4 + this.sh))); }
      y.push(x);
    }
    arch.layerIds.forEach((ids, l) => {
      const s = this.states[l];
      const u = this.ln(y, ids.ln1);
      const a = this.mm(u, ids.wf), b = this.mm(s, ids.uf), bf = this.vec(ids.bf);
      const f = a.map((ai, j) => clamp(ai + b[j] + bf[j]));
      const fh = f.map((fj, j) => clamp(Math.floor(((fj + 127) * s[j]) / 256)));
      const c = this.mm(u, ids.wh), d = this.mm(fh, ids.uh), bh = this.vec(ids.bh);
      const hh = c.map((cj, j) => clamp(cj + d[j] + bh[j]));
      const h = s.map((sj, j) => clamp(sj + clamp(Math.floor(((f[j] + 127) * (hh[j] - sj)) / 256))));
      this.states[l] = h;
      y = y.map((yj, j) => clamp(yj + h[j]));
      const m = this.mm(this.mm(this.ln(y, ids.ln2), ids.w1), ids.w2);
      y = y.map((yj, j) => clamp(yj + m[j]));
    });
    return this.mm(this.ln(y, arch.lnOut), arch.head);
  }
}

function randomParams(arch: EggArch, seed: number, spread: number): Int8Array {
  const p = new Int8Array(arch.size);
  initParams(arch, seed, p);
  // Push some values to the extremes so saturation paths are exercised.
  let x = seed + 1;
  for (let i = 0; i < p.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (x % 17 === 0) p[i] = clamp(p[i] * spread);
  }
  return p;
}

async function checkAgainstReference(backend: Backend, layers: number, width: number, sh: number, spread: number): Promise<void> {
  const arch = new EggArch({ layers, width });
  const params = randomParams(arch, 3 + layers + width, spread);
  const rows = 6; // pairs 0..2, both signs, plus row 5 unperturbed
  const noise = new Int8Array(3 * arch.noise.perPair);
  generatePairs(arch.noise, noiseKey(9, 2), 4, 0, 3, noise);
  const rn: RowNoise = { sign: Int8Array.from([1, -1, 1, -1, 1, 0]), noiseAt: Int32Array.from([0, 0, 1, 1, 2, 2].map((p) => p * arch.noise.perPair)), noise, sigmaShift: sh };
  const fwd = new EggForward(arch, backend, rows);
  fwd.setWeights(params);
  fwd.setNoise(rn);
  fwd.resetStates();
  const refs = Array.from({ length: rows }, (_, i) => new ReferenceRow(arch, params, rn.sign[i], noise, rn.noiseAt[i], sh));
  const text = [0, 72, 101, 108, 108, 111, 0, 200, 32, 255, 7];
  const input = new Uint8Array(rows);
  for (let t = 0; t < text.length; t++) {
    for (let i = 0; i < rows; i++) input[i] = text[(t + i) % text.length];
    fwd.step(input);
    for (let i = 0; i < rows; i++) {
      const want = refs[i].step(input[i]);
      const got = Array.from(fwd.logits.subarray(i * 256, (i + 1) * 256));
      assert.deepEqual(got, want, `${backend.name} L${layers} D${width}: logits of row ${i} at t=${t}`);
    }
  }
  const saved = new Int8Array(layers * rows * width);
  fwd.saveStates(saved, rows, 0);
  for (let l = 0; l < layers; l++) for (let i = 0; i < rows; i++) {
    assert.deepEqual(Array.from(saved.subarray((l * rows + i) * width, (l * rows + i + 1) * width)), refs[i].states[l]);
  }
}

test('batched forward equals the one-row reference bit for bit (js backend, 1 and 2 layers, D 4 and 16)', async () => {
  await checkAgainstReference(jsBackend, 1, 4, 4, 1);
  await checkAgainstReference(jsBackend, 2, 16, 4, 1);
  await checkAgainstReference(jsBackend, 1, 16, 0, 8); // σ̂ = 0 and saturated weights
});

test('batched forward equals the reference on the wasm backend', async () => {
  const wasm = await loadBackend('wasm');
  await checkAgainstReference(wasm, 2, 16, 4, 8);
  await checkAgainstReference(wasm, 1, 64, 3, 1);
});

test('saturation, not wrap-around: extreme weights and inputs stay in [-127, 127]', async () => {
  const arch = new EggArch({ layers: 1, width: 16 });
  const params = new Int8Array(arch.size).fill(127);
  const fwd = new EggForward(arch, jsBackend, 2);
  fwd.setWeights(params);
  fwd.setNoise({ sign: new Int8Array(2), noiseAt: new Int32Array(2), noise: new Int8Array(0), sigmaShift: 4 });
  fwd.resetStates();
  fwd.step(Uint8Array.from([65, 66]));
  // All-127 weights and positive activations: every logit saturates at +127 (an int8 wrap would go negative).
  for (const v of fwd.logits.subarray(0, 512)) assert.equal(v, 127);
  params.fill(-127);
  fwd.setWeights(params);
  fwd.setNoise({ sign: new Int8Array(2), noiseAt: new Int32Array(2), noise: new Int8Array(0), sigmaShift: 4 });
  fwd.step(Uint8Array.from([65, 66]));
  for (const v of fwd.logits.subarray(0, 512)) assert.ok(v >= -127 && v <= 127);
});

test('rows are independent: one row alone gives the same logits as inside a batch', async () => {
  const arch = new EggArch({ layers: 1, width: 16 });
  const params = randomParams(arch, 5, 1);
  const noise = new Int8Array(2 * arch.noise.perPair);
  generatePairs(arch.noise, noiseKey(1, 2), 0, 0, 2, noise);
  const big = new EggForward(arch, jsBackend, 4), one = new EggForward(arch, jsBackend, 1);
  big.setWeights(params); one.setWeights(params);
  big.setNoise({ sign: Int8Array.from([1, -1, 1, -1]), noiseAt: Int32Array.from([0, 0, arch.noise.perPair, arch.noise.perPair]), noise, sigmaShift: 4 });
  one.setNoise({ sign: Int8Array.from([1]), noiseAt: Int32Array.from([arch.noise.perPair]), noise, sigmaShift: 4 });
  big.resetStates(); one.resetStates();
  for (const t of [0, 10, 20, 30]) {
    big.step(Uint8Array.from([t, t + 1, t + 2, t + 3]));
    one.step(Uint8Array.from([t + 2]));
    assert.deepEqual(one.logits.subarray(0, 256), big.logits.subarray(512, 768));
  }
});

test('logProb16 is the integer base-2 log-softmax: y′[t] − LOG2[Σ EXP2[y′]]', () => {
  const logits = new Int8Array(256);
  // Uniform logits: every byte has probability 1/256, i.e. −8 bits = −128 units.
  assert.equal(logProb16(logits, 0, 65), -128);
  logits[65] = 127;
  let sum = 0;
  for (let k = 0; k < 256; k++) sum += EXP2[logits[k] + 128];
  assert.equal(logProb16(logits, 0, 65), 255 - log2Fix16(sum));
  assert.ok(logProb16(logits, 0, 65) <= 0 && logProb16(logits, 0, 66) < logProb16(logits, 0, 65));
});
