/** Deterministic parameter initialisation: a pure function of (seed, parameter id), on its own Philox streams. */
import { fillNormals } from '../rng/normal.js';
import { mix32 } from '../rng/philox.js';

/** N(0,1)·scale for every entry of `out`; the stream family is disjoint from the ES noise streams. */
export function initNormal(seed: number, paramId: number, out: Float32Array, scale: number): void {
  fillNormals({ key0: mix32(seed, paramId, 0x696e), key1: mix32(paramId, seed, 0x6974), c1: 0, c2: 0, c3: 7 }, 0, out, 0, out.length);
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= scale;
}
