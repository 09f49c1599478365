/**
 * EGG, the integer-only recurrent language model of the EGGROLL paper (§3.1), batched over rows.
 * A row is one population member (or one evaluation stream); every row runs the same int8 weights
 * with its own rank-1 perturbation, so each matrix product is ONE shared int8 GEMM over all rows plus
 * a per-row rank-1 integer term. Everything is integer: int8 weights and activations, int32
 * accumulation, arithmetic shifts, and saturation (i8) as the only nonlinearity.
 *
 * Per byte, with D = 4^d and y the residual stream (all int8):
 *   y  = I8(E[t] + ((B[t]·A) ≫ (4+σ̂)))                       embedding, perturbed like a matmul
 *   per layer:  u = LN₁(y)
 *     f  = I8(u@W_f + s@U_f + b_f)                           gate; σ = identity, saturation clips
 *     f̂  = I8(((f+127)⊙s) ≫ 8)
 *     ĥ  = I8(u@W_h + f̂@U_h + b_h)
 *     h  = I8(s + I8(((f+127)⊙(ĥ−s)) ≫ 8))                  new state and the GRU output
 *     y  = I8(y + h);  y = I8(y + (LN₂(y)@W₁)@W₂)            MLP of width 4D, no activation
 *   logits = LN_out(y)@H                                     256 int8 logits
 * where x@W = I8((x·Wᵀ + ((x·v)·u ≫ (4+σ̂))) ≫ (4 + log₂√n)) for W of shape m×n with the row's
 * rank-1 noise (u ∈ I8^m, v ∈ I8^n, signed by the antithetic sign), and
 *   LN(x)_j = I8(trunc(x_j·w_j / max(1, I8(Σ|x| ≫ 2d))))     (L1 norm, division by table)
 * with vectors (w, b) perturbed elementwise: I8(w_j + (u_j·v_j ≫ (4+σ̂))).
 *
 * Overflow: |x·Wᵀ| ≤ 127²·n ≤ 127²·4^6 < 2^27 and |(x·v)·u| ≤ 127³·n < 2^33 (exact in a double and
 * floored by an exact power-of-two scale), so the sum before the shift is < 2^31 for σ̂ ≥ 0 and
 * n ≤ 4^6; widths are limited to D ≤ 1024 (MLP n = 4D ≤ 4^6).
 */
import type { Backend } from '../backend/types.js';
import { i8, divTrunc, EXP2, log2Fix16 } from './tables.js';
import type { NoiseLayout } from './noise.js';

export const VOCAB = 256;

export interface EggShape {
  layers: number;
  /** D, a power of 4 (the matmul shift is 4 + log₂√n). */
  width: number;
}

export type ParamKind = 'embedding' | 'matrix' | 'vector';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  /** Stored rows × cols, row-major. A matmul weight is out × in; the embedding and head are 256 × D. */
  rows: number;
  cols: number;
  /** Offset of the parameter in the flat int8 parameter array. */
  offset: number;
  size: number;
  /** Right shift after a matmul: 4 + log₂√cols. */
  shift: number;
  init: 'normal' | 'sixteen' | 'zero';
}

/** Parameter ids of one layer, in the order they appear in `specs`. */
interface LayerIds { ln1: number; wf: number; uf: number; bf: number; wh: number; uh: number; bh: number; ln2: number; w1: number; w2: number }

export function isPowerOf4(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && (31 - Math.clz32(n)) % 2 === 0;
}

/** The parameter list of EGG: 513·D + L·(4·D + 12·D²) int8 values. */
export class EggArch {
  readonly specs: ParamSpec[] = [];
  readonly layerIds: LayerIds[] = [];
  readonly emb: number;
  readonly lnOut: number;
  readonly head: number;
  readonly size: number;
  readonly noise: NoiseLayout;
  /** log₂ D. */
  readonly logD: number;

