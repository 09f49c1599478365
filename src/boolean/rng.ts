/**
 * The Boolean lab's streams: its purposes and the address each (seed, purpose, index, sub) has. The hot loops (MH
 * proposals, prior draws) draw from rng/stream.ts's Xoshiro128 seeded by one Philox block of that address, so a run
 * is still a pure function of (--seed, what, which) and independent of how work is split across workers.
 */
import { mix32 } from '../rng/philox.js';
import { Xoshiro128, tag, type StreamAddress } from '../rng/stream.js';

/** Purposes keep the streams of different jobs apart (a chain's proposals vs a data split vs a target). */
export const STREAM = { target: 1, split: 2, init: 3, chain: 4, prior: 5, eggroll: 6, greedy: 7 } as const;

/** The address of the lab's stream (seed, purpose, ·, sub): the block index is the stream's index. */
export function booleanStream(seed: number, purpose: number, sub = 0): StreamAddress {
  return { key0: mix32(seed), key1: mix32(seed, 0x9e3779b9), c1: sub >>> 0, c2: purpose >>> 0, c3: tag('bool') };
}

/** The fast generator of stream (seed, purpose, index, sub). */
export function seqRng(seed: number, purpose: number, index = 0, sub = 0): Xoshiro128 {
  return new Xoshiro128(booleanStream(seed, purpose, sub), index);
}
