/**
 * CMA-ES on a flat vector (Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, Table 1 and
 * Figure 6; the same defaults as pycma's purecma): weighted recombination of the best μ of λ candidates, cumulative
 * step-size adaptation, the rank-one and rank-μ covariance updates, and the eigendecomposition of C refreshed every
 * λ/((c₁ + c_μ)·d·10) generations. It minimises; `optimize` (optimize.ts) turns a maximisation into this.
 *
 * Deterministic: candidate k of generation g draws its d normals from its own Philox stream (seed, 'cmae', g, k;
 * rng/normal.ts's arithmetic-only Box–Muller, rounded to float32); the update uses +, −, ×, ÷, √ and the project's exp/log/pow; ties in
 * fitness keep candidate order. The same seed gives the same bits on every engine, and the state (mean, σ, C, paths,
 * generation) is the whole of a run.
 */
import { exp, log, pow } from '../../math/index.js';
import { namedStream } from '../../rng/stream.js';
import { fillNormals } from '../../rng/normal.js';
import { symmetricEigen } from './linalg.js';
import { restore, scalar, type FlatStrategy } from './types.js';

/** Coordinates per tile of Sep-CMA-ES's sums in tell(): two float64 accumulators of 8 KB each stay in L1. */
const TILE = 1024;

export interface CmaEsOptions {
  /** λ, candidates per generation (default 4 + ⌊3 ln d⌋). */
  popSize?: number;
  seed?: number;
  /**
   * 'full' (CMA-ES, O(d²) memory and O(d³) eigendecompositions: d up to a few hundred) or 'diagonal' (Sep-CMA-ES,
   * Ros & Hansen 2008: C kept diagonal, O(d) memory and time per candidate, its learning rates c₁, c_μ multiplied by
   * (d + 2)/3 — for thousands to millions of coordinates, on problems not too far from separable).
   */
  covariance?: 'full' | 'diagonal';
  /**
   * Coordinates that `f` sees rounded to integers (optimize's `integer`): CMA-ES with margin (Hamano et al., "CMA-ES
   * with margin: lower-bounding marginal probability for mixed-integer black-box optimization", GECCO 2022) keeps
   * each one's chance of leaving its current integer at least `margin`, so the search does not freeze on a plateau
   * of the rounding.
   */
  integer?: readonly number[];
  /** The margin α (default 1/(d·λ), as the paper's implementation). */
  margin?: number;
}

export class CmaEs implements FlatStrategy {
  readonly d: number;
  readonly lambda: number;
  readonly mu: number;
  readonly weights: Float64Array;
  readonly muEff: number;
  readonly cSigma: number;
  readonly dSigma: number;
  readonly cc: number;
  readonly c1: number;
  readonly cMu: number;
  /** E‖N(0, I)‖. */
  readonly chiN: number;
  readonly seed: number;

  readonly diagonal: boolean;
  mean: Float64Array;
  sigma: number;
  /** C, row-major d×d ('full'), or its diagonal ('diagonal'). */
  readonly C: Float64Array;
  /** C = B·diag(D²)·Bᵀ, as of the last eigendecomposition ('diagonal': B unused, D = √diag C). */
  private B: Float64Array;
  private D: Float64Array;
  readonly pSigma: Float64Array;
  readonly pc: Float64Array;
  /** Per-coordinate scale of the samples (x = mean + σ·A⊙y): 1, or above 1 on an integer coordinate held at its margin. */
  readonly A: Float64Array;
  readonly integer: readonly number[];
  /** Φ⁻¹(1 − α): how many marginal standard deviations the nearest rounding boundary may be away. */
  private readonly marginZ: number;
  generation = 0;
  private eigenAt = 0;
  /** The candidates ask() returns, reused from generation to generation. */
  private xBuf: Float64Array[] = [];
  /** Full C: this generation's y_k = B·D·z_k (x = mean + σ·A⊙y), kept from ask() for tell(). */
  private yBuf: Float64Array[] = [];
  /** Diagonal C: this generation's float32 z_k, λ×d (y_k = D⊙z_k, rebuilt by tell()). */
  private zAll = new Float32Array(0);
  private asked = false;

