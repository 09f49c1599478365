/**
 * Reasoning's streams for problem generation and sampling: Philox blocks under a key derived from the ids (a seed, a
 * split, a problem index…), drawn in order with rng/stream.ts's PhiloxStream, so problem i (or any sampling step) is a
 * pure function of its ids, with nothing carried between them.
 */
import { mix32 } from '../rng/philox.js';
import { PhiloxStream } from '../rng/stream.js';

/** The stream the ids name; equal ids give equal streams. */
export function idStream(...ids: number[]): PhiloxStream {
  return new PhiloxStream({ key0: mix32(...ids, 0x5eed), key1: mix32(...ids, 0xc0de), c1: 0, c2: 0, c3: 0 });
}
