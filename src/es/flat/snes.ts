/**
 * SNES, separable natural evolution strategies (Schaul, Glasmachers & Schmidhuber, "High dimensions and heavy
 * tails for natural evolution strategies", GECCO 2011, Algorithm 2): a mean and one standard deviation per
 * coordinate, rank-based utilities u_k = max(0, ln(λ/2 + 1) − ln k)/Σ − 1/λ, and the natural-gradient steps
 * μ ← μ + η_μ·σ⊙Σ u_k s_k, σ ← σ⊙exp(η_σ/2·Σ u_k (s_k² − 1)) with η_μ = 1, η_σ = (3 + ln d)/(5√d). O(λ·d) per
 * generation and O(d) memory. It minimises.
 *
 * Deterministic as CMA-ES (cma-es.ts): candidate k of generation g draws from stream (seed, 'snes', g, k), the update
 * uses +, −, ×, ÷, √ and the project's exp/log, ties keep candidate order.
 */
import { exp, log } from '../../math/index.js';
import { namedStream } from '../../rng/stream.js';
import { fillNormals } from '../../rng/normal.js';
import { PerCoordinateSigmas, restore, scalar, type FlatStrategy } from './types.js';

/** Coordinates per tile of tell()'s sums: 2 × 8 KB of float64 accumulators, which fit L1 beside the rows' slices. */
const TILE = 1024;

export interface SnesOptions {
  /** λ (default 4 + ⌊3 ln d⌋). */
  popSize?: number;
  seed?: number;
}

export class Snes extends PerCoordinateSigmas implements FlatStrategy {
  readonly d: number;
  readonly lambda: number;
  readonly seed: number;
  /** Utilities by rank (best first), summing to 0. */
  readonly utilities: Float64Array;
  readonly etaMu = 1;
  readonly etaSigma: number;
  mean: Float64Array;
  /** One standard deviation per coordinate. */
  readonly sigmas: Float64Array;
  generation = 0;
  /** This generation's standard normal draws s_k (λ×d; x_k = mean + σ⊙s_k), kept from ask() for tell(). */
  private z = new Float32Array(0);
  private xs: Float64Array[] = [];
  private asked = false;

  constructor(x0: ArrayLike<number>, sigma0: number, opts: SnesOptions = {}) {
    super();
    const d = x0.length;
    if (d < 1) throw new RangeError('SNES: x0 must have at least one coordinate');
    if (!(sigma0 > 0) || !Number.isFinite(sigma0)) throw new RangeError(`SNES: sigma0 must be a finite number > 0, got ${sigma0}`);
    const lambda = opts.popSize ?? 4 + Math.floor(3 * log(d));
    if (!Number.isInteger(lambda) || lambda < 2) throw new RangeError(`SNES: popSize must be an integer ≥ 2, got ${lambda}`);
    this.d = d;
    this.lambda = lambda;
    this.seed = opts.seed ?? 0;
    const u = new Float64Array(lambda);
    let sum = 0;
    for (let k = 0; k < lambda; k++) { u[k] = Math.max(0, log(lambda / 2 + 1) - log(k + 1)); sum += u[k]; }
    for (let k = 0; k < lambda; k++) u[k] = u[k] / sum - 1 / lambda;
    this.utilities = u;
    this.etaSigma = (3 + log(d)) / (5 * Math.sqrt(d));
    this.mean = Float64Array.from(x0);
    this.sigmas = new Float64Array(d).fill(sigma0);
  }

  /**
   * λ candidates x_k = mean + σ⊙s_k. The arrays are the strategy's own, reused by the next ask() (copy one to keep it):
   * at d = 10⁵ a generation would otherwise allocate 2λ vectors of 800 KB.
   */
  ask(): Float64Array[] {
    const { d, lambda } = this;
    // Float32 normals through the normals kernel (wasm/native, the reference's bits).
    if (this.z.length !== lambda * d) {
      this.z = new Float32Array(lambda * d);
      this.xs = Array.from({ length: lambda }, () => new Float64Array(d));
    }
    // Locals, not fields, in the per-coordinate loops: V8 then keeps the arrays in registers (docs/BENCHMARKS.md,
    // "Flat strategies": this session's A/B at d = 10⁵).
    const { z, xs, mean, sigmas } = this;
    for (let k = 0; k < lambda; k++) {
      fillNormals(namedStream(this.seed, 'snes', this.generation, k), 0, z, k * d, d);
      const x = xs[k], o = k * d;
      for (let i = 0; i < d; i++) x[i] = mean[i] + sigmas[i] * z[o + i];
    }
    this.asked = true;
    return xs;
  }

  /** Lower is better; NaN and ±Inf rank last. */
  tell(fitness: ArrayLike<number>): void {
    const { d, lambda, utilities: u, z } = this;
    if (!this.asked) throw new Error('SNES: tell() needs the candidates of an ask() first');
    if (fitness.length !== lambda) throw new RangeError(`SNES: expected ${lambda} fitness values, got ${fitness.length}`);
    const key = Array.from({ length: lambda }, (_, k) => (Number.isFinite(fitness[k]) ? fitness[k] : Infinity));
    const order = Array.from({ length: lambda }, (_, k) => k).sort((a, b) => (key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : a - b));
    // Each coordinate's sums run over the ranks in order, so the bits do not depend on the loop shape; the loops go
    // tile by tile of coordinates (rank-major inside a tile) so that a tile's sums stay in L1 while the λ rows pass.
    const { mean, sigmas, etaMu } = this;
    const halfEtaSigma = this.etaSigma / 2;
    const gMu = new Float64Array(Math.min(TILE, d)), gSigma = new Float64Array(Math.min(TILE, d));
    for (let i0 = 0; i0 < d; i0 += TILE) {
      const n = Math.min(TILE, d - i0);
      if (i0 > 0) { gMu.fill(0); gSigma.fill(0); }
      for (let r = 0; r < lambda; r++) {
        const o = order[r] * d + i0, ur = u[r];
        for (let i = 0; i < n; i++) {
          const s = z[o + i];
          gMu[i] += ur * s;
          gSigma[i] += ur * (s * s - 1);
        }
      }
      for (let i = 0; i < n; i++) {
        mean[i0 + i] += etaMu * sigmas[i0 + i] * gMu[i];
        sigmas[i0 + i] *= exp(halfEtaSigma * gSigma[i]);
      }
    }
    this.generation++;
    this.asked = false;
  }

  exportState(): Record<string, Float64Array> {
    return { generation: Float64Array.of(this.generation), mean: this.mean, sigmas: this.sigmas };
  }

  importState(st: Record<string, Float64Array>): void {
    restore(st, 'mean', this.mean);
    restore(st, 'sigmas', this.sigmas);
    this.generation = scalar(st, 'generation');
    this.asked = false;
  }
}
