/**
 * The per-row integer kernels of EGG's batched forward pass — everything but the int8 GEMMs, which
 * are the backend's. Two implementations with identical results, bit for bit:
 *  - `tsEggKernels`: plain TypeScript, the reference (and what the js backend uses);
 *  - the wasm SIMD module (backend/kernels/egg-wasm.ts, source in assembly/kernels.ts), used with the wasm and
 *    native backends, whose buffers all live in one wasm memory.
 * `eggKernelsFor(backend)` takes the one the backend's kernel registry picks (backend/kernels/index.ts). Every array passed in must come from that backend's allocI8 /
 * allocI32 (or be a subarray of one). I8 is saturation to [−127, 127] (tables.ts), ≫ the flooring
 * arithmetic shift.
 */
import { eggKernels, type Backend, type EggKernels, type EggTables } from '../backend/index.js';
import { i8, divTrunc, EXP2, log2Fix16, mantTable, RECIP_I32 } from './tables.js';

export type { EggKernels } from '../backend/index.js';

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
/** The lookup tables an accelerated implementation copies into its memory. */
export const EGG_TABLES: EggTables = { recip: RECIP_I32, exp2: EXP2, mant: mantTable };

/** The implementation the backend's kernel registry picks for `backend`, else the TypeScript reference. */
export function eggKernelsFor(backend: Backend): EggKernels {
  return eggKernels(backend, EGG_TABLES) ?? tsEggKernels;
}