  constructor(x0: ArrayLike<number>, sigma0: number, opts: CmaEsOptions = {}) {
    const d = x0.length;
    if (d < 1) throw new RangeError('CMA-ES: x0 must have at least one coordinate');
    if (!(sigma0 > 0) || !Number.isFinite(sigma0)) throw new RangeError(`CMA-ES: sigma0 must be a finite number > 0, got ${sigma0}`);
    const lambda = opts.popSize ?? 4 + Math.floor(3 * log(d));
    if (!Number.isInteger(lambda) || lambda < 2) throw new RangeError(`CMA-ES: popSize must be an integer ≥ 2, got ${lambda}`);
    this.d = d;
    this.lambda = lambda;
    this.seed = opts.seed ?? 0;
    this.diagonal = (opts.covariance ?? 'full') === 'diagonal';
    if (opts.covariance !== undefined && opts.covariance !== 'full' && opts.covariance !== 'diagonal') throw new RangeError(`CMA-ES: covariance must be 'full' or 'diagonal', got '${opts.covariance}'`);
    const mu = Math.floor(lambda / 2);
    this.mu = mu;
    const w = new Float64Array(mu);
    for (let i = 0; i < mu; i++) w[i] = log(mu + 0.5) - log(i + 1);
    let sw = 0;
    for (const v of w) sw += v;
    let sw2 = 0;
    for (let i = 0; i < mu; i++) { w[i] /= sw; sw2 += w[i] * w[i]; }
    this.weights = w;
    const muEff = 1 / sw2;
    this.muEff = muEff;
    this.cSigma = (muEff + 2) / (d + muEff + 5);
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (d + 1)) - 1) + this.cSigma;
    this.cc = (4 + muEff / d) / (d + 4 + (2 * muEff) / d);
    const c1 = 2 / ((d + 1.3) * (d + 1.3) + muEff);
    const cMu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((d + 2) * (d + 2) + muEff));
    // A diagonal C has d, not d², numbers to learn: faster rates (Ros & Hansen 2008, eq. 9).
    const speed = this.diagonal ? (d + 2) / 3 : 1;
    this.c1 = Math.min(1, c1 * speed);
    this.cMu = Math.min(1 - this.c1, cMu * speed);
    this.chiN = Math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d));
    this.mean = Float64Array.from(x0);
    this.sigma = sigma0;
    if (this.diagonal) {
      this.C = new Float64Array(d).fill(1);
      this.B = new Float64Array(0);
    } else {
      this.C = new Float64Array(d * d);
      this.B = new Float64Array(d * d);
      for (let i = 0; i < d; i++) { this.C[i * d + i] = 1; this.B[i * d + i] = 1; }
    }
    this.D = new Float64Array(d).fill(1);
    this.pSigma = new Float64Array(d);
    this.pc = new Float64Array(d);
    this.A = new Float64Array(d).fill(1);
    this.integer = opts.integer ?? [];
    for (const i of this.integer) if (!Number.isInteger(i) || i < 0 || i >= d) throw new RangeError(`CMA-ES: integer coordinates must be indices in [0, ${d}), got ${i}`);
    const margin = opts.margin ?? 1 / (d * lambda);
    if (!(margin > 0 && margin < 0.5)) throw new RangeError(`CMA-ES: margin must be in (0, 0.5), got ${margin}`);
    this.marginZ = normalQuantile(1 - margin);
    this.applyMargin();
  }

  /** λ candidates x_k = mean + σ·B·D·z_k, z_k ~ N(0, I) from stream (seed, 'cmae', generation, k). */
  ask(): Float64Array[] {
    const { d, lambda, B, D, mean, sigma, A } = this;
    // The candidates (and, for the full C, their y) are the strategy's own arrays, reused by the next ask() (at d = 10⁵
    // a generation would otherwise allocate 2λ vectors of 800 KB); optimize copies the one it keeps.
    if (this.xBuf.length !== lambda) {
      this.xBuf = Array.from({ length: lambda }, () => new Float64Array(d));
      // Diagonal: tell() recomputes y = D⊙z (the same bits; D changes only in tell) from the float32 z, a quarter of
      // the memory traffic of keeping λ float64 y vectors.
      if (this.diagonal) this.zAll = new Float32Array(lambda * d);
      else this.yBuf = Array.from({ length: lambda }, () => new Float64Array(d));
    }
    const xs = this.xBuf;
    // Float32 normals through the normals kernel (wasm/native, the reference's bits): at d = 10⁵, λ = 38 a generation
    // took 67 ms this way against 158 ms through the float64 reference path (a scratch timing loop, 2026-12-07).
    if (this.diagonal) {
      const zAll = this.zAll;
      for (let k = 0; k < lambda; k++) {
        fillNormals(namedStream(this.seed, 'cmae', this.generation, k), 0, zAll, k * d, d);
        const x = xs[k], o = k * d;
        for (let i = 0; i < d; i++) x[i] = mean[i] + sigma * A[i] * (D[i] * zAll[o + i]);
      }
    } else {
      const z = new Float64Array(d), z32 = new Float32Array(d);
      for (let k = 0; k < lambda; k++) {
        fillNormals(namedStream(this.seed, 'cmae', this.generation, k), 0, z32, 0, d);
        for (let i = 0; i < d; i++) z[i] = D[i] * z32[i];
        const y = this.yBuf[k], x = xs[k];
        for (let i = 0; i < d; i++) {
          let acc = 0;
          for (let j = 0; j < d; j++) acc += B[i * d + j] * z[j];
          y[i] = acc;
          x[i] = mean[i] + sigma * A[i] * acc;
        }
      }
    }
    this.asked = true;
    return xs;
  }

  /** Takes the fitness of the candidates ask() gave (lower is better; NaN and ±Inf rank last), and moves the distribution. */
  tell(fitness: ArrayLike<number>): void {
    const { d, mu, weights: w, lambda } = this;
    if (!this.asked) throw new Error('CMA-ES: tell() needs the candidates of an ask() first');
    if (fitness.length !== lambda) throw new RangeError(`CMA-ES: expected ${lambda} fitness values, got ${fitness.length}`);
    const key = Array.from({ length: lambda }, (_, k) => (Number.isFinite(fitness[k]) ? fitness[k] : Infinity));
    const order = Array.from({ length: lambda }, (_, k) => k).sort((a, b) => (key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : a - b));
    // y_w = Σ w_i y_{i:λ}; the mean moves by σ·y_w. (Diagonal: y_w and the rank-μ sums Σ w_i y_i² in one pass.)
    const yw = new Float64Array(d);
    const rankMu = this.diagonal ? this.diagonalSums(order, yw) : null;
    if (!rankMu) for (let i = 0; i < mu; i++) { const y = this.yBuf[order[i]]; for (let j = 0; j < d; j++) yw[j] += w[i] * y[j]; }
    for (let j = 0; j < d; j++) this.mean[j] += this.sigma * this.A[j] * yw[j];
    // p_σ ← (1 − c_σ)p_σ + √(c_σ(2 − c_σ)μ_eff)·C^{−1/2}·y_w, with C^{−1/2} = B·D⁻¹·Bᵀ.
    const { B, D, cSigma, cc, c1, cMu } = this;
    const ks = Math.sqrt(cSigma * (2 - cSigma) * this.muEff);
    let ps2 = 0;
    if (this.diagonal) {
      for (let i = 0; i < d; i++) {
        this.pSigma[i] = (1 - cSigma) * this.pSigma[i] + ks * (yw[i] / D[i]);
        ps2 += this.pSigma[i] * this.pSigma[i];
      }
    } else {
      const t = new Float64Array(d);
      for (let k = 0; k < d; k++) { let acc = 0; for (let i = 0; i < d; i++) acc += B[i * d + k] * yw[i]; t[k] = acc / D[k]; }
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let k = 0; k < d; k++) acc += B[i * d + k] * t[k];
        this.pSigma[i] = (1 - cSigma) * this.pSigma[i] + ks * acc;
        ps2 += this.pSigma[i] * this.pSigma[i];
      }
    }
    const psNorm = Math.sqrt(ps2);
    // h_σ stalls p_c while the step size is still adapting (‖p_σ‖ too large for its age).
    const hSigma = psNorm / Math.sqrt(1 - pow(1 - cSigma, 2 * (this.generation + 1))) < (1.4 + 2 / (d + 1)) * this.chiN ? 1 : 0;
    const kc = hSigma * Math.sqrt(cc * (2 - cc) * this.muEff);
    for (let i = 0; i < d; i++) this.pc[i] = (1 - cc) * this.pc[i] + kc * yw[i];
    // C ← (1 − c₁ − c_μ + (1 − h_σ)c₁c_c(2 − c_c))·C + c₁·p_c p_cᵀ + c_μ·Σ w_i y_i y_iᵀ.
    const keep = 1 - c1 - cMu + (1 - hSigma) * c1 * cc * (2 - cc);
    if (rankMu) {
      for (let i = 0; i < d; i++) {
        this.C[i] = keep * this.C[i] + c1 * this.pc[i] * this.pc[i] + cMu * rankMu[i];
        this.D[i] = Math.sqrt(Math.max(this.C[i], 1e-300));
      }
    } else {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++) {
          let rankMu = 0;
          for (let r = 0; r < mu; r++) { const y = this.yBuf[order[r]]; rankMu += w[r] * y[i] * y[j]; }
          const v = keep * this.C[i * d + j] + c1 * this.pc[i] * this.pc[j] + cMu * rankMu;
          this.C[i * d + j] = v;
          this.C[j * d + i] = v;
        }
      }
    }
    this.sigma *= exp((cSigma / this.dSigma) * (psNorm / this.chiN - 1));
    this.generation++;
    this.asked = false;
    if (!this.diagonal && this.generation - this.eigenAt >= lambda / ((c1 + cMu) * d * 10)) this.refreshEigen();
    this.applyMargin();
  }

  /**
   * Sep-CMA-ES's two weighted sums over the best μ, y_w[i] += w_r·y_r[i] and rankMu[i] += w_r·y_r[i]², with y = D⊙z
   * rebuilt from ask()'s float32 z. Tile by tile of coordinates, rank-major inside a tile: each coordinate still sums
   * over the ranks in order (the bits of the plain loops), while a tile's accumulators stay in L1.
   */
  private diagonalSums(order: readonly number[], yw: Float64Array): Float64Array {
    const { d, mu, weights: w, D, zAll } = this;
    const rankMu = new Float64Array(d);
    for (let i0 = 0; i0 < d; i0 += TILE) {
      const i1 = Math.min(d, i0 + TILE);
      for (let r = 0; r < mu; r++) {
        const o = order[r] * d, wr = w[r];
        for (let i = i0; i < i1; i++) {
          const y = D[i] * zAll[o + i];
          yw[i] += wr * y;
          rankMu[i] += wr * y * y;
        }
      }
    }
    return rankMu;
  }

  /**
   * The margin: for an integer coordinate i, the rounding boundary nearest the mean (k ± ½ around k = round(m_i)) must
   * lie within Φ⁻¹(1 − α) marginal standard deviations σ·A_i·√C_ii, so a sample crosses it with probability ≥ α;
   * A_i = max(1, |m_i − boundary| / (Φ⁻¹(1 − α)·σ·√C_ii)).
   */
  private applyMargin(): void {
    for (const i of this.integer) {
      const m = this.mean[i], k = Math.round(m);
      const dist = Math.abs(m - (m >= k ? k + 0.5 : k - 0.5));
      const sd = this.sigma * Math.sqrt(this.variance(i));
      this.A[i] = Math.max(1, dist / (this.marginZ * sd));
    }
  }

  /** B and D from C (eigenvalues below 1e-300 clamped, so D stays positive). */
  private refreshEigen(): void {
    const { values, vectors } = symmetricEigen(this.C, this.d);
    this.B = vectors;
    this.D = values.map((v) => Math.sqrt(Math.max(v, 1e-300)));
    this.eigenAt = this.generation;
  }

  get stepSize(): number {
    return this.sigma;
  }

  maxStd(): number {
    let v = 0;
    for (let i = 0; i < this.d; i++) v = Math.max(v, this.A[i] * this.A[i] * this.variance(i));
    return this.sigma * Math.sqrt(v);
  }

  exportState(): Record<string, Float64Array> {
    return {
      generation: Float64Array.of(this.generation), eigenAt: Float64Array.of(this.eigenAt), sigma: Float64Array.of(this.sigma),
      mean: this.mean, C: this.C, D: this.D, pSigma: this.pSigma, pc: this.pc, A: this.A, ...(this.diagonal ? {} : { B: this.B }),
    };
  }

  importState(st: Record<string, Float64Array>): void {
    for (const [name, into] of [['mean', this.mean], ['C', this.C], ['D', this.D], ['pSigma', this.pSigma], ['pc', this.pc], ['A', this.A], ...(this.diagonal ? [] : [['B', this.B]])] as [string, Float64Array][]) restore(st, name, into);
    this.generation = scalar(st, 'generation');
    this.eigenAt = scalar(st, 'eigenAt');
    this.sigma = scalar(st, 'sigma');
    this.asked = false;
  }

  /** C's i-th diagonal entry (the variance of coordinate i, before σ²). */
  variance(i: number): number {
    return this.diagonal ? this.C[i] : this.C[i * this.d + i];
  }

  /** The condition number of C (max/min eigenvalue), as of the last eigendecomposition. */
  get conditionNumber(): number {
    let lo = Infinity, hi = 0;
    for (const v of this.D) { lo = Math.min(lo, v * v); hi = Math.max(hi, v * v); }
    return hi / lo;
  }
}

/**
 * Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation, relative error < 1.2e-9, with the project's log): the
 * margin's quantile, a setting rather than a result, so its few ulps do not matter.
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const e = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((e[0] * q + e[1]) * q + e[2]) * q + e[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * log(1 - p)));
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
