/**
 * Turning a population's MLP outputs into actions, and observations into MLP inputs.
 *   discrete spaces: argmax of the logits, or a sample from their softmax (counter-based, so a
 *     member's action sequence is reproducible wherever it is computed);
 *   continuous spaces: tanh, scaled to the action bounds.
 * Observation normalisation follows OpenAI's ES: a running mean and std over every observation seen by
 * the population, frozen during a generation, with the std floored and normalised values clipped to ±5.
 */
import type { ActionSpace } from './envs/index.js';
import { philox4x32 } from '../rng/philox.js';
import { exp, tanh } from '../math/index.js';

export type ActionMode = 'argmax' | 'sample';
export const ACTION_MODES = ['argmax', 'sample'] as const;

const word = new Uint32Array(4);

/**
 * Writes one action row per output row. `keys` gives each row's (member, episode, step) for sampling.
 */
export function outputsToActions(space: ActionSpace, out: Float32Array, rows: number, outDim: number, actions: Float64Array,
  mode: ActionMode, seed: number, rowMember: Int32Array, rowEpisode: Int32Array, rowStep: Int32Array): void {
  if (space.kind === 'discrete') {
    for (let i = 0; i < rows; i++) {
      const o = i * outDim;
      if (mode === 'argmax') {
        let best = 0;
        for (let a = 1; a < space.n; a++) if (out[o + a] > out[o + best]) best = a;
        actions[i] = best;
      } else {
        let mx = -Infinity;
        for (let a = 0; a < space.n; a++) mx = Math.max(mx, out[o + a]);
        let z = 0;
        for (let a = 0; a < space.n; a++) z += exp(out[o + a] - mx);
        philox4x32(rowStep[i], rowMember[i], rowEpisode[i], 0x5a4d, seed, 0x61637421, word);
        let u = (word[0] / 4294967296) * z;
        let pick = space.n - 1;
        for (let a = 0; a < space.n; a++) {
          u -= exp(out[o + a] - mx);
          if (u < 0) { pick = a; break; }
        }
        actions[i] = pick;
      }
    }
  } else {
    const d = space.dim;
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < d; k++) {
        const lo = space.low[k], hi = space.high[k];
        actions[i * d + k] = lo + ((tanh(out[i * outDim + k]) + 1) / 2) * (hi - lo);
      }
    }
  }
}

/** Observation statistics as one vector [count, Σx (dim), Σx² (dim)], the task state synced to workers. */
export class ObsNormalizer {
  readonly state: Float64Array;
  private readonly mean: Float64Array;
  private readonly inv: Float64Array;

  constructor(readonly dim: number, readonly enabled: boolean) {
    this.state = new Float64Array(enabled ? 1 + 2 * dim : 0);
    this.mean = new Float64Array(dim);
    this.inv = new Float64Array(dim).fill(1);
  }

  /** Recomputes mean and 1/std from the state (call once per generation, after the state changes). */
  refresh(): void {
    if (!this.enabled) return;
    const n = this.state[0];
    for (let k = 0; k < this.dim; k++) {
      if (n < 2) { this.mean[k] = 0; this.inv[k] = 1; continue; }
      const m = this.state[1 + k] / n;
      const v = this.state[1 + this.dim + k] / n - m * m;
      this.mean[k] = m;
      this.inv[k] = 1 / Math.sqrt(Math.max(v, 1e-2));
    }
  }

  /** Normalises rows×dim observations in place and clips to ±5. */
  apply(obs: Float32Array, rows: number): void {
    if (!this.enabled) return;
    for (let i = 0; i < rows; i++) for (let k = 0; k < this.dim; k++) {
      const z = (obs[i * this.dim + k] - this.mean[k]) * this.inv[k];
      obs[i * this.dim + k] = z > 5 ? 5 : z < -5 ? -5 : z;
    }
  }

  /** Adds aux rows [count, Σx, Σx²] of every member, in member order (a fixed order keeps sums exact across worker counts). */
  accumulate(aux: Float64Array, members: number): void {
    if (!this.enabled) return;
    const w = 1 + 2 * this.dim;
    for (let i = 0; i < members; i++) for (let k = 0; k < w; k++) this.state[k] += aux[i * w + k];
  }
}
