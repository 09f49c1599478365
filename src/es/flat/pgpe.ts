/**
 * PGPE, policy gradients with parameter-based exploration (Sehnke et al., "Parameter-exploring policy gradients",
 * Neural Networks 2010), in the symmetric form of pgpelib / EvoTorch: a centre μ and one standard deviation per
 * coordinate; each generation draws λ/2 directions ε_k ~ N(0, σ²) and evaluates μ + ε_k and μ − ε_k. With centred
 * ranks u (best +½, worst −½; candidate 2k is the plus end of direction k, 2k + 1 the minus end):
 *   g_μ = Σ_k (u⁺_k − u⁻_k)/2 · ε_k / (λ/2)
 *   g_σ = Σ_k (u⁺_k + u⁻_k)/2 · (ε_k² − σ²)/σ / (λ/2)
 * μ follows g_μ through ClipUp (Toklu et al., "ClipUp: a simple and powerful optimizer for distribution-based policy
 * evolution", PPSN 2020: v ← m·v + α·g/‖g‖, clipped to ‖v‖ ≤ v_max; μ ← μ + v) or Adam, or plain steps; σ ← σ + η_σ·g_σ,
 * each coordinate's change limited to ±20 % (stdev_max_change). It minimises (the ranks turn lower into better).
 *
 * Deterministic as CMA-ES: direction k of generation g draws from stream (seed, 'pgpe', g, k); ties keep order.
 */
import { log, pow } from '../../math/index.js';
import { namedStream } from '../../rng/stream.js';
import { fillNormals } from '../../rng/normal.js';
import { PerCoordinateSigmas, restore, scalar, type FlatStrategy } from './types.js';

/** Coordinates per tile of tell()'s sums (two float64 accumulators of 8 KB each stay in L1). */
const TILE = 1024;

export interface PgpeOptions {
  /** λ, an even number of candidates (λ/2 directions; default 4 + ⌊3 ln d⌋ rounded up to even, at least 8). */
  popSize?: number;
  seed?: number;
  /** How the centre follows its gradient (default 'clipup'). */
  optimizer?: 'clipup' | 'adam' | 'sgd';
  /** ClipUp's α, Adam's or SGD's learning rate (default: ClipUp v_max/2, else 0.1·σ0). */
  centerLearningRate?: number;
  /** ClipUp's speed limit v_max (default ‖σ0‖/15 = σ0·√d/15: the ClipUp paper sets the initial radius to 15·v_max). */
  maxSpeed?: number;
  /** ClipUp's momentum (default 0.9). */
  momentum?: number;
  /** η_σ (default 0.1). */
  stdevLearningRate?: number;
  /** Largest relative change of a σ per generation (default 0.2). */
  stdevMaxChange?: number;
}

export class Pgpe extends PerCoordinateSigmas implements FlatStrategy {
  readonly d: number;
  readonly lambda: number;
  readonly seed: number;
  readonly optimizer: 'clipup' | 'adam' | 'sgd';
  readonly centerLr: number;
  readonly maxSpeed: number;
  readonly momentum: number;
  readonly stdevLr: number;
  readonly stdevMaxChange: number;
  mean: Float64Array;
  readonly sigmas: Float64Array;
  /** ClipUp's velocity, or Adam's first moment. */
  readonly velocity: Float64Array;
  /** Adam's second moment. */
  readonly second: Float64Array;
  generation = 0;
  /** This generation's ε_k (kept from ask() for tell()), candidates and a normals buffer, reused. */
  private eps: Float64Array[] = [];
  private xs: Float64Array[] = [];
  private z = new Float32Array(0);
  private asked = false;

