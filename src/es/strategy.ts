/**
 * The ask/tell interface shared by EGGROLL and OpenES (the shape of evosax's strategies):
 *   const pop = es.ask();                       // this generation's population handle (its noise, its layout)
 *   const fitness = evaluate(model, pop.all());  // the model runs every member in one batch
 *   es.tell(fitness);                           // shaping → one update per parameter → optimiser
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
import { PerturbedNoiser, pairOf, signOf } from './noiser.js';
import { estimateDirection, strategyPlugin, strategyNames, type StrategyContext, type StrategyPlugin } from './strategies/index.js';
import { Population } from './population.js';
import { noiseEpoch } from './noise.js';
import { sanitizeFitness, shapeFitness, type Shaping } from './shaping.js';
import { scheduleValue, validateSchedule, type Schedule } from './schedule.js';
import { applyUpdate, finishStep, initOptimizerState, type OptimizerConfig, type OptimizerState } from './optim.js';

/** A registered strategy's name (strategies/index.ts): 'eggroll', 'openes', or a plug-in's. */
export type Algo = string;
export { strategyNames };

export interface StrategyConfig {
  /** The strategy plug-in, by its registered name. */
  algo: Algo;
  popSize: number;
  /** Rank r of EGGROLL's perturbations (ignored by OpenES). */
  rank: number;
  sigma: Schedule | number;
  lr: Schedule | number;
  optimizer: OptimizerConfig;
  shaping: Shaping;
  seed: number;
  /**
   * Mirrored sampling: members 2k and 2k+1 share noise with opposite signs (default true). With false,
   * every member has its own noise (pair = member, sign +1).
   */
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
  strategyPlugin(c.algo); // an unknown name: the registered ones listed
  if (!Number.isInteger(c.popSize) || c.popSize < 2) throw new RangeError(`popSize must be an integer ≥ 2, got ${c.popSize}`);
  if (antithetic && c.popSize % 2 !== 0) throw new RangeError(`popSize must be even with antithetic sampling (members come in ± pairs), got ${c.popSize}`);
  validateSchedule('sigma', c.sigma);
  validateSchedule('lr', c.lr);
  strategyPlugin(c.algo).validate?.(params, c);
  const reuse = c.noiseReuse ?? 1;
  if (!Number.isInteger(reuse) || reuse < 0) throw new RangeError(`noiseReuse must be an integer ≥ 0, got ${reuse}`);
  if (c.shaping.kind === 'group' && (!Number.isInteger(c.shaping.groupSize) || c.shaping.groupSize < 2 || c.popSize % c.shaping.groupSize !== 0)) {
    throw new RangeError(`shaping.groupSize must be an integer ≥ 2 dividing popSize ${c.popSize}, got ${c.shaping.groupSize}`);
  }
  if (c.shaping.kind === 'pair-sign' && !antithetic) throw new RangeError('pair-sign shaping needs antithetic sampling');
  params.assertFinite();
}

/**
 * What tell() takes from the members: the raw fitness sanitised (non-finite → the worst, counted) and shaped, then
 * per pair w_p = Σ_{i in pair p} f_i·s_i — the only thing the update needs — with the raw fitness's sum, max and min.
 * Shared by EvolutionStrategy and the device-resident run (es/device-eggroll.ts).
 */
export function pairWeights(rawFitness: Float64Array, config: StrategyConfig, antithetic: boolean, pairs: number): { w: Float32Array; sum: number; max: number; min: number; nonFinite: number } {
  const N = config.popSize;
  if (rawFitness.length !== N) throw new RangeError(`tell: expected ${N} fitness values, got ${rawFitness.length}`);
  const raw = Float64Array.from(rawFitness);
  const nonFinite = sanitizeFitness(raw);
  let sum = 0, max = -Infinity, min = Infinity;
  for (const v of raw) { sum += v; if (v > max) max = v; if (v < min) min = v; }
  const shaped = shapeFitness(raw, config.shaping);
  const w = new Float32Array(pairs);
  for (let i = 0; i < N; i++) w[pairOf(i, antithetic)] += signOf(i, antithetic) * shaped[i];
  return { w, sum, max, min, nonFinite };
}

