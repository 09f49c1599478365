/**
 * A Gymnasium-shaped single environment over the batched one: `reset({ seed, options }) → { obs, info }`,
 * `step(action) → { obs, reward, terminated, truncated, info }`, `observationSpace`, `actionSpace`.
 *
 * It drives a BatchEnv of one row, so its dynamics are the batched environment's, bit for bit (which
 * are Gymnasium's). What differs from Gymnasium is where start states come from: a seeded reset starts
 * episode 0 of the Philox reset stream (seed, member, episode) — the stream a BatchEnv row uses — and each
 * later unseeded reset starts the next episode of that stream. NumPy's PCG64 is not used, so start states
 * differ from Gymnasium's for the same seed, while every step from a given state is identical.
 */
import { BatchEnv } from '../envs/batch.js';
import type { EnvDefinition, ResetOptions } from '../envs/types.js';
import { checkSeed, entropySeed } from './rng.js';
import { Box, Discrete } from './spaces.js';

export interface ResetArgs {
  /** Reseeds the reset stream and starts its episode 0; omitted: the next episode of the current stream. */
  readonly seed?: number;
  /** Gymnasium's reset options for this reset only (e.g. { low, high }; Pendulum: { x_init, y_init }). */
  readonly options?: ResetOptions;
}

/** Gymnasium's (possibly empty) info dictionary; the classic-control environments return it empty. */
export type Info = Record<string, unknown>;

export interface ResetResult {
  readonly obs: Float32Array;
  readonly info: Info;
}

export interface StepResult {
  readonly obs: Float32Array;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Info;
}

/** What `make` records about how an env was built (Gymnasium's EnvSpec, reduced). */
export interface EnvSpec {
  readonly id: string;
  readonly maxEpisodeSteps: number;
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** A Discrete action space for a discrete environment, a float32 Box for a continuous one. */
export function actionSpaceOf(def: EnvDefinition): Discrete | Box {
  const a = def.actionSpace;
  return a.kind === 'discrete' ? new Discrete(a.n) : new Box(a.low, a.high);
}

export function observationSpaceOf(def: EnvDefinition): Box {
  return new Box(def.observationSpace.low, def.observationSpace.high);
}

export class Env {
  readonly spec: EnvSpec;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete | Box;
  /** The batch of one this env steps; exposed for code that mixes both APIs. */
  readonly batch: BatchEnv;
  /** The reset stream's member word: 0 for a lone env, i for sub-env i of a vector env (its BatchEnv row). */
  readonly member: number;

  private seedValue: number | undefined;
  private episode = 0;
  private needsReset = true;
  private readonly action: Float64Array;

  constructor(def: EnvDefinition, options: { member?: number; spec?: EnvSpec } = {}) {
    this.batch = new BatchEnv(def, 1);
    this.member = options.member ?? 0;
    this.spec = options.spec ?? { id: def.id, maxEpisodeSteps: def.maxSteps, kwargs: {} };
    this.observationSpace = observationSpaceOf(def);
    this.actionSpace = actionSpaceOf(def);
    this.action = new Float64Array(this.batch.actionDim);
  }

  /** The seed of the current reset stream (undefined before the first reset). */
  get seed(): number | undefined {
    return this.seedValue;
  }

  reset(args: ResetArgs = {}): ResetResult {
    if (args.seed !== undefined) {
      this.seedValue = checkSeed(args.seed);
      this.episode = 0;
    } else if (this.seedValue === undefined) {
      this.seedValue = entropySeed(); // Gymnasium seeds an unseeded env from entropy on its first reset
      this.episode = 0;
    } else {
      this.episode++;
    }
    const def = this.batch.def;
    if (args.options !== undefined && !def.resetBounds) throw new RangeError(`${def.id} takes no reset options`);
    // Options apply to this reset only, as in Gymnasium (a later reset without options uses the defaults).
    this.batch.resetBounds = args.options === undefined ? undefined : def.resetBounds!(args.options);
    this.batch.resetEach(this.seedValue, [this.member], [this.episode]);
    this.needsReset = false;
    return { obs: this.batch.obs.slice(), info: {} };
  }

  /**
   * One step. A discrete action is an integer; a continuous one an array of `actionSpace.size` values
   * (or a bare number when there is one). Stepping before the first reset, or after the episode ended
   * without a reset, throws (Gymnasium calls the latter undefined behaviour).
   */
  step(action: number | ArrayLike<number>): StepResult {
    if (this.needsReset) {
      throw new Error(this.seedValue === undefined ? `${this.spec.id}: call reset() before step()` : `${this.spec.id}: the episode has ended (terminated or truncated); call reset() before step()`);
    }
    const a = this.action;
    if (typeof action === 'number') {
      if (a.length !== 1) throw new RangeError(`${this.spec.id}: expected ${a.length} action values, got a single number`);
      a[0] = action;
    } else {
      if (this.actionSpace.kind === 'discrete' || action.length !== a.length) throw new RangeError(`${this.spec.id}: expected ${this.actionSpace.kind === 'discrete' ? 'an integer action' : `${a.length} action values`}, got ${action.length} values`);
      for (let k = 0; k < a.length; k++) a[k] = action[k];
    }
    const b = this.batch;
    b.step(a);
    const terminated = b.terminated[0] === 1;
    const truncated = b.truncated[0] === 1;
    if (terminated || truncated) this.needsReset = true;
    return { obs: b.obs.slice(), reward: b.reward[0], terminated, truncated, info: {} };
  }

  /** Nothing to release (no renderer); kept so Gymnasium-shaped code can call it. */
  close(): void {}
}
