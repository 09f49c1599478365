/**
 * Gymnasium's spaces, as far as the classic-control environments need them: `Discrete(n)`, a float32
 * `Box` of any shape, and `MultiDiscrete` (the batched action space of a vector env over a Discrete
 * one). Each space has its own seedable sampler (`seed`, `sample`) and a membership test (`contains`)
 * with Gymnasium's rules: integers only for discrete spaces; for a Box, the right number of values,
 * each within [low, high] after rounding to float32 (Gymnasium casts to the space's dtype).
 */
import { checkSeed, entropySeed, spaceStream } from './rng.js';
import { PhiloxStream } from '../../rng/stream.js';

abstract class SeededSpace {
  private rng: PhiloxStream | undefined;

  /** Seeds this space's sampler; returns the seed (Gymnasium returns it in a list). */
  seed(seed?: number): number {
    const s = seed === undefined ? entropySeed() : checkSeed(seed);
    this.rng = new PhiloxStream(spaceStream(s));
    return s;
  }

  /** The sampler, seeded from entropy on first use when `seed` was never called (as Gymnasium does). */
  protected rngFor(): PhiloxStream {
    if (!this.rng) this.rng = new PhiloxStream(spaceStream(entropySeed()));
    return this.rng;
  }
}

/** Integers start … start + n − 1. */
export class Discrete extends SeededSpace {
  readonly kind = 'discrete' as const;
  readonly shape: readonly number[] = [];
  constructor(readonly n: number, readonly start = 0) {
    super();
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isSafeInteger(start)) throw new RangeError(`Discrete: start must be an integer, got ${start}`);
  }

  sample(): number {
    return this.start + Math.floor(this.rngFor().random() * this.n);
  }

  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  override toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** One Discrete(nvec[k]) per coordinate; values are a flat array. */
export class MultiDiscrete extends SeededSpace {
  readonly kind = 'multi-discrete' as const;
  readonly nvec: Int32Array;
  readonly shape: readonly number[];
  constructor(nvec: ArrayLike<number>) {
    super();
    for (let k = 0; k < nvec.length; k++) {
      if (!Number.isInteger(nvec[k]) || nvec[k] < 1 || nvec[k] > 0x7fffffff) throw new RangeError(`MultiDiscrete: nvec[${k}] must be a positive integer, got ${nvec[k]}`);
    }
    this.nvec = Int32Array.from(nvec);
    this.shape = [nvec.length];
  }

  sample(): Int32Array {
    const out = new Int32Array(this.nvec.length);
    const rng = this.rngFor();
    for (let k = 0; k < out.length; k++) out[k] = Math.floor(rng.random() * this.nvec[k]);
    return out;
  }

  contains(x: unknown): boolean {
    if (!isArrayLike(x) || x.length !== this.nvec.length) return false;
    for (let k = 0; k < x.length; k++) {
      const v = x[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= this.nvec[k]) return false;
    }
    return true;
  }

  override toString(): string {
    return `MultiDiscrete([${Array.from(this.nvec).join(', ')}])`;
  }
}

/** Reals in [low, high] per coordinate (float32), of a given shape; values are a flat row-major array. */
export class Box extends SeededSpace {
  readonly kind = 'box' as const;
  readonly dtype = 'float32' as const;
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly shape: readonly number[];
  /** Number of values (the product of shape). */
  readonly size: number;

  constructor(low: ArrayLike<number>, high: ArrayLike<number>, shape: readonly number[] = [low.length]) {
    super();
    const size = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isInteger(d) && d > 0) || low.length !== size || high.length !== size) {
      throw new RangeError(`Box: low and high need ${size} values for shape [${shape.join(', ')}], got ${low.length} and ${high.length}`);
    }
    this.low = Float32Array.from(low);
    this.high = Float32Array.from(high);
    for (let k = 0; k < size; k++) {
      if (!(this.low[k] <= this.high[k])) throw new RangeError(`Box: low[${k}] = ${this.low[k]} exceeds high[${k}] = ${this.high[k]}`);
    }
    this.shape = [...shape];
    this.size = size;
  }

  /** Gymnasium's Box.sample: uniform where both bounds are finite, normal where neither is, shifted exponential where one is. */
  sample(): Float32Array {
    const out = new Float32Array(this.size);
    const rng = this.rngFor();
    for (let k = 0; k < this.size; k++) {
      const lo = this.low[k];
      const hi = this.high[k];
      const boundedBelow = Number.isFinite(lo);
      const boundedAbove = Number.isFinite(hi);
      if (boundedBelow && boundedAbove) out[k] = lo + (hi - lo) * rng.random();
      else if (boundedBelow) out[k] = lo + rng.exponential();
      else if (boundedAbove) out[k] = hi - rng.exponential();
      else out[k] = rng.normal();
      // Rounding to float32 can reach `high` from just below: clamp keeps the sample inside the space.
      if (out[k] > hi) out[k] = hi;
    }
    return out;
  }

  contains(x: unknown): boolean {
    if (!isArrayLike(x) || x.length !== this.size) return false;
    for (let k = 0; k < this.size; k++) {
      const v = x[k];
      if (typeof v !== 'number') return false;
      const f = Math.fround(v);
      if (!(f >= this.low[k] && f <= this.high[k])) return false; // NaN fails both
    }
    return true;
  }

  override toString(): string {
    const fmt = (a: Float32Array) => (a.length === 1 ? String(a[0]) : `[${Array.from(a, (v) => Number(v.toPrecision(8))).join(', ')}]`);
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, (${this.shape.join(', ')}${this.shape.length === 1 ? ',' : ''}), float32)`;
  }
}

export type Space = Discrete | MultiDiscrete | Box;

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}
