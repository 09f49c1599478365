/**
 * What an environment is, as the batch driver (batch.ts) sees it. An environment is a plain object of
 * constants and three functions over a struct-of-arrays state; the driver owns the bookkeeping
 * (seeded resets, step counts, time limit, the active list, episode returns), so an environment only
 * writes its physics. Implement `EnvDefinition` and pass it to `registerEnv` to add one; see
 * examples/custom-env.ts.
 */
import type { StreamAddress } from '../../rng/normal.js';

/** A box of `dim` reals; low/high per coordinate (±Infinity allowed). */
export interface BoxSpace {
  readonly kind: 'box';
  readonly dim: number;
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** Actions 0 … n−1. */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}

export type ActionSpace = BoxSpace | DiscreteSpace;

/**
 * The range each reset uniform is mapped to: state variable k starts at low[k] + (high[k] − low[k])·u[k],
 * NumPy's `uniform(low, high)` formula. One entry per reset uniform.
 */
export interface ResetBounds {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** Gymnasium's reset `options` dictionary (e.g. { low, high } for CartPole, { x_init, y_init } for Pendulum). */
export type ResetOptions = Readonly<Record<string, unknown>>;

/**
 * An environment's dynamics over a whole population.
 *
 * State layout (struct of arrays): variable k of member i is `state[k * size + i]`, so one physical
 * quantity of every member is contiguous and the step loop touches memory in order.
 *
 * Actions, as the driver hands them to `step`, are member-indexed: a discrete action of member i is
 * `actions[i]` (an integer already checked to be in 0 … n−1); continuous action coordinate d of
 * member i is `actions[i * dim + d]` (checked finite, not clipped: clipping is the environment's
 * business, as in Gymnasium, where e.g. MountainCarContinuous penalises the unclipped action).
 *
 * `R` is the type of the optional per-row objects (`createRows`): environments whose dynamics do not fit
 * in a few float64 variables (a physics-engine world per member) keep them there.
 */
export interface EnvDefinition<R = unknown> {
  /** Canonical id, e.g. 'CartPole-v1'. */
  readonly id: string;
  /** Other names the registry accepts, e.g. 'cartpole'. */
  readonly aliases?: readonly string[];
  /** One line for `eggroll envs`. */
  readonly description: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: ActionSpace;
  /** Episode length limit: the driver sets `truncated` when a member has taken this many steps. */
  readonly maxSteps: number;
  /** Gymnasium's registered reward_threshold, or null where it registers none. */
  readonly rewardThreshold: number | null;
  /** The mean return this project calls solved (used in docs, plots and results tables). */
  readonly solvedThreshold: number;
  /** Float64 state variables per member. */
  readonly stateDim: number;
  /** How many uniform [0, 1) doubles `reset` consumes per member. */
  readonly resetUniforms: number;
  /**
   * Optional: objects a batch keeps beside its float64 state (LunarLander: one Box2D world per row).
   * Called once per BatchEnv; the result is passed as `rows` to reset, step and observe.
   */
  createRows?(size: number): R;
  /**
   * Writes member i's initial state from its uniforms u[0 … resetUniforms), mapped into `bounds` (the
   * environment's default ranges when undefined). `stream` is the member's reset stream, addressed by
   * (seed, member, episode): an environment that needs randomness during the episode (LunarLander's
   * engine dispersion) derives its own stream from it, never from Math.random.
   */
  reset(state: Float64Array, size: number, i: number, u: Float64Array, bounds: ResetBounds | undefined, rows: R, stream: StreamAddress): void;
  /**
   * Parses Gymnasium's reset `options` into bounds for `reset`, with Gymnasium's checks and defaults
   * (throws a RangeError naming the option). Environments without it take no reset options.
   */
  resetBounds?(options: ResetOptions): ResetBounds;
  /**
   * Advances members active[0 … count) by one step; for each such member i writes reward[i] and
   * terminated[i] (1 if the episode ended in a terminal state, else 0). Must not touch other members:
   * a member's trajectory has to be independent of which other members share the batch.
   */
  step(
    state: Float64Array, size: number, active: Int32Array, count: number,
    actions: ArrayLike<number>, reward: Float64Array, terminated: Uint8Array, rows: R,
  ): void;
  /** Writes member i's observation (observationSpace.dim values) into obs[offset …]. */
  observe(state: Float64Array, size: number, i: number, obs: Float32Array, offset: number, rows: R): void;
}

/** Values per member in an action row: 1 for a discrete space (the action index), dim for a box. */
export function actionDim(space: ActionSpace): number {
  return space.kind === 'discrete' ? 1 : space.dim;
}
