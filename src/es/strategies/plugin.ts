/**
 * What a strategy plug-in supplies (the shape of evosax's and HyperscaleES's strategies): its own checks and state
 * (init), how it perturbs each tensor (ask), and the ascent direction it builds from the shaped fitness (tell).
 * EvolutionStrategy (es/strategy.ts) does the bookkeeping every strategy shares — member ranges and their handles,
 * schedules, fitness sanitising and shaping, per-pair weights, the optimiser, the generation counter — and looks
 * the plug-in up by `config.algo` in the registry (strategies/index.ts).
 */
import type { Backend } from '../../backend/types.js';
import type { EvolveMode, ParamSet } from '../../nn/params.js';
import type { StrategyConfig } from '../strategy.js';
import type { PerturbedNoiser } from '../noiser.js';

/** How one tensor is perturbed: EGGROLL's low-rank A·Bᵀ/√r, dense N(0, I), or not at all. */
export type TensorNoise = 'lowrank' | 'dense' | 'none';

/** What a plug-in sees of the strategy it serves. */
export interface StrategyContext {
  readonly params: ParamSet;
  readonly backend: Backend;
  readonly config: StrategyConfig;
  /** Noise pairs per generation (popSize / 2 with antithetic sampling, else popSize). */
  readonly pairs: number;
  readonly antithetic: boolean;
  /** A kernel-memory array of at least `length` values, owned by the strategy and reused across calls. */
  scratch(length: number): Float32Array;
}

export interface StrategyPlugin<State = unknown> {
  /** The name `config.algo`, `--algo` and checkpoints use. */
  readonly name: string;
  /** One line for help texts. */
  readonly description: string;
  /** Checks this strategy's own settings against the parameters (RangeError naming the field and what is allowed). */
  validate?(params: ParamSet, config: StrategyConfig): void;
  /** Per-run state, made once with the strategy (default: none). */
  init?(ctx: StrategyContext): State;
  /** ask: how a tensor of this evolve mode is perturbed ('frozen' tensors are never asked about). */
  noiseFor(mode: Exclude<EvolveMode, 'frozen'>): TensorNoise;
  /**
   * tell: the ascent direction for tensor `pid` into `g` (its length), from the per-pair weights
   * w_p = Σ_{i in pair p} f_i·s_i of the shaped fitness and this generation's noiser. Default: the estimate
   * g = σ/√N · Σ_p w_p E_p (strategies/directions.ts), by the tensor's noise.
   */
  direction?(ctx: StrategyContext, state: State, noiser: PerturbedNoiser, pid: number, w: Float32Array, sigma: number, g: Float32Array): void;
}
