/**
 * The flat strategies (es/flat/: CMA-ES, Sep-CMA-ES, SNES, PGPE, ARS) on a model's parameters, behind the same
 * ask/tell/state a Trainer drives EvolutionStrategy by — so `eggroll train --algo cma-es` runs like EGGROLL and OpenES:
 * worker threads, the cluster, checkpoints and resume included.
 *
 * The evolved tensors (every mode but 'frozen') are one flat vector θ. A generation's candidates x_k come from the
 * strategy's ask(); member k is evaluated at θ + Δ_k with Δ_k = fround(x_k − θ) handed to the population's noiser as
 * explicit dense noise (σ = 1, one "pair" per member), so the models run unchanged. tell() gives the strategy the
 * negated fitness (it minimises; fitness is higher-better), and θ ← fround(its mean). The shaping and the optimiser
 * of StrategyConfig are not used (each strategy ranks and steps in its own way); `sigma` (its first value) is σ0 —
 * ARS's fixed ν — and `lr` is PGPE's centre learning rate (ClipUp's speed limit twice it) and ARS's step size.
 *
 * Deterministic: the strategy's streams are functions of (seed, generation, candidate); Δ is made on one thread and,
 * with worker threads, shared with them through a SharedArrayBuffer (`deltas`, the pool's), whose workers only
 * read it (`follower`); cluster replicas apply the same tell and so hold the same state.
 */
import type { Backend } from '../backend/types.js';
import type { ParamSet, ParamSpec } from '../nn/params.js';
import { sizeOf } from '../nn/params.js';
import { PerturbedNoiser } from './noiser.js';
import { Population } from './population.js';
import { scheduleValue, validateSchedule } from './schedule.js';
import type { StrategyConfig, StrategyState, TellResult } from './strategy.js';
import type { FlatStrategy } from './flat/types.js';
import { createFlatStrategy, FLAT_STRATEGIES, type FlatStrategyName } from './flat/create.js';

/** The flat strategies a Trainer runs (the names optimize takes). */
export const FLAT_ALGOS = FLAT_STRATEGIES;
export type FlatAlgo = FlatStrategyName;
export const isFlatAlgo = (algo: string): algo is FlatAlgo => (FLAT_ALGOS as readonly string[]).includes(algo);

/** The evolved tensors' total size: the flat vector's length. */
export function flatDimension(specs: readonly ParamSpec[]): number {
  return specs.reduce((s, spec) => s + (spec.mode === 'frozen' ? 0 : sizeOf(spec.shape)), 0);
}

export interface FlatEvolutionOptions {
  /** Where the candidates' offsets live (popSize × D float32): a pool's SharedArrayBuffer view. */
  deltas?: Float32Array;
  /** A worker thread's replica: it reads `deltas` (made by the main thread) instead of asking the strategy. */
  follower?: boolean;
}

export class FlatEvolution {
  readonly strategy: FlatStrategy;
  readonly D: number;
  state: StrategyState;
  /** Evolved tensor ids and their offsets in the flat vector. */
  private readonly evolved: { pid: number; offset: number; size: number }[] = [];
  private readonly deltas: Float32Array;
  private made = -1;
  private handles = new Map<string, Population>();
  private handlesGeneration = -1;

  constructor(readonly params: ParamSet, readonly backend: Backend, readonly config: StrategyConfig, private readonly opts: FlatEvolutionOptions = {}) {
    if (!isFlatAlgo(config.algo)) throw new RangeError(`FlatEvolution: algo must be one of ${FLAT_ALGOS.join(', ')}, got '${config.algo}'`);
    if (!Number.isInteger(config.popSize) || config.popSize < 2) throw new RangeError(`popSize must be an integer ≥ 2, got ${config.popSize}`);
    validateSchedule('sigma', config.sigma);
    validateSchedule('lr', config.lr);
    params.assertFinite();
    let offset = 0;
    params.specs.forEach((spec, pid) => {
      if (spec.mode === 'frozen') return;
      const size = sizeOf(spec.shape);
      this.evolved.push({ pid, offset, size });
      offset += size;
    });
    this.D = offset;
    if (this.D === 0) throw new RangeError(`${config.algo}: the model has no evolved parameters (every tensor is frozen)`);
    const N = config.popSize;
    if (opts.deltas && opts.deltas.length < N * this.D) throw new RangeError(`FlatEvolution: deltas must hold ${N}×${this.D} values`);
    this.deltas = opts.deltas ?? new Float32Array(N * this.D);
    this.strategy = makeFlatStrategy(config, this.theta());
    if (this.strategy.lambda !== N) throw new RangeError(`${config.algo}: popSize ${N} must be even (members come in ± pairs)`);
    this.state = { generation: 0, optimizer: { step: 0, m: params.specs.map(() => new Float32Array(0)), v: params.specs.map(() => new Float32Array(0)) } };
  }

  get generation(): number {
    return this.state.generation;
  }

  /** θ: the evolved tensors as one float64 vector. */
  private theta(): Float64Array {
    const t = new Float64Array(this.D);
    for (const e of this.evolved) { const v = this.params.values[e.pid]; for (let i = 0; i < e.size; i++) t[e.offset + i] = v[i]; }
    return t;
  }

