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
import { i8 } from './tables.js';
import { eggKernelsFor, type EggKernels } from './kernels.js';
import type { NoiseLayout } from './noise.js';

export const VOCAB = 256;

export interface EggShape {
  layers: number;
  /** D, a power of 4 (the matmul shift is 4 + log₂√n). */
  width: number;
}

export type ParamKind = 'embedding' | 'matrix' | 'vector';

export interface EggParamSpec {
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
  readonly specs: EggParamSpec[] = [];
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
    const add = (name: string, kind: ParamKind, rows: number, cols: number, init: EggParamSpec['init']): number => {
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
 * The batched forward pass for a fixed number of rows, with every buffer allocated once. All kernel
 * inputs and outputs live in backend memory (allocI8/allocI32), so the int8 GEMMs (the backend's) and
 * the per-row integer work (kernels.ts: wasm SIMD on the wasm and native backends, the TypeScript
 * reference on js) run on the same buffers with no copies.
 */
export class EggForward {
  readonly D: number;
  readonly kernels: EggKernels;
  private readonly w: Int8Array; // weights
  private readonly weights: Int8Array[]; // per parameter id: its view of w
  private readonly y: Int8Array; // residual stream rows × D
  private readonly u: Int8Array; // normalised input rows × D
  private readonly states: Int8Array[]; // per layer rows × D
  private readonly fh: Int8Array; // rows × D
  private readonly m1: Int8Array; // rows × 4D
  private readonly acc: Int32Array; // GEMM output rows × max(4D, 256)
  private readonly a: Int8Array;
  private readonly b: Int8Array;
  private readonly f: Int8Array;
  readonly logits: Int8Array; // rows × 256
  private readonly tokens: Uint8Array; // this step's input byte per row
  private readonly targets: Uint8Array;
  private readonly lp: Int32Array; // log-probabilities per row
  private readonly sign: Int8Array; // per row: antithetic sign, 0 = unperturbed
  private readonly noiseAt: Int32Array; // per row: its pair's noise in `noise`
  private noise: Int8Array; // the rows' pairs' noise, copied in by setNoise
  /** Per vector parameter id: each row's perturbed copy (rows × R), built once per window by setNoise. */
  private readonly vec = new Map<number, Int8Array>();
  private sigmaShift = -1;
  /** Nanoseconds spent inside backend.igemm, for the benchmark's GEMM share. */
  gemmNs = 0;
  timeGemm = false;

  constructor(readonly arch: EggArch, readonly backend: Backend, readonly rows: number, kernels?: EggKernels) {
    const D = arch.shape.width;
    this.D = D;
    this.kernels = kernels ?? eggKernelsFor(backend);
    // Never a zero-length buffer: the noise of an unperturbed batch is empty but still passed by address.
    const i8s = (n: number): Int8Array => backend.allocI8(Math.max(n, 16));
    this.w = i8s(arch.size);
    this.weights = arch.specs.map((spec) => this.w.subarray(spec.offset, spec.offset + spec.size));
    this.y = i8s(rows * D);
    this.u = i8s(rows * D);
    this.states = arch.layerIds.map(() => i8s(rows * D));
    this.fh = i8s(rows * D);
    this.m1 = i8s(rows * 4 * D);
    this.acc = backend.allocI32(rows * Math.max(4 * D, VOCAB));
    this.a = i8s(rows * D);
    this.b = i8s(rows * D);
    this.f = i8s(rows * D);
    this.logits = i8s(rows * VOCAB);
    this.tokens = asBytes(i8s(rows));
    this.targets = asBytes(i8s(rows));
    this.lp = backend.allocI32(rows);
    this.sign = i8s(rows);
    this.noiseAt = backend.allocI32(rows);
    this.noise = i8s(0);
    arch.specs.forEach((spec, id) => { if (spec.kind === 'vector') this.vec.set(id, i8s(rows * spec.rows)); });
  }

  /**
   * Fixes the rows' perturbations for the following steps (a window): copies the rows' pairs' noise
   * into backend memory, and builds the perturbed vectors I8(w_j + (sign·u_j·v_j ≫ (4+σ̂))), which
   * do not change within a window. Call after setWeights.
   */
  setNoise(rn: RowNoise): void {
    const { rows } = this;
    const perPair = this.arch.noise.perPair;
    // Only the span of pairs these rows use is copied (the source may hold a whole population's).
    let lo = Infinity, hi = 0;
    for (let i = 0; i < rows; i++) if (rn.sign[i] !== 0) { lo = Math.min(lo, rn.noiseAt[i]); hi = Math.max(hi, rn.noiseAt[i] + perPair); }
    if (hi === 0) lo = 0;
    if (this.noise.length < hi - lo) {
      this.backend.free?.(this.noise);
      this.noise = this.backend.allocI8(hi - lo);
    }
    this.noise.set(rn.noise.subarray(lo, hi));
    for (let i = 0; i < rows; i++) {
      this.sign[i] = rn.sign[i];
      this.noiseAt[i] = rn.sign[i] !== 0 ? rn.noiseAt[i] - lo : 0;
    }
    this.sigmaShift = rn.sigmaShift;
    const k = 4 + rn.sigmaShift;
    const nz = this.noise;
    for (const [id, out] of this.vec) {
      const spec = this.arch.specs[id];
      const R = spec.rows;
      const w = this.weights[id];
      const nOff = this.arch.noise.offsets[id];
      for (let i = 0; i < rows; i++) {
        const sg = this.sign[i];
        if (sg === 0) { out.set(w, i * R); continue; }
        const at = this.noiseAt[i] + nOff;
        for (let j = 0; j < R; j++) out[i * R + j] = i8(w[j] + ((sg * nz[at + j] * nz[at + R + j]) >> k));
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
    const { arch, D, rows, kernels: K } = this;
    if (this.sigmaShift < 0) throw new Error('EggForward.step: call setNoise first');
    const len = rows * D;
    // A document starts with byte 0: the recurrent state of that row starts from zero.
    for (let i = 0; i < rows; i++) {
      const t = tokens[i];
      this.tokens[i] = t;
      if (t === 0) for (const s of this.states) s.fill(0, i * D, (i + 1) * D);
    }
    K.embed(rows, D, this.tokens, this.weights[arch.emb], this.noise, this.sign, this.noiseAt,
      arch.noise.offsets[arch.emb], 4 + this.sigmaShift, this.y);
    const { y, u, a, b, f, fh } = this;
    for (let l = 0; l < arch.layerIds.length; l++) {
      const ids = arch.layerIds[l];
      const s = this.states[l];
      K.layerNorm(rows, D, arch.logD, y, this.vec.get(ids.ln1)!, u);
      this.matmul(u, ids.wf, a);
      this.matmul(s, ids.uf, b);
      K.add3(len, a, b, this.vec.get(ids.bf)!, f); // f: the gate
      K.gruReset(len, f, s, fh);
      this.matmul(u, ids.wh, a);
      this.matmul(fh, ids.uh, b);
      K.add3(len, a, b, this.vec.get(ids.bh)!, a); // a: ĥ
      K.gruUpdate(len, f, a, s, y);
      K.layerNorm(rows, D, arch.logD, y, this.vec.get(ids.ln2)!, u);
      this.matmul(u, ids.w1, this.m1);
      this.matmul(this.m1, ids.w2, a);
      K.addInto(len, y, a);
    }
    K.layerNorm(rows, D, arch.logD, y, this.vec.get(arch.lnOut)!, u);
    this.matmul(u, arch.head, this.logits);
  }

  /**
   * After step(): each row's log₂-probability of its target byte in 1/16 bit (a view, valid until the
   * next call).
   */
  logProbs(targets: Uint8Array | number[]): Int32Array {
    for (let i = 0; i < this.rows; i++) this.targets[i] = targets[i];
    this.kernels.logProbs(this.rows, this.logits, this.targets, this.lp);
    return this.lp;
  }

  /** out = x@W for parameter `id` (shape m × n): one shared GEMM, then the per-row rank-1 term. */
  private matmul(x: Int8Array, id: number, out: Int8Array): void {
    const spec = this.arch.specs[id];
    const m = spec.rows, n = spec.cols, rows = this.rows;
    const t0 = this.timeGemm ? process.hrtime.bigint() : 0n;
    this.backend.igemm(rows, m, n, x, this.weights[id], this.acc);
    if (this.timeGemm) this.gemmNs += Number(process.hrtime.bigint() - t0);
    this.kernels.matmulEpilogue(rows, m, n, x, this.acc, this.noise, this.sign, this.noiseAt, this.arch.noise.offsets[id],
      4 + this.sigmaShift, spec.shift, out);
  }
}

function asBytes(v: Int8Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.length);
}