  constructor(readonly shape: EggShape) {
    const D = shape.width;
    if (!isPowerOf4(D) || D < 4 || D > 1024) throw new RangeError(`width must be a power of 4 in [4, 1024], got ${D}`);
    if (!Number.isInteger(shape.layers) || shape.layers < 1) throw new RangeError(`layers must be an integer ≥ 1, got ${shape.layers}`);
    this.logD = 31 - Math.clz32(D);
    let offset = 0;
    const add = (name: string, kind: ParamKind, rows: number, cols: number, init: ParamSpec['init']): number => {
      const size = kind === 'vector' ? rows : rows * cols;
      const shift = kind === 'matrix' ? 4 + (31 - Math.clz32(cols)) / 2 : 0;
      this.specs.push({ name, kind, rows, cols: kind === 'vector' ? rows : cols, offset, size, shift, init });
      offset += size;
      return this.specs.length - 1;
    };
    this.emb = add('emb', 'embedding', VOCAB, D, 'normal');
    for (let l = 0; l < shape.layers; l++) {
      this.layerIds.push({
        ln1: add(`l${l}.ln1`, 'vector', D, 0, 'sixteen'),
        wf: add(`l${l}.gru.wf`, 'matrix', D, D, 'normal'),
        uf: add(`l${l}.gru.uf`, 'matrix', D, D, 'normal'),
        bf: add(`l${l}.gru.bf`, 'vector', D, 0, 'zero'),
        wh: add(`l${l}.gru.wh`, 'matrix', D, D, 'normal'),
        uh: add(`l${l}.gru.uh`, 'matrix', D, D, 'normal'),
        bh: add(`l${l}.gru.bh`, 'vector', D, 0, 'zero'),
        ln2: add(`l${l}.ln2`, 'vector', D, 0, 'sixteen'),
        w1: add(`l${l}.mlp.w1`, 'matrix', 4 * D, D, 'normal'),
        w2: add(`l${l}.mlp.w2`, 'matrix', D, 4 * D, 'normal'),
      });
    }
    this.lnOut = add('ln_out', 'vector', D, 0, 'sixteen');
    this.head = add('head', 'matrix', VOCAB, D, 'normal');
    this.size = offset;
    const n = this.specs.length;
    const offsets = new Int32Array(n), rows = new Int32Array(n), cols = new Int32Array(n);
    let perPair = 0;
    this.specs.forEach((s, j) => { offsets[j] = perPair; rows[j] = s.rows; cols[j] = s.cols; perPair += s.rows + s.cols; });
    this.noise = { offsets, rows, cols, perPair };
  }
}

/**
 * What a batch of rows is evaluated with: for row i, sign[i] ∈ {−1, 0, +1} (0 = unperturbed) and
 * noiseAt[i], the start of its pair's noise vector in `noise`.
 */
export interface RowNoise {
  sign: Int8Array;
  noiseAt: Int32Array;
  noise: Int8Array;
  /** σ̂: the perturbation is scaled by 2^−(4+σ̂) (σ = 2^−σ̂ relative to the fixed-point 16). */
  sigmaShift: number;
}

/**
 * The batched forward pass for a fixed number of rows, with every buffer allocated once. Kernel inputs
 * and outputs live in backend memory (allocI8/allocI32) so a wasm backend needs no copies.
 */
export class EggForward {
  readonly D: number;
  private readonly w: Int8Array; // weights, in backend memory
  private readonly y: Int8Array; // residual stream rows × D
  private readonly u: Int8Array; // normalised input rows × D (kernel input)
  private readonly states: Int8Array[]; // per layer rows × D (kernel input)
  private readonly fh: Int8Array; // rows × D (kernel input)
  private readonly m1: Int8Array; // rows × 4D (kernel input)
  private readonly acc: Int32Array; // GEMM output rows × max(4D, 256)
  private readonly a: Int8Array;
  private readonly b: Int8Array;
  private readonly f: Int8Array;
  readonly logits: Int8Array; // rows × 256
  /** Per vector parameter id: each row's perturbed copy (rows × R), built once per window by setNoise. */
  private readonly vec = new Map<number, Int8Array>();
  private rn: RowNoise | undefined;
  /** Nanoseconds spent inside backend.igemm, for the benchmark's GEMM share. */
  gemmNs = 0;
  timeGemm = false;

  constructor(readonly arch: EggArch, readonly backend: Backend, readonly rows: number) {
    const D = arch.shape.width;
    this.D = D;
    this.w = backend.allocI8(arch.size);
    this.y = new Int8Array(rows * D);
    this.u = backend.allocI8(rows * D);
    this.states = arch.layerIds.map(() => backend.allocI8(rows * D));
    this.fh = backend.allocI8(rows * D);
    this.m1 = backend.allocI8(rows * 4 * D);
    this.acc = backend.allocI32(rows * Math.max(4 * D, VOCAB));
    this.a = new Int8Array(rows * D);
    this.b = new Int8Array(rows * D);
    this.f = new Int8Array(rows * D);
    this.logits = backend.allocI8(rows * VOCAB);
    arch.specs.forEach((spec, id) => { if (spec.kind === 'vector') this.vec.set(id, new Int8Array(rows * spec.rows)); });
  }

