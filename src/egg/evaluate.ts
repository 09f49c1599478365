/**
 * Evaluation as pure functions of their inputs, so that a population can be split over any number
 * of workers with identical results: the fitness of member i depends only on the weights, the step
 * (epoch), member i's noise (a function of seed, epoch and pair i≫1), its group's byte window and its
 * own recurrent state — never on which other rows share the GEMM (the backend contract) or the chunk.
 */
import type { Backend } from '../backend/types.js';
import { EggArch, EggForward, type RowNoise } from './model.js';
import { generatePairs } from './noise.js';
import type { EggKernels } from './kernels.js';

/** Rows per forward pass: bounds memory; results do not depend on it. */
export const CHUNK_ROWS = 512;

/** What one generation's evaluation reads; every array may be shared memory. */
export interface PopulationInput {
  arch: EggArch;
  params: Int8Array;
  /** layers × pop × D recurrent states, read and written. */
  states: Int8Array;
  /** groups × (T+1) bytes: group g's window (T inputs and the byte after). */
  windows: Uint8Array;
  pop: number;
  groupSize: number;
  tokens: number;
  sigmaShift: number;
  noiseKey: [number, number];
  epoch: number;
  /**
   * Optional (pop/2) × perPair buffer (shared memory with workers): each evaluation writes the noise
   * of its own pairs here, so the update reuses it instead of generating it a second time.
   */
  noise?: Int8Array;
}

/** Keeps one EggForward per row count, so a loop allocates nothing after its first generation. */
export class ForwardCache {
  private readonly map = new Map<number, EggForward>();
  /** `kernels`: the per-row kernels to use (default: the backend's best, see kernels.ts). */
  constructor(readonly arch: EggArch, readonly backend: Backend, readonly kernels?: EggKernels) {}
  get(rows: number): EggForward {
    let f = this.map.get(rows);
    if (!f) { f = new EggForward(this.arch, this.backend, rows, this.kernels); this.map.set(rows, f); }
    return f;
  }
  gemmNs(): number { let s = 0; for (const f of this.map.values()) s += f.gemmNs; return s; }
  setTiming(on: boolean): void { for (const f of this.map.values()) { f.timeGemm = on; f.gemmNs = 0; } }
}

/**
 * Fitness (Σ log₂-probability in 1/16 bit over the window, higher is better) of members [r0, r1),
 * written to fitness[r0 .. r1); their states are advanced in place.
 */
export function evaluateMembers(inp: PopulationInput, cache: ForwardCache, r0: number, r1: number, fitness: Int32Array): void {
  const { arch, pop, groupSize, tokens: T } = inp;
  const perPair = arch.noise.perPair;
  for (let c0 = r0; c0 < r1; c0 += CHUNK_ROWS) {
    const c1 = Math.min(r1, c0 + CHUNK_ROWS);
    const rows = c1 - c0;
    const fwd = cache.get(rows);
    const p0 = c0 >> 1, p1 = (c1 + 1) >> 1;
    // Into the shared buffer at the pairs' global offsets, or into a local one.
    const writeAt = inp.noise ? p0 : 0; // first pair's slot in `noise`
    const noise = inp.noise ?? new Int8Array((p1 - p0) * perPair);
    generatePairs(arch.noise, inp.noiseKey, inp.epoch, p0, p1, noise.subarray(writeAt * perPair));
    const rn: RowNoise = { sign: new Int8Array(rows), noiseAt: new Int32Array(rows), noise, sigmaShift: inp.sigmaShift };
    for (let i = 0; i < rows; i++) {
      const m = c0 + i;
      rn.sign[i] = (m & 1) === 0 ? 1 : -1;
      rn.noiseAt[i] = ((m >> 1) - p0 + writeAt) * perPair;
    }
    fwd.setWeights(inp.params);
    fwd.setNoise(rn);
    fwd.loadStates(inp.states, pop, c0);
    const input = new Uint8Array(rows);
    const target = new Uint8Array(rows);
    const fit = new Int32Array(rows);
    const windowAt = new Int32Array(rows);
    for (let i = 0; i < rows; i++) windowAt[i] = Math.floor((c0 + i) / groupSize) * (T + 1);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < rows; i++) { input[i] = inp.windows[windowAt[i] + t]; target[i] = inp.windows[windowAt[i] + t + 1]; }
      fwd.step(input);
      const lp = fwd.logProbs(target);
      for (let i = 0; i < rows; i++) fit[i] += lp[i];
    }
    fwd.saveStates(inp.states, pop, c0);
    fitness.set(fit, c0);
  }
}

export interface StreamScore {
  /** −Σ log₂ p in 1/16 bit. */
  bits16: number;
  /** Bytes predicted. */
  count: number;
}

/**
 * The unperturbed model's score on a byte stream: the stream's L−1 targets are cut into `rows`
 * contiguous pieces run side by side, each from a zero state (and reset at every 0 byte).
 */
export function scoreStream(arch: EggArch, cache: ForwardCache, params: Int8Array, stream: Uint8Array, rows = 64): StreamScore {
  const targets = stream.length - 1;
  if (targets < 1) return { bits16: 0, count: 0 };
  rows = Math.max(1, Math.min(rows, targets));
  const len = Math.ceil(targets / rows);
  const fwd = cache.get(rows);
  fwd.setWeights(params);
  fwd.resetStates();
  fwd.setNoise({ sign: new Int8Array(rows), noiseAt: new Int32Array(rows), noise: new Int8Array(0), sigmaShift: 0 });
  const input = new Uint8Array(rows);
  const next = new Uint8Array(rows);
  let bits16 = 0, count = 0;
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < rows; i++) { const p = i * len + t; input[i] = p < targets ? stream[p] : 0; next[i] = p < targets ? stream[p + 1] : 0; }
    fwd.step(input);
    const lp = fwd.logProbs(next);
    for (let i = 0; i < rows; i++) if (i * len + t < targets) { bits16 -= lp[i]; count++; }
  }
  return { bits16, count };
}