  constructor(x0: ArrayLike<number>, sigma0: number, opts: PgpeOptions = {}) {
    super();
    const d = x0.length;
    if (d < 1) throw new RangeError('PGPE: x0 must have at least one coordinate');
    if (!(sigma0 > 0) || !Number.isFinite(sigma0)) throw new RangeError(`PGPE: sigma0 must be a finite number > 0, got ${sigma0}`);
    const def = Math.max(8, 4 + Math.floor(3 * log(d)));
    const lambda = opts.popSize ?? def + (def % 2);
    if (!Number.isInteger(lambda) || lambda < 2 || lambda % 2 !== 0) throw new RangeError(`PGPE: popSize must be an even integer ≥ 2 (symmetric pairs), got ${lambda}`);
    this.d = d;
    this.lambda = lambda;
    this.seed = opts.seed ?? 0;
    this.optimizer = opts.optimizer ?? 'clipup';
    if (!['clipup', 'adam', 'sgd'].includes(this.optimizer)) throw new RangeError(`PGPE: optimizer must be 'clipup', 'adam' or 'sgd', got '${this.optimizer}'`);
    this.maxSpeed = opts.maxSpeed ?? (sigma0 * Math.sqrt(d)) / 15;
    this.centerLr = opts.centerLearningRate ?? (this.optimizer === 'clipup' ? this.maxSpeed / 2 : 0.1 * sigma0);
    this.momentum = opts.momentum ?? 0.9;
    this.stdevLr = opts.stdevLearningRate ?? 0.1;
    this.stdevMaxChange = opts.stdevMaxChange ?? 0.2;
    for (const [name, v] of [['centerLearningRate', this.centerLr], ['maxSpeed', this.maxSpeed], ['stdevLearningRate', this.stdevLr], ['stdevMaxChange', this.stdevMaxChange]] as const) {
      if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`PGPE: ${name} must be a finite number > 0, got ${v}`);
    }
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`PGPE: momentum must be in [0, 1), got ${this.momentum}`);
    this.mean = Float64Array.from(x0);
    this.sigmas = new Float64Array(d).fill(sigma0);
    this.velocity = new Float64Array(d);
    this.second = new Float64Array(this.optimizer === 'adam' ? d : 0);
  }

  /** λ candidates, μ + ε_k and μ − ε_k in turn: the strategy's own arrays, reused by the next ask() (copy one to keep it). */
  ask(): Float64Array[] {
    const { d, lambda } = this;
    const n = lambda / 2;
    if (this.xs.length !== lambda) {
      this.xs = Array.from({ length: lambda }, () => new Float64Array(d));
      this.eps = Array.from({ length: n }, () => new Float64Array(d));
      this.z = new Float32Array(d);
    }
    // Locals, not fields, in the per-coordinate loop: V8 then keeps the arrays in registers.
    const { z, sigmas, mean } = this;
    for (let k = 0; k < n; k++) {
      fillNormals(namedStream(this.seed, 'pgpe', this.generation, k), 0, z, 0, d);
      const e = this.eps[k], plus = this.xs[2 * k], minus = this.xs[2 * k + 1];
      for (let i = 0; i < d; i++) {
        const ei = sigmas[i] * z[i];
        e[i] = ei;
        plus[i] = mean[i] + ei;
        minus[i] = mean[i] - ei;
      }
    }
    this.asked = true;
    return this.xs;
  }

  /** Lower is better; NaN and ±Inf rank last. */
  tell(fitness: ArrayLike<number>): void {
    const { d, lambda } = this;
    if (!this.asked) throw new Error('PGPE: tell() needs the candidates of an ask() first');
    if (fitness.length !== lambda) throw new RangeError(`PGPE: expected ${lambda} fitness values, got ${fitness.length}`);
    const u = centeredRanks(fitness);
    const n = lambda / 2;
    const gMu = new Float64Array(d), gSigma = new Float64Array(d);
    const { eps, sigmas } = this;
    // Tile by tile of coordinates, pair-major inside a tile: each coordinate sums over the pairs in order (the bits of
    // the plain loops) while the tile's sums stay in L1.
    for (let i0 = 0; i0 < d; i0 += TILE) {
      const i1 = Math.min(d, i0 + TILE);
      for (let k = 0; k < n; k++) {
        const diff = (u[2 * k] - u[2 * k + 1]) / 2, avg = (u[2 * k] + u[2 * k + 1]) / 2;
        const e = eps[k];
        for (let i = i0; i < i1; i++) {
          const ei = e[i], s = sigmas[i];
          gMu[i] += diff * ei;
          gSigma[i] += (avg * (ei * ei - s * s)) / s;
        }
      }
    }
    for (let i = 0; i < d; i++) { gMu[i] /= n; gSigma[i] /= n; }
    this.stepCentre(gMu);
    for (let i = 0; i < d; i++) {
      const s = this.sigmas[i];
      const lim = this.stdevMaxChange * s;
      this.sigmas[i] = s + Math.min(lim, Math.max(-lim, this.stdevLr * gSigma[i]));
    }
    this.generation++;
    this.asked = false;
  }

  /** The centre's step along g (ascent on the ranks). */
  private stepCentre(g: Float64Array): void {
    const { d } = this;
    if (this.optimizer === 'sgd') {
      for (let i = 0; i < d; i++) this.mean[i] += this.centerLr * g[i];
      return;
    }
    if (this.optimizer === 'adam') {
      const b1 = 0.9, b2 = 0.999, t = this.generation + 1;
      const c1 = 1 / (1 - pow(b1, t)), c2 = 1 / (1 - pow(b2, t));
      for (let i = 0; i < d; i++) {
        this.velocity[i] = b1 * this.velocity[i] + (1 - b1) * g[i];
        this.second[i] = b2 * this.second[i] + (1 - b2) * g[i] * g[i];
        this.mean[i] += (this.centerLr * this.velocity[i] * c1) / (Math.sqrt(this.second[i] * c2) + 1e-8);
      }
      return;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += g[i] * g[i];
    norm = Math.sqrt(norm);
    let speed = 0;
    for (let i = 0; i < d; i++) {
      this.velocity[i] = this.momentum * this.velocity[i] + (norm > 0 ? (this.centerLr * g[i]) / norm : 0);
      speed += this.velocity[i] * this.velocity[i];
    }
    speed = Math.sqrt(speed);
    const scale = speed > this.maxSpeed ? this.maxSpeed / speed : 1;
    for (let i = 0; i < d; i++) {
      this.velocity[i] *= scale;
      this.mean[i] += this.velocity[i];
    }
  }

  exportState(): Record<string, Float64Array> {
    return { generation: Float64Array.of(this.generation), mean: this.mean, sigmas: this.sigmas, velocity: this.velocity, ...(this.second.length ? { second: this.second } : {}) };
  }

  importState(st: Record<string, Float64Array>): void {
    restore(st, 'mean', this.mean);
    restore(st, 'sigmas', this.sigmas);
    restore(st, 'velocity', this.velocity);
    if (this.second.length) restore(st, 'second', this.second);
    this.generation = scalar(st, 'generation');
    this.asked = false;
  }
}

/**
 * Centred ranks of values to minimise: the lowest gets +½, the highest −½, evenly between (ties keep order; NaN and
 * ±Inf count as the highest). One value gets 0.
 */
export function centeredRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const key = Array.from({ length: n }, (_, k) => (Number.isFinite(values[k]) ? values[k] : Infinity));
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => (key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : a - b));
  const u = new Float64Array(n);
  if (n < 2) return u;
  order.forEach((k, r) => { u[k] = 0.5 - r / (n - 1); });
  return u;
}
