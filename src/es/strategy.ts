/**
 * The ask/tell interface shared by EGGROLL and OpenES (the shape of evosax's strategies):
 *   const noiser = es.ask();            // this generation's noise for the whole population
 *   const fitness = evaluate(noiser);   // the model runs every member in one batch
 *   es.tell(fitness);                   // shaping → one update per parameter → optimiser
 * All state that must survive a restart (generation, optimiser moments) is in `es.state` and the
 * parameters; noise is regenerated from (seed, parameter, epoch, pair) whenever it is needed.
 *
 * Update scale (as in HyperscaleES): the ascent direction handed to the optimiser is
 *   g = σ/√N · Σ_i f_i s_i E_i,   E_i = A_i B_iᵀ/√r (EGGROLL) or dense N(0, I) (OpenES, 'full' tensors)
 * so with SGD θ ← θ + lr·g, which is the paper's α ≈ lr·σ·√N.
 */
import type { Backend } from '../backend/types.js';
import type { ParamSet } from '../nn/params.js';
import { sizeOf } from '../nn/params.js';
import { PerturbedNoiser } from './noiser.js';
import { noiseEpoch } from './noise.js';
import { sanitizeFitness, shapeFitness, type Shaping } from './shaping.js';
import { scheduleValue, validateSchedule, type Schedule } from './schedule.js';
import { applyUpdate, finishStep, initOptimizerState, type OptimizerConfig, type OptimizerState } from './optim.js';

export type Algo = 'eggroll' | 'openes';
export const ALGOS = ['eggroll', 'openes'] as const;

export interface StrategyConfig {
  algo: Algo;
  popSize: number;
  /** Rank r of EGGROLL's perturbations (ignored by OpenES). */
  rank: number;
  sigma: Schedule | number;
  lr: Schedule | number;
  optimizer: OptimizerConfig;
  shaping: Shaping;
  seed: number;
  /** Mirrored sampling: members 2k and 2k+1 share noise with opposite signs (default true). */
  antithetic?: boolean;
  /** Noise changes every `noiseReuse` generations; 0 freezes it (HyperscaleES semantics). Default 1. */
  noiseReuse?: number;
  /** Memory allowed for caching dense noise within a generation (default 1 GiB). */
  denseCacheBytes?: number;
}

export interface TellResult {
  generation: number;
  meanFitness: number;
  maxFitness: number;
  minFitness: number;
  /** Members whose fitness was NaN or ±Inf (counted as the worst value). */
  nonFinite: number;
  /** ‖g‖₂ over all parameters before the optimiser. */
  gradNorm: number;
  sigma: number;
  lr: number;
}

export interface StrategyState {
  generation: number;
  optimizer: OptimizerState;
}

/** Checks a configuration against a parameter set; the message names the field and the allowed range. */
export function validateStrategy(params: ParamSet, c: StrategyConfig): void {
  const antithetic = c.antithetic ?? true;
  if (!Number.isInteger(c.popSize) || c.popSize < 2) throw new RangeError(`popSize must be an integer ≥ 2, got ${c.popSize}`);
  if (antithetic && c.popSize % 2 !== 0) throw new RangeError(`popSize must be even with antithetic sampling (members come in ± pairs), got ${c.popSize}`);
  validateSchedule('sigma', c.sigma);
  validateSchedule('lr', c.lr);
  if (c.algo === 'eggroll') {
    // Each matrix uses min(r, m, n) (see PerturbedNoiser.rankOf); a rank above every matrix's min(m, n) is an error.
    let widest: { name: string; shape: number[]; max: number } | undefined;
    for (const s of params.specs) {
      if (s.mode !== 'lowrank') continue;
      const max = Math.min(s.shape[0], s.shape[1]);
      if (!widest || max > widest.max) widest = { name: s.name, shape: s.shape, max };
    }
    if (widest && (!Number.isInteger(c.rank) || c.rank < 1 || c.rank > widest.max)) {
      throw new RangeError(`rank must be an integer in [1, ${widest.max}] (min(m, n) of the largest matrix '${widest.name}' ${widest.shape.join('×')}), got ${c.rank}`);
    }
  }
  const reuse = c.noiseReuse ?? 1;
  if (!Number.isInteger(reuse) || reuse < 0) throw new RangeError(`noiseReuse must be an integer ≥ 0, got ${reuse}`);
  if (c.shaping.kind === 'group' && (!Number.isInteger(c.shaping.groupSize) || c.shaping.groupSize < 2 || c.popSize % c.shaping.groupSize !== 0)) {
    throw new RangeError(`shaping.groupSize must be an integer ≥ 2 dividing popSize ${c.popSize}, got ${c.shaping.groupSize}`);
  }
  if (c.shaping.kind === 'pair-sign' && !antithetic) throw new RangeError('pair-sign shaping needs antithetic sampling');
  params.assertFinite();
}

export class EvolutionStrategy {
  readonly antithetic: boolean;
  readonly pairs: number;
  state: StrategyState;
  /** The full-population noiser of the generation it was made for (reused by the forward and the update). */
  private current?: { generation: number; noiser: PerturbedNoiser };
  private grads: Float32Array[];
  private scratch: Float32Array = new Float32Array(0);

  constructor(readonly params: ParamSet, readonly backend: Backend, readonly config: StrategyConfig) {
    validateStrategy(params, config);
    this.antithetic = config.antithetic ?? true;
    this.pairs = this.antithetic ? config.popSize / 2 : config.popSize;
    this.state = { generation: 0, optimizer: initOptimizerState(config.optimizer, params.specs.map((s) => sizeOf(s.shape))) };
    this.grads = params.specs.map((s) => (s.mode === 'frozen' ? new Float32Array(0) : backend.allocF32(sizeOf(s.shape))));
  }

