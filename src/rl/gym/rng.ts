/**
 * The random numbers behind `space.sample()` and unseeded resets. Gymnasium draws them from NumPy's
 * PCG64; here they come from a Philox stream keyed by the seed (like every other random number in the
 * project), so samples are reproducible by seed but differ from Gymnasium's for the same seed.
 */
import { mix32 } from '../../rng/philox.js';
import type { StreamAddress } from '../../rng/stream.js';

/** Counter word c3 of the space-sampling streams ('spac'), apart from the reset streams ('rset'). */
const SPACE_STREAM = 0x73706163;

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

/** The address of the space-sampling stream of `seed`: draws come from it through rng/stream.ts's PhiloxStream. */
export function spaceStream(seed: number): StreamAddress {
  checkSeed(seed);
  return { key0: mix32(seed, 0x73706163), key1: mix32(0x6578706c, seed), c1: 0, c2: 0, c3: SPACE_STREAM };
}