export class EvolutionStrategy {
  readonly antithetic: boolean;
  readonly pairs: number;
  state: StrategyState;
  /** The handles given out for `handlesGeneration`, by member range; all released when it ends. */
  private handles = new Map<string, Population>();
  private handlesGeneration = -1;
  private grads: Float32Array[];
  private scratchRows: Float32Array = new Float32Array(0);
  /** The algorithm: its plug-in, what it sees of this strategy, and its own state. */
  readonly plugin: StrategyPlugin;
  private readonly context: StrategyContext;
  private readonly pluginState: unknown;

  constructor(readonly params: ParamSet, readonly backend: Backend, readonly config: StrategyConfig) {
    validateStrategy(params, config);
    this.antithetic = config.antithetic ?? true;
    this.pairs = this.antithetic ? config.popSize / 2 : config.popSize;
    this.state = { generation: 0, optimizer: initOptimizerState(config.optimizer, params.specs.map((s) => sizeOf(s.shape))) };
    this.grads = params.specs.map((s) => (s.mode === 'frozen' ? new Float32Array(0) : backend.allocF32(sizeOf(s.shape))));
    this.plugin = strategyPlugin(config.algo);
    this.context = {
      params, backend, config, pairs: this.pairs, antithetic: this.antithetic,
      scratch: (length) => {
        if (this.scratchRows.length < length) this.scratchRows = backend.allocF32(length);
        return this.scratchRows;
      },
    };
    this.pluginState = this.plugin.init?.(this.context);
  }

  get generation(): number {
    return this.state.generation;
  }

  sigmaAt(generation = this.state.generation): number {
    return scheduleValue(this.config.sigma, generation);
  }

  /**
   * This generation's population handle for members [memberStart, memberEnd) (the whole population by
   * default). A worker asks for its own slice; a member's noise does not depend on the slice. Asking
   * again for the same range in the same generation returns the same handle (its noise is made once).
   * The strategy owns every handle: tell() releases them, and so does asking in a later generation.
   */
  ask(memberStart = 0, memberEnd = this.config.popSize): Population {
    const N = this.config.popSize;
    if (!Number.isInteger(memberStart) || !Number.isInteger(memberEnd) || memberStart < 0 || memberEnd > N || memberStart >= memberEnd) {
      throw new RangeError(`ask: member range [${memberStart}, ${memberEnd}) must be a non-empty range of integers with 0 ≤ start < end ≤ ${N}`);
    }
    const generation = this.state.generation;
    if (generation !== this.handlesGeneration) {
      this.release();
      this.handlesGeneration = generation;
    }
    const key = `${memberStart}:${memberEnd}`;
    const cached = this.handles.get(key);
    if (cached && !cached.isReleased) return cached;
    const pairStart = pairOf(memberStart, this.antithetic);
    const pairCount = pairOf(memberEnd - 1, this.antithetic) - pairStart + 1;
    const layout = { antithetic: this.antithetic, pairStart, pairCount };
    const noiser = new PerturbedNoiser(this.params, this.backend, {
      ...layout,
      seed: this.config.seed,
      epoch: noiseEpoch(generation, this.config.noiseReuse ?? 1),
      sigma: this.sigmaAt(),
      rank: this.config.rank,
      noiseFor: this.plugin.noiseFor,
      denseCacheBytes: this.config.denseCacheBytes ?? 2 ** 30,
    });
    const pop = new Population(noiser, generation, memberStart, memberEnd, layout);
    this.handles.set(key, pop);
    return pop;
  }

  /** Takes one raw fitness per member (member order; higher is better), updates the parameters, advances a generation. */
  tell(rawFitness: Float64Array): TellResult {
    const N = this.config.popSize;
    const { w, sum, max, min, nonFinite } = pairWeights(rawFitness, this.config, this.antithetic, this.pairs);
    const sigma = this.sigmaAt();
    const lr = scheduleValue(this.config.lr, this.state.generation);
    const noiser = this.ask().noiser as PerturbedNoiser;
    let g2 = 0;
    this.params.specs.forEach((spec, pid) => {
      if (spec.mode === 'frozen') return;
      const g = this.grads[pid];
      if (this.plugin.direction) this.plugin.direction(this.context, this.pluginState, noiser, pid, w, sigma, g);
      else estimateDirection(this.context, noiser, pid, w, sigma, g);
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
   * Hands every handle of the current generation back (kernel memory is not garbage-collected). tell()
   * does it; a worker that only evaluates a slice may call it, or leave it to its next ask().
   */
  release(): void {
    for (const h of this.handles.values()) h.release();
    this.handles.clear();
  }
}