  /**
   * Fixes the rows' perturbations for the following steps (a window): the perturbed vectors
   * I8(w_j + (sign·u_j·v_j ≫ (4+σ̂))) do not change within a window, so they are built once here.
   * Call after setWeights.
   */
  setNoise(rn: RowNoise): void {
    this.rn = rn;
    const scale = 1 / 2 ** (4 + rn.sigmaShift);
    for (const [id, out] of this.vec) {
      const spec = this.arch.specs[id];
      const R = spec.rows;
      const w = this.w.subarray(spec.offset, spec.offset + R);
      const nOff = this.arch.noise.offsets[id];
      for (let i = 0; i < this.rows; i++) {
        const sg = rn.sign[i];
        if (sg === 0) { out.set(w, i * R); continue; }
        const at = rn.noiseAt[i] + nOff;
        for (let j = 0; j < R; j++) out[i * R + j] = i8(w[j] + Math.floor(sg * rn.noise[at + j] * rn.noise[at + R + j] * scale));
      }
    }
  }

  setWeights(params: Int8Array): void {
    this.w.set(params.subarray(0, this.arch.size));
  }

  /** Copies states in: `src` holds layers × rowsTotal × D; rows [r0, r0+rows) are taken. */
  loadStates(src: Int8Array, rowsTotal: number, r0: number): void {
    const D = this.D;
    this.states.forEach((s, l) => s.set(src.subarray((l * rowsTotal + r0) * D, (l * rowsTotal + r0 + this.rows) * D)));
  }

  saveStates(dst: Int8Array, rowsTotal: number, r0: number): void {
    const D = this.D;
    this.states.forEach((s, l) => dst.set(s.subarray(0, this.rows * D), (l * rowsTotal + r0) * D));
  }

  resetStates(): void {
    for (const s of this.states) s.fill(0);
  }

  /** One byte for every row: tokens[i] is row i's input byte; leaves the logits in `logits`. */
  step(tokens: Uint8Array | number[]): void {
    const { arch, D, rows } = this;
    const rn = this.rn;
    if (!rn) throw new Error('EggForward.step: call setNoise first');
    // A document starts with byte 0: the recurrent state of that row starts from zero.
    for (let i = 0; i < rows; i++) if (tokens[i] === 0) for (const s of this.states) s.fill(0, i * D, (i + 1) * D);
    this.embed(tokens, rn);
    for (let l = 0; l < arch.layerIds.length; l++) {
      const ids = arch.layerIds[l];
      const s = this.states[l];
      this.layerNorm(this.y, ids.ln1, this.u);
      this.matmul(this.u, ids.wf, rn, this.a);
      this.matmul(s, ids.uf, rn, this.b);
      this.addBias3(this.a, this.b, ids.bf, this.f);
      const { f, fh } = this;
      for (let k = 0; k < rows * D; k++) fh[k] = i8(((f[k] + 127) * s[k]) >> 8);
      this.matmul(this.u, ids.wh, rn, this.a);
      this.matmul(fh, ids.uh, rn, this.b);
      this.addBias3(this.a, this.b, ids.bh, this.a); // a ← ĥ
      const { a, y } = this;
      for (let k = 0; k < rows * D; k++) {
        const h = i8(s[k] + i8(((f[k] + 127) * (a[k] - s[k])) >> 8));
        s[k] = h;
        y[k] = i8(y[k] + h);
      }
      this.layerNorm(this.y, ids.ln2, this.u);
      this.matmul(this.u, ids.w1, rn, this.m1);
      this.matmul(this.m1, ids.w2, rn, this.a);
      for (let k = 0; k < rows * D; k++) y[k] = i8(y[k] + this.a[k]);
    }
    this.layerNorm(this.y, arch.lnOut, this.u);
    this.matmul(this.u, arch.head, rn, this.logits);
  }