  /** This generation's Δ_k into `deltas` (the main thread's, or any replica that is not a follower). */
  private makeCandidates(): void {
    if (this.made === this.state.generation) return;
    if (this.strategy.generation !== this.state.generation) throw new Error(`internal: the ${this.config.algo} state is at generation ${this.strategy.generation}, the run at ${this.state.generation}`);
    const xs = this.strategy.ask();
    const theta = this.theta();
    const D = this.D, f = Math.fround;
    xs.forEach((x, k) => { for (let i = 0; i < D; i++) this.deltas[k * D + i] = f(x[i] - theta[i]); });
    this.made = this.state.generation;
  }

  /** Members [start, end) of this generation, each at θ + Δ_k (the same handle again for the same range). */
  ask(memberStart = 0, memberEnd = this.config.popSize): Population {
    const N = this.config.popSize;
    if (!Number.isInteger(memberStart) || !Number.isInteger(memberEnd) || memberStart < 0 || memberEnd > N || memberStart >= memberEnd) {
      throw new RangeError(`ask: member range [${memberStart}, ${memberEnd}) must be a non-empty range of integers with 0 ≤ start < end ≤ ${N}`);
    }
    const generation = this.state.generation;
    if (generation !== this.handlesGeneration) { this.release(); this.handlesGeneration = generation; }
    const key = `${memberStart}:${memberEnd}`;
    const cached = this.handles.get(key);
    if (cached && !cached.isReleased) return cached;
    if (!this.opts.follower) this.makeCandidates();
    const n = memberEnd - memberStart, D = this.D;
    const explicit: (Float32Array | undefined)[] = [];
    for (const e of this.evolved) {
      const a = new Float32Array(n * e.size);
      for (let k = 0; k < n; k++) a.set(this.deltas.subarray((memberStart + k) * D + e.offset, (memberStart + k) * D + e.offset + e.size), k * e.size);
      explicit[e.pid] = a;
    }
    const layout = { antithetic: false, pairStart: memberStart, pairCount: n };
    const noiser = new PerturbedNoiser(this.params, this.backend, {
      ...layout, seed: this.config.seed, epoch: generation, sigma: 1, rank: 1, noiseFor: () => 'dense', denseCacheBytes: Infinity, explicit,
    });
    const pop = new Population(noiser, generation, memberStart, memberEnd, layout);
    this.handles.set(key, pop);
    return pop;
  }

  /** One raw fitness per member (higher is better): the strategy's update, θ ← its mean; advances a generation. */
  tell(rawFitness: Float64Array): TellResult {
    const N = this.config.popSize;
    if (rawFitness.length !== N) throw new RangeError(`tell: expected ${N} fitness values, got ${rawFitness.length}`);
    this.makeCandidates(); // a cluster replica that only applies records has not asked
    let sum = 0, max = -Infinity, min = Infinity, nonFinite = 0, finite = 0;
    const keys = new Float64Array(N);
    for (let k = 0; k < N; k++) {
      const v = rawFitness[k];
      if (!Number.isFinite(v)) { nonFinite++; keys[k] = Infinity; continue; }
      keys[k] = -v;
      sum += v; finite++;
      if (v > max) max = v;
      if (v < min) min = v;
    }
    // Non-finite members count as the worst value in the mean, as EvolutionStrategy's sanitising does.
    if (nonFinite) sum += nonFinite * (finite ? min : 0);
    const before = this.theta();
    this.strategy.tell(keys);
    const mean = this.strategy.mean;
    let step2 = 0;
    for (const e of this.evolved) {
      const v = this.params.values[e.pid];
      for (let i = 0; i < e.size; i++) { v[i] = Math.fround(mean[e.offset + i]); const dv = v[i] - before[e.offset + i]; step2 += dv * dv; }
    }
    const generation = this.state.generation;
    this.state.generation++;
    this.release();
    return {
      generation, meanFitness: sum / N, maxFitness: finite ? max : NaN, minFitness: finite ? min : NaN, nonFinite,
      gradNorm: Math.sqrt(step2), sigma: this.strategy.stepSize, lr: scheduleValue(this.config.lr, generation),
    };
  }

  /** Hands the generation's handles back (as EvolutionStrategy.release). */
  release(): void {
    for (const h of this.handles.values()) h.release();
    this.handles.clear();
  }

  /** The strategy's state for a checkpoint (named float64 arrays). */
  exportState(): Record<string, Float64Array> {
    return this.strategy.exportState();
  }

  /** Restores a checkpoint's strategy state at `generation` (the parameters are the checkpoint's too). */
  importState(st: Record<string, Float64Array>, generation: number): void {
    this.strategy.importState(st);
    if (this.strategy.generation !== generation) throw new RangeError(`strategy state: its generation ${this.strategy.generation} is not the checkpoint's ${generation}`);
    this.state.generation = generation;
    this.made = -1;
    this.release();
  }
}

/** The flat strategy of `config` started at θ. */
function makeFlatStrategy(config: StrategyConfig, theta: Float64Array): FlatStrategy {
  const lr = scheduleValue(config.lr, 0);
  return createFlatStrategy(config.algo as FlatAlgo, theta, scheduleValue(config.sigma, 0), {
    popSize: config.popSize, seed: config.seed, settings: { centerLearningRate: lr, maxSpeed: 2 * lr, learningRate: lr },
  });
}
