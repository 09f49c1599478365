/**
 * The per-row integer kernels of EGG's batched forward pass — everything but the int8 GEMMs, which
 * are the backend's. Two implementations with identical results, bit for bit:
 *  - `tsEggKernels`: plain TypeScript, the reference (and what the js backend uses);
 *  - the wasm SIMD module (kernels-wasm.ts, source in assembly/kernels.ts), used with the wasm and
 *    native backends, whose buffers all live in one wasm memory.
 * `eggKernelsFor(backend)` picks one. Every array passed in must come from that backend's allocI8 /
 * allocI32 (or be a subarray of one). I8 is saturation to [−127, 127] (tables.ts), ≫ the flooring
 * arithmetic shift.
 */
import type { Backend } from '../backend/types.js';
import { kernelChoice } from '../backend/kernel-choice.js';
import { i8, divTrunc, EXP2, log2Fix16 } from './tables.js';
import { wasmEggKernels } from './kernels-wasm.js';

export interface EggKernels {
  readonly name: 'ts' | 'wasm';
  /**
   * Matmul epilogue for W (m×n): out[i,r] = I8((acc[i,r] + ((s_i·(x_i·v))·u_r ≫ k)) ≫ shift) where row
   * i's pair noise is u (m int8) then v (n int8) at noise[noiseAt[i] + nOff], s_i = sign[i] ∈ {−1,0,1}
   * (0: no noise term). x rows×n, acc rows×m (the shared GEMM x·Wᵀ), out rows×m.
   */
  matmulEpilogue(rows: number, m: number, n: number, x: Int8Array, acc: Int32Array, noise: Int8Array, sign: Int8Array,
    noiseAt: Int32Array, nOff: number, k: number, shift: number, out: Int8Array): void;
  /** out[i,j] = I8(trunc(x[i,j]·w[i,j] / max(1, I8(Σ_j|x[i,j]| ≫ logD)))) over rows×D; w is per row. */
  layerNorm(rows: number, D: number, logD: number, x: Int8Array, w: Int8Array, out: Int8Array): void;
  /** out = I8(a + b + c) over len elements. */
  add3(len: number, a: Int8Array, b: Int8Array, c: Int8Array, out: Int8Array): void;
  /** y = I8(y + a) over len elements. */
  addInto(len: number, y: Int8Array, a: Int8Array): void;
  /** out = I8(((f + 127)·s) ≫ 8). */
  gruReset(len: number, f: Int8Array, s: Int8Array, out: Int8Array): void;
  /** h = I8(s + I8(((f + 127)·(ĥ − s)) ≫ 8)); s ← h; y ← I8(y + h). */
  gruUpdate(len: number, f: Int8Array, hh: Int8Array, s: Int8Array, y: Int8Array): void;
  /** y[i,:] = I8(E[t_i,:] + ((s_i·u[t_i])·v ≫ k)) with u (256) then v (D) at noise[noiseAt[i] + nOff]. */
  embed(rows: number, D: number, tokens: Uint8Array, emb: Int8Array, noise: Int8Array, sign: Int8Array, noiseAt: Int32Array,
    nOff: number, k: number, y: Int8Array): void;
  /** out[i] = log₂-probability of targets[i] under row i's 256 logits, in 1/16 bit (see logProb16). */
  logProbs(rows: number, logits: Int8Array, targets: Uint8Array, out: Int32Array): void;
}

/** The plain TypeScript kernels: the reference the wasm module is tested against. */
export const tsEggKernels: EggKernels = {
  name: 'ts',

  matmulEpilogue(rows, m, n, x, acc, noise, sign, noiseAt, nOff, k, shift, out) {
    for (let i = 0; i < rows; i++) {
      const sg = sign[i];
      const ci = i * m;
      if (sg === 0) {
        for (let r = 0; r < m; r++) out[ci + r] = i8(acc[ci + r] >> shift);
        continue;
      }
      const at = noiseAt[i] + nOff;
      const v = at + m;
      const xi = i * n;
      let dot = 0;
      for (let c = 0; c < n; c++) dot += x[xi + c] * noise[v + c];
      const t = sg * dot;
      if (n <= 1024) {
        // |t·u| ≤ 127³·1024 < 2^31: the product fits int32 and ≫ is the exact floor division.
        for (let r = 0; r < m; r++) out[ci + r] = i8((acc[ci + r] + (Math.imul(t, noise[at + r]) >> k)) >> shift);
      } else {
        const scale = 1 / 2 ** k; // exact power of two; t·u < 2^34 is exact in a double
        for (let r = 0; r < m; r++) out[ci + r] = i8((acc[ci + r] + Math.floor(t * noise[at + r] * scale)) >> shift);
      }
    }
  },

  layerNorm(rows, D, logD, x, w, out) {
    for (let i = 0; i < rows; i++) {
      const xi = i * D;
      let sum = 0;
      for (let j = 0; j < D; j++) { const v = x[xi + j]; sum += v < 0 ? -v : v; }
      const mav = Math.max(1, i8(sum >> logD));
      for (let j = 0; j < D; j++) out[xi + j] = i8(divTrunc(x[xi + j] * w[xi + j], mav));
    }
  },

  add3(len, a, b, c, out) {
    for (let j = 0; j < len; j++) out[j] = i8(a[j] + b[j] + c[j]);
  },

  addInto(len, y, a) {
    for (let j = 0; j < len; j++) y[j] = i8(y[j] + a[j]);
  },

  gruReset(len, f, s, out) {
    for (let j = 0; j < len; j++) out[j] = i8(((f[j] + 127) * s[j]) >> 8);
  },

  gruUpdate(len, f, hh, s, y) {
    for (let j = 0; j < len; j++) {
      const h = i8(s[j] + i8(((f[j] + 127) * (hh[j] - s[j])) >> 8));
      s[j] = h;
      y[j] = i8(y[j] + h);
    }
  },

  embed(rows, D, tokens, emb, noise, sign, noiseAt, nOff, k, y) {
    for (let i = 0; i < rows; i++) {
      const t = tokens[i];
      const base = t * D;
      const sg = sign[i];
      if (sg === 0) {
        for (let j = 0; j < D; j++) y[i * D + j] = emb[base + j];
        continue;
      }
      const at = noiseAt[i] + nOff;
      const ut = sg * noise[at + t];
      const v = at + 256;
      for (let j = 0; j < D; j++) y[i * D + j] = i8(emb[base + j] + ((ut * noise[v + j]) >> k));
    }
  },

  logProbs(rows, logits, targets, out) {
    for (let i = 0; i < rows; i++) out[i] = logProb16(logits, i * 256, targets[i]);
  },
};

/**
 * Log-probability of `target` under int8 logits, in 1/16-bit units (≤ 0 up to table rounding):
 * o = y'[target] − LOG2[Σ_k EXP2[y'_k]] with y' = logit + 128 — a base-2 log-softmax in integers.
 */
export function logProb16(logits: Int8Array, at: number, target: number): number {
  let sum = 0;
  for (let k = 0; k < 256; k++) sum += EXP2[logits[at + k] + 128];
  return logits[at + target] + 128 - log2Fix16(sum);
}

/**
 * The wasm kernels when the backend keeps its buffers in a wasm memory (wasm, native) and the kernel
 * choice (backend/kernel-choice.ts: EGGROLL_EGG_KERNELS) does not ask for the reference; else the reference.
 */
export function eggKernelsFor(backend: Backend): EggKernels {
  if (kernelChoice().eggKernels === 'ts') return tsEggKernels;
  return wasmEggKernels(backend) ?? tsEggKernels;
}