  /** y[i] = I8(E[t_i] + (sign·u[t_i]·v ≫ (4+σ̂))). */
  private embed(tokens: Uint8Array | number[], rn: RowNoise): void {
    const { D, rows, y, w } = this;
    const spec = this.arch.specs[this.arch.emb];
    const nOff = this.arch.noise.offsets[this.arch.emb];
    const scale = 1 / 2 ** (4 + rn.sigmaShift);
    for (let i = 0; i < rows; i++) {
      const t = tokens[i];
      const base = spec.offset + t * D;
      const sg = rn.sign[i];
      if (sg === 0) {
        for (let j = 0; j < D; j++) y[i * D + j] = w[base + j];
      } else {
        const nz = rn.noise, at = rn.noiseAt[i] + nOff;
        const ut = sg * nz[at + t];
        const v = at + VOCAB;
        for (let j = 0; j < D; j++) y[i * D + j] = i8(w[base + j] + Math.floor(ut * nz[v + j] * scale));
      }
    }
  }

  /** out = x@W for parameter `id` (shape m × n): one shared GEMM, then the per-row rank-1 term. */
  private matmul(x: Int8Array, id: number, rn: RowNoise, out: Int8Array): void {
    const spec = this.arch.specs[id];
    const m = spec.rows, n = spec.cols, rows = this.rows;
    const acc = this.acc;
    const t0 = this.timeGemm ? process.hrtime.bigint() : 0n;
    this.backend.igemm(rows, m, n, x.subarray(0, rows * n), this.w.subarray(spec.offset, spec.offset + spec.size), acc);
    if (this.timeGemm) this.gemmNs += Number(process.hrtime.bigint() - t0);
    const shift = spec.shift;
    const scale = 1 / 2 ** (4 + rn.sigmaShift);
    const nOff = this.arch.noise.offsets[id];
    const nz = rn.noise;
    for (let i = 0; i < rows; i++) {
      const sg = rn.sign[i];
      const ci = i * m;
      if (sg !== 0) {
        const at = rn.noiseAt[i] + nOff; // u: m values, then v: n values
        const v = at + m;
        const xi = i * n;
        let dot = 0;
        for (let c = 0; c < n; c++) dot += x[xi + c] * nz[v + c];
        const t = sg * dot;
        if (n <= 1024) {
          // |t·u| ≤ 127³·1024 < 2^31: the product fits int32 and ≫ is the exact floor division.
          const k = 4 + rn.sigmaShift;
          for (let r = 0; r < m; r++) out[ci + r] = i8((acc[ci + r] + (Math.imul(t, nz[at + r]) >> k)) >> shift);
        } else {
          for (let r = 0; r < m; r++) out[ci + r] = i8((acc[ci + r] + Math.floor(t * nz[at + r] * scale)) >> shift);
        }
      } else {
        for (let r = 0; r < m; r++) out[ci + r] = i8(acc[ci + r] >> shift);
      }
    }
  }

  /** out = I8(a + b + bias) per element (a, b already int8, summed in int32). */
  private addBias3(a: Int8Array, b: Int8Array, id: number, out: Int8Array): void {
    const bias = this.vec.get(id)!;
    for (let k = 0; k < this.rows * this.D; k++) out[k] = i8(a[k] + b[k] + bias[k]);
  }

  /** L1 layer norm: out_j = I8(trunc(x_j·w_j / max(1, I8(Σ|x| ≫ log₂D)))). */
  private layerNorm(x: Int8Array, id: number, out: Int8Array): void {
    const { D, rows } = this;
    const wv = this.vec.get(id)!;
    const logD = this.arch.logD;
    for (let i = 0; i < rows; i++) {
      const xi = i * D;
      let sum = 0;
      for (let j = 0; j < D; j++) { const v = x[xi + j]; sum += v < 0 ? -v : v; }
      const mav = Math.max(1, i8(sum >> logD));
      for (let j = 0; j < D; j++) out[xi + j] = i8(divTrunc(x[xi + j] * wv[xi + j], mav));
    }
  }
}

/**
 * Log-probability of `target` under int8 logits, in 1/16-bit units (≤ 0 up to table rounding):
 * o = y'[target] − LOG2[Σ_k EXP2[y'_k]] with y' = logit + 128 — a base-2 log-softmax in integers.
 */
export function logProb16(logits: Int8Array, at: number, target: number): number {
  let sum = 0;
  for (let k = 0; k < VOCAB; k++) sum += EXP2[logits[at + k] + 128];
  return logits[at + target] + 128 - log2Fix16(sum);
}
