/**
 * The random numbers behind `space.sample()` and unseeded resets. Gymnasium draws them from NumPy's
 * PCG64; here they come from a Philox stream keyed by the seed (like every other random number in the
 * project), so samples are reproducible by seed but differ from Gymnasium's for the same seed.
 */
import { mix32, philox4x32 } from '../../rng/philox.js';
import { cos, log } from '../../math/index.js';

/** Counter word c3 of the space-sampling streams ('spac'), apart from the reset streams ('rset'). */
const SPACE_STREAM = 0x73706163;
const TWO_POW_53 = 9007199254740992;

/** A fresh seed from the platform's entropy (crypto.getRandomValues: Node ≥ 19 and every browser), as Gymnasium seeds an unseeded np_random. */
export function entropySeed(): number {
  const w = new Uint32Array(1);
  globalThis.crypto.getRandomValues(w);
  return w[0];
}

/** Throws unless `seed` is a non-negative safe integer (Gymnasium also refuses negative seeds). */
export function checkSeed(seed: unknown, what = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`${what} must be a non-negative integer, got ${String(seed)}`);
  return seed;
}

/** Uniform doubles in [0, 1) with 53 random bits, two per Philox block, from the stream of `seed`. */
export class SpaceRng {
  private key0 = 0;
  private key1 = 0;
  private block = 0;
  private readonly words = new Uint32Array(4);
  /** Doubles left in `words` (0, 1 or 2). */
  private left = 0;

  constructor(seed: number = entropySeed()) {
    this.seed(seed);
  }

  seed(seed: number): void {
    checkSeed(seed);
    this.key0 = mix32(seed, 0x73706163);
    this.key1 = mix32(0x6578706c, seed);
    this.block = 0;
    this.left = 0;
  }

  uniform(): number {
    if (this.left === 0) {
      philox4x32(this.block++, 0, 0, SPACE_STREAM, this.key0, this.key1, this.words, 0);
      this.left = 2;
    }
    const k = 2 - this.left--;
    return (this.words[2 * k] * 2097152 + (this.words[2 * k + 1] >>> 11)) / TWO_POW_53;
  }

  /** An integer in [0, n), n ≤ 2^32. */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal (Box–Muller on two uniforms; 1 − u keeps the log finite). */
  normal(): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * log(u1)) * cos(2 * Math.PI * u2);
  }

  /** Exponential with rate 1. */
  exponential(): number {
    return -log(1 - this.uniform());
  }
}