  get generation(): number {
    return this.state.generation;
  }

  sigmaAt(generation = this.state.generation): number {
    return scheduleValue(this.config.sigma, generation);
  }

  /**
   * This generation's noiser for members [memberStart, memberEnd) (the whole population by default).
   * A worker asks for its own slice; the noise of a member does not depend on the slice.
   */
  ask(memberStart = 0, memberEnd = this.config.popSize): PerturbedNoiser {
    const pairStart = this.antithetic ? memberStart >> 1 : memberStart;
    const pairEnd = this.antithetic ? (memberEnd + 1) >> 1 : memberEnd;
    const full = pairStart === 0 && pairEnd === this.pairs;
    if (full && this.current?.generation === this.state.generation && !this.current.noiser.isDisposed) return this.current.noiser;
    if (full) this.release();
    const noiser = new PerturbedNoiser(this.params, this.backend, {
      antithetic: this.antithetic,
      pairStart,
      pairCount: pairEnd - pairStart,
      seed: this.config.seed,
      epoch: noiseEpoch(this.state.generation, this.config.noiseReuse ?? 1),
      sigma: this.sigmaAt(),
      rank: this.config.rank,
      denseMatrices: this.config.algo === 'openes',
      denseCacheBytes: this.config.denseCacheBytes ?? 2 ** 30,
    });
    if (full) this.current = { generation: this.state.generation, noiser };
    return noiser;
  }

  /** Takes one raw fitness per member (higher is better), updates the parameters, advances a generation. */
  tell(rawFitness: Float64Array): TellResult {
    const N = this.config.popSize;
    if (rawFitness.length !== N) throw new RangeError(`tell: expected ${N} fitness values, got ${rawFitness.length}`);
    const raw = Float64Array.from(rawFitness);
    const nonFinite = sanitizeFitness(raw);
    let sum = 0, max = -Infinity, min = Infinity;
    for (const v of raw) { sum += v; if (v > max) max = v; if (v < min) min = v; }
    const shaped = shapeFitness(raw, this.config.shaping);

    // Per-pair weight w_p = Σ_{i in pair p} f_i·s_i: the only thing the update needs from the members.
    const w = new Float32Array(this.pairs);
    for (let i = 0; i < N; i++) {
      const p = this.antithetic ? i >> 1 : i;
      w[p] += (this.antithetic && (i & 1) === 1 ? -1 : 1) * shaped[i];
    }
    const sigma = this.sigmaAt();
    const lr = scheduleValue(this.config.lr, this.state.generation);
    const noiser = this.ask();
    let g2 = 0;
    this.params.specs.forEach((spec, pid) => {
      if (spec.mode === 'frozen') return;
      const g = this.grads[pid];
      if (noiser.isLowRank(pid)) {
        this.lowRankGradient(noiser, pid, w, sigma, g);
      } else {
        this.denseGradient(noiser, pid, w, sigma, g);
      }
      for (let i = 0; i < g.length; i++) g2 += g[i] * g[i];
    });
    this.params.specs.forEach((spec, pid) => {
      if (spec.mode === 'frozen') return;
      applyUpdate(this.config.optimizer, this.state.optimizer, pid, this.params.values[pid], this.grads[pid], lr);
    });
    finishStep(this.state.optimizer);
    const generation = this.state.generation;
    this.state.generation++;
    this.release();
    return { generation, meanFitness: sum / N, maxFitness: max, minFitness: min, nonFinite, gradNorm: Math.sqrt(g2), sigma, lr };
  }

  /**
   * Hands the cached generation's noise buffers back to the backend (kernel memory is not
   * garbage-collected). A noiser for a slice — ask(start, end) — is the caller's to dispose.
   */
  release(): void {
    this.current?.noiser.dispose();
    this.current = undefined;
  }

  /**
   * g = σ/(√r·√N) · Σ_p w_p A_p B_pᵀ as ONE GEMM over the stacked factors: scale each pair's A rows by
   * w_p, then g = (scaled Aᵀ)·B, contracting over all pairs·r rows. No E_i is ever formed.
   */
  private lowRankGradient(noiser: PerturbedNoiser, pid: number, w: Float32Array, sigma: number, g: Float32Array): void {
    const [m, n] = this.params.specs[pid].shape;
    const r = noiser.rankOf(pid);
    const at = noiser.at[pid]!, bt = noiser.bt[pid]!;
    const rows = this.pairs * r;
    if (this.scratch.length < rows * m) this.scratch = this.backend.allocF32(rows * m);
    const sa = this.scratch;
    for (let p = 0; p < this.pairs; p++) {
      const wp = w[p];
      const base = p * r * m;
      for (let j = 0; j < r * m; j++) sa[base + j] = wp * at[base + j];
    }
    const scale = sigma / (Math.sqrt(r) * Math.sqrt(this.config.popSize));
    this.backend.sgemm(true, false, m, n, rows, scale, sa.subarray(0, rows * m), bt, 0, g);
  }

  /** g = σ/√N · Σ_p w_p ε_p with each pair's dense noise (OpenES, and 'full' tensors under EGGROLL). */
  private denseGradient(noiser: PerturbedNoiser, pid: number, w: Float32Array, sigma: number, g: Float32Array): void {
    g.fill(0);
    const acc = new Float64Array(g.length);
    for (let p = 0; p < this.pairs; p++) {
      const wp = w[p];
      if (wp === 0) continue;
      const e = noiser.denseFor(pid, p);
      for (let j = 0; j < acc.length; j++) acc[j] += wp * e[j];
    }
    const scale = sigma / Math.sqrt(this.config.popSize);
    for (let j = 0; j < g.length; j++) g[j] = acc[j] * scale;
  }
}
