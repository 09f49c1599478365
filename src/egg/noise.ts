/**
 * Integer EGGROLL noise: for every (seed, parameter, epoch, pair) a rank-1 factor pair (u, v) of int8
 * values round(16·N(0,1)), as a pure function of those four numbers.
 *
 * Why counter-based instead of the paper's shared 1 GiB table: the table exists so a GPU never draws
 * a float; here a Philox4x32-10 block (4 uniform u32 words) is turned into 4 int8 normals by integer
 * comparisons against a tabulated CDF (tables.ts normalI8), so no float is drawn either, nothing is
 * held in memory, every value is independent (a table read at hashed offsets reuses and overlaps
 * slices), and a worker can generate exactly the pairs it evaluates. Cost: one Philox block per four
 * values, a few % of a generation at the default sizes (see `eggroll bench egg`).
 *
 * Layout: parameter j with shape R×C (a vector of length R has C = R) owns the slice
 * [offset_j, offset_j + R + C) of a pair's noise vector: u (R values, the row/output side) then
 * v (C values, the column/input side); its perturbation is E = u·vᵀ (for a vector, E_i = u_i·v_i).
 */
import { philox4x32, mix32 } from '../rng/philox.js';
import { normalI8 } from './tables.js';

const block = new Uint32Array(4);

/** The Philox key of a run's noise; `purpose` separates the init stream from the per-epoch noise. */
export function noiseKey(seed: number, purpose: number): [number, number] {
  return [mix32(seed, purpose, 0x6e6f6973), mix32(seed, purpose, 0x65676721)];
}

/**
 * Writes `len` int8 normals of stream (key, c1, c2, paramId) into out[at .. at+len). Value i of a
 * stream is a pure function of the key, the three counter words and i.
 */
export function fillNormalI8(key: [number, number], c1: number, c2: number, paramId: number, out: Int8Array, at: number, len: number): void {
  const [k0, k1] = key;
  let i = 0;
  for (let b = 0; i < len; b++) {
    philox4x32(b, c1, c2, paramId, k0, k1, block, 0);
    const n = Math.min(4, len - i);
    for (let j = 0; j < n; j++) out[at + i + j] = normalI8(block[j]);
    i += n;
  }
}

export interface NoiseLayout {
  /** Per parameter: start of its (u, v) slice in a pair's noise vector, and the two lengths. */
  offsets: Int32Array;
  rows: Int32Array;
  cols: Int32Array;
  /** Length of one pair's noise vector. */
  perPair: number;
}

/**
 * The noise of pairs [p0, p1) at `epoch`, written pair after pair into out (length (p1−p0)·perPair).
 * Counter words: c1 = pair, c2 = epoch, c3 = parameter id.
 */
export function generatePairs(layout: NoiseLayout, key: [number, number], epoch: number, p0: number, p1: number, out: Int8Array): void {
  const np = layout.offsets.length;
  for (let p = p0; p < p1; p++) {
    const base = (p - p0) * layout.perPair;
    for (let j = 0; j < np; j++) {
      fillNormalI8(key, p, epoch, j, out, base + layout.offsets[j], layout.rows[j] + layout.cols[j]);
    }
  }
}
