/**
 * Noise is a function, not data: every perturbation is regenerated from
 * (run seed, parameter id, epoch, pair) by the counter-based Philox generator, so any process can
 * rebuild any member's noise, and nothing per member is kept between generations.
 *
 * Streams (counter word c3 tells them apart, c1 is the pair, c2 the epoch):
 *   c3 = 0: the B factor, r rows of n values (row ρ is B[:, ρ]ᵀ)
 *   c3 = 1: the A factor, r rows of m values
 *   c3 = 2: dense noise for a 'full' tensor, all its entries in row-major order
 */
import { fillNormals, type StreamAddress } from '../rng/normal.js';
import { mix32 } from '../rng/philox.js';

const STREAM_B = 0;
const STREAM_A = 1;
const STREAM_DENSE = 2;

function address(seed: number, paramId: number, epoch: number, pair: number, stream: number): StreamAddress {
  return { key0: mix32(seed, paramId, 0x6567), key1: mix32(paramId, seed, 0x726f), c1: pair, c2: epoch, c3: stream };
}

/**
 * A tensor's streams at an epoch as key and counter words (c1, the pair, left to the caller): B factor (c3 = 0),
 * A factor (c3 = 1), dense noise (c3 = 2) — what a device noise kernel needs to regenerate the same values.
 */
export function noiseStreams(seed: number, paramId: number, epoch: number): { b: NoiseStream; a: NoiseStream; dense: NoiseStream } {
  const key0 = mix32(seed, paramId, 0x6567), key1 = mix32(paramId, seed, 0x726f);
  return { b: { key0, key1, c2: epoch, c3: STREAM_B }, a: { key0, key1, c2: epoch, c3: STREAM_A }, dense: { key0, key1, c2: epoch, c3: STREAM_DENSE } };
}

export interface NoiseStream {
  key0: number;
  key1: number;
  c2: number;
  c3: number;
}

/** Epoch used for noise at a generation: noiseReuse k keeps noise for k generations; 0 freezes it forever. */
export function noiseEpoch(generation: number, noiseReuse: number): number {
  return noiseReuse === 0 ? 0 : Math.floor(generation / noiseReuse);
}

/**
 * Writes the low-rank factors of pairs [pairStart, pairStart+pairCount) into `at` ((pairCount·r)×m) and
 * `bt` ((pairCount·r)×n), local pair index first.
 */
export function lowRankFactors(seed: number, paramId: number, epoch: number, pairStart: number, pairCount: number,
  m: number, n: number, r: number, at: Float32Array, bt: Float32Array): void {
  for (let k = 0; k < pairCount; k++) {
    const pair = pairStart + k;
    fillNormals(address(seed, paramId, epoch, pair, STREAM_B), 0, bt, k * r * n, r * n);
    fillNormals(address(seed, paramId, epoch, pair, STREAM_A), 0, at, k * r * m, r * m);
  }
}

/** Dense N(0, 1) noise of `size` entries for one pair. */
export function denseNoise(seed: number, paramId: number, epoch: number, pair: number, out: Float32Array, offset: number, size: number): void {
  fillNormals(address(seed, paramId, epoch, pair, STREAM_DENSE), 0, out, offset, size);
}

// Initial values are a model's business (src/nn/init.ts); re-exported for callers that know them from here.
export { initNormal } from '../nn/init.js';
