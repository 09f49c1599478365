/**
 * ARS, augmented random search (Mania, Guy & Recht, "Simple random search of static linear policies is competitive
 * for reinforcement learning", NeurIPS 2018, Algorithm 1): N directions δ_k ~ N(0, I) per generation, candidates
 * θ + ν·δ_k and θ − ν·δ_k (candidate 2k the plus end), and the step
 *   θ ← θ + α/(b·σ_R) · Σ_{k ∈ top b} (r⁺_k − r⁻_k)·δ_k
 * over the b directions whose better end is best (V1-t; b = N is V1), σ_R the standard deviation of the 2b rewards
 * used. ARS maximises rewards; here r = −f, since a FlatStrategy minimises. V2's observation normalisation belongs
 * to the policy, not to the search on a flat vector (see the RL integration).
 *
 * Deterministic as CMA-ES: direction k of generation g draws from stream (seed, 'ars ', g, k); ties keep order.
 */
import { namedStream } from '../../rng/stream.js';
import { fillNormals } from '../../rng/normal.js';
import { restore, scalar, type FlatStrategy } from './types.js';

export interface ArsOptions {
  /** 2N candidates, N directions (default 2·min(64, max(8, ⌈d/2⌉))). */
  popSize?: number;
  seed?: number;
  /** α, the step size (default 0.02, the paper's MuJoCo setting's order). */
  learningRate?: number;
  /** b, the directions kept (default all: V1; fewer: V1-t). */
  topDirections?: number;
}

export class Ars implements FlatStrategy {
  readonly d: number;
  readonly lambda: number;
  readonly seed: number;
  readonly nu: number;
  readonly alpha: number;
  readonly top: number;
  mean: Float64Array;
  generation = 0;
  /** This generation's δ_k (kept from ask() for tell()) and candidates, reused. */
  private deltas: Float32Array[] = [];
  private xs: Float64Array[] = [];
  private asked = false;

  constructor(x0: ArrayLike<number>, sigma0: number, opts: ArsOptions = {}) {
    const d = x0.length;
    if (d < 1) throw new RangeError('ARS: x0 must have at least one coordinate');
    if (!(sigma0 > 0) || !Number.isFinite(sigma0)) throw new RangeError(`ARS: sigma0 (ν, the exploration noise) must be a finite number > 0, got ${sigma0}`);
    const lambda = opts.popSize ?? 2 * Math.min(64, Math.max(8, Math.ceil(d / 2)));
    if (!Number.isInteger(lambda) || lambda < 2 || lambda % 2 !== 0) throw new RangeError(`ARS: popSize must be an even integer ≥ 2 (plus and minus ends), got ${lambda}`);
    this.d = d;
    this.lambda = lambda;
    this.seed = opts.seed ?? 0;
    this.nu = sigma0;
    this.alpha = opts.learningRate ?? 0.02;
    if (!(this.alpha > 0) || !Number.isFinite(this.alpha)) throw new RangeError(`ARS: learningRate must be a finite number > 0, got ${this.alpha}`);
    this.top = opts.topDirections ?? lambda / 2;
    if (!Number.isInteger(this.top) || this.top < 1 || this.top > lambda / 2) throw new RangeError(`ARS: topDirections must be an integer in [1, ${lambda / 2}], got ${this.top}`);
    this.mean = Float64Array.from(x0);
  }

  /** 2N candidates, θ + νδ_k and θ − νδ_k in turn: the strategy's own arrays, reused by the next ask() (copy one to keep it). */
  ask(): Float64Array[] {
    const { d, nu, lambda } = this;
    const n = lambda / 2;
    if (this.xs.length !== lambda) {
      this.xs = Array.from({ length: lambda }, () => new Float64Array(d));
      this.deltas = Array.from({ length: n }, () => new Float32Array(d));
    }
    const mean = this.mean; // a local in the loop: V8 keeps it in a register
    for (let k = 0; k < n; k++) {
      const z = this.deltas[k], plus = this.xs[2 * k], minus = this.xs[2 * k + 1];
      fillNormals(namedStream(this.seed, 'ars ', this.generation, k), 0, z, 0, d);
      for (let i = 0; i < d; i++) { plus[i] = mean[i] + nu * z[i]; minus[i] = mean[i] - nu * z[i]; }
    }
    this.asked = true;
    return this.xs;
  }

  /** Lower is better; a non-finite value counts as the worst reward seen this generation. */
  tell(fitness: ArrayLike<number>): void {
    const { d, lambda } = this;
    const n = lambda / 2;
    if (!this.asked) throw new Error('ARS: tell() needs the candidates of an ask() first');
    if (fitness.length !== lambda) throw new RangeError(`ARS: expected ${lambda} fitness values, got ${fitness.length}`);
    let worst = Infinity;
    for (let k = 0; k < lambda; k++) if (Number.isFinite(fitness[k])) worst = Math.min(worst, -fitness[k]);
    if (worst === Infinity) { this.generation++; this.asked = false; return; } // nothing finite: no step
    const r = Array.from({ length: lambda }, (_, k) => (Number.isFinite(fitness[k]) ? -fitness[k] : worst));
    const order = Array.from({ length: n }, (_, k) => k)
      .sort((a, b) => { const ma = Math.max(r[2 * a], r[2 * a + 1]), mb = Math.max(r[2 * b], r[2 * b + 1]); return ma > mb ? -1 : ma < mb ? 1 : a - b; })
      .slice(0, this.top);
    let sum = 0, sum2 = 0;
    for (const k of order) for (const v of [r[2 * k], r[2 * k + 1]]) { sum += v; sum2 += v * v; }
    const m = 2 * order.length;
    const sigmaR = Math.sqrt(Math.max(0, sum2 / m - (sum / m) * (sum / m)));
    if (sigmaR > 0) {
      const step = new Float64Array(d);
      for (const k of order) {
        const w = r[2 * k] - r[2 * k + 1], z = this.deltas[k];
        for (let i = 0; i < d; i++) step[i] += w * z[i];
      }
      const c = this.alpha / (order.length * sigmaR);
      for (let i = 0; i < d; i++) this.mean[i] += c * step[i];
    }
    this.generation++;
    this.asked = false;
  }

  exportState(): Record<string, Float64Array> {
    return { generation: Float64Array.of(this.generation), mean: this.mean };
  }

  importState(st: Record<string, Float64Array>): void {
    restore(st, 'mean', this.mean);
    this.generation = scalar(st, 'generation');
    this.asked = false;
  }

  get stepSize(): number {
    return this.nu;
  }

  /** ν: the search never narrows (ARS keeps its exploration noise fixed). */
  maxStd(): number {
    return this.nu;
  }

  get conditionNumber(): number {
    return 1;
  }
}
