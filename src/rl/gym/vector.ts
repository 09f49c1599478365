/**
 * Gymnasium's SyncVectorEnv with its default autoreset mode, NEXT_STEP (gymnasium/vector/vector_env.py
 * AutoresetMode; sync_vector_env.py `step`): when a sub-environment terminates or truncates, the step
 * reports it with the final observation; the NEXT call to `step` ignores that sub-environment's action,
 * resets it, and reports the reset observation with reward 0 and terminated = truncated = false.
 *
 * Sub-environment i draws its start states from the reset stream (seed, member i, episode k), the
 * stream row i of a BatchEnv uses, so a vector env reset with seed s starts exactly where
 * `BatchEnv.reset(s, 0)` does (Gymnasium instead seeds sub-env i with s + i).
 */
import type { EnvDefinition } from '../envs/types.js';
import { Env, type EnvSpec, type Info, type ResetArgs } from './env.js';
import { checkSeed, entropySeed } from './rng.js';
import { Box, MultiDiscrete, type Discrete } from './spaces.js';

export interface VectorStepResult {
  /** numEnvs × obsDim, row i = sub-env i. */
  readonly obs: Float32Array;
  readonly reward: Float64Array;
  /** 1 where sub-env i terminated on this step. */
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly info: Info;
}

export interface VectorResetArgs {
  /** One seed for all (sub-env i uses member stream i), or one per sub-env. */
  readonly seed?: number | readonly number[];
  readonly options?: ResetArgs['options'];
}

export class SyncVectorEnv {
  readonly numEnvs: number;
  readonly autoresetMode = 'next_step' as const;
  readonly spec: EnvSpec;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Discrete | Box;
  /** Batched spaces: Box of shape [numEnvs, obsDim]; MultiDiscrete([n, …]) or Box [numEnvs, actionDim]. */
  readonly observationSpace: Box;
  readonly actionSpace: MultiDiscrete | Box;
  readonly envs: readonly Env[];

  private readonly autoreset: Uint8Array;
  private readonly obsDim: number;
  private readonly actDim: number;
  private started = false;

  constructor(def: EnvDefinition, numEnvs: number, spec?: EnvSpec) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new RangeError(`numEnvs must be a positive integer, got ${numEnvs}`);
    this.numEnvs = numEnvs;
    this.spec = spec ?? { id: def.id, maxEpisodeSteps: def.maxSteps, kwargs: {} };
    this.envs = Array.from({ length: numEnvs }, (_, i) => new Env(def, { member: i, spec: this.spec }));
    this.singleObservationSpace = this.envs[0].observationSpace;
    this.singleActionSpace = this.envs[0].actionSpace;
    this.obsDim = this.singleObservationSpace.size;
    const o = this.singleObservationSpace;
    this.observationSpace = new Box(tile(o.low, numEnvs), tile(o.high, numEnvs), [numEnvs, this.obsDim]);
    const a = this.singleActionSpace;
    this.actDim = a.kind === 'discrete' ? 1 : a.size;
    this.actionSpace = a.kind === 'discrete'
      ? new MultiDiscrete(new Array<number>(numEnvs).fill(a.n))
      : new Box(tile(a.low, numEnvs), tile(a.high, numEnvs), [numEnvs, a.size]);
    this.autoreset = new Uint8Array(numEnvs);
  }

  reset(args: VectorResetArgs = {}): { obs: Float32Array; info: Info } {
    let seeds: readonly (number | undefined)[];
    if (Array.isArray(args.seed)) {
      if (args.seed.length !== this.numEnvs) throw new RangeError(`reset: expected ${this.numEnvs} seeds, got ${args.seed.length}`);
      seeds = args.seed;
    } else {
      // Unseeded first reset: one entropy seed for all, so the sub-envs still use distinct member streams.
      const s = args.seed !== undefined ? checkSeed(args.seed) : this.started ? undefined : entropySeed();
      seeds = new Array<number | undefined>(this.numEnvs).fill(s as number | undefined);
    }
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    this.envs.forEach((env, i) => {
      obs.set(env.reset({ seed: seeds[i], options: args.options }).obs, i * this.obsDim);
    });
    this.autoreset.fill(0);
    this.started = true;
    return { obs, info: {} };
  }

  /** `actions`: numEnvs integers (discrete) or numEnvs × actionDim values, row i for sub-env i. */
  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw new Error(`${this.spec.id}: call reset() before step()`);
    const n = this.numEnvs;
    const d = this.actDim;
    if (actions.length !== n * d) throw new RangeError(`step: expected ${n * d} actions (numEnvs × ${d}), got ${actions.length}`);
    const obs = new Float32Array(n * this.obsDim);
    const reward = new Float64Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      if (this.autoreset[i]) {
        // NEXT_STEP: this step only resets; its action is ignored, reward 0, not done.
        obs.set(env.reset().obs, i * this.obsDim);
        continue;
      }
      let r;
      if (d === 1 && env.actionSpace.kind === 'discrete') r = env.step(actions[i]);
      else {
        for (let k = 0; k < d; k++) row[k] = actions[i * d + k];
        r = env.step(row);
      }
      obs.set(r.obs, i * this.obsDim);
      reward[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
    }
    for (let i = 0; i < n; i++) this.autoreset[i] = terminated[i] | truncated[i];
    return { obs, reward, terminated, truncated, info: {} };
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}

function tile(a: Float32Array, times: number): Float32Array {
  const out = new Float32Array(a.length * times);
  for (let t = 0; t < times; t++) out.set(a, t * a.length);
  return out;
}
