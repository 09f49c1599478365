/**
 * Steps one environment for a whole population at once.
 *
 * Rows are members. The driver keeps an ascending list of the members still running (`active`), so
 * members whose episode ended stop costing work, and the policy can evaluate only those rows
 * (`gatherActiveObs` / `stepActive`). Each member's initial state comes from its own Philox stream,
 * addressed by (seed, member, episode), so a member's whole episode is a pure function of those three
 * numbers and its actions: it does not depend on the batch size, the other members, or the worker that
 * runs it.
 */
import { mix32 } from '../../rng/philox.js';
import { PhiloxStream, type StreamAddress } from '../../rng/stream.js';
import { actionDim, type EnvDefinition, type ResetBounds } from './types.js';

/** Counter word c3 of every reset stream ('rset'): keeps these streams apart from other uses of a key. */
const RESET_STREAM = 0x72736574;

/** The Philox stream a member's reset draws from: key from the seed, counter words (member, episode). */
export function resetStream(seed: number, member: number, episode: number): StreamAddress {
  if (!Number.isInteger(member) || member < 0 || member > 0xffffffff) throw new RangeError(`member must be an integer in [0, 2^32), got ${member}`);
  if (!Number.isInteger(episode) || episode < 0 || episode > 0xffffffff) throw new RangeError(`episode must be an integer in [0, 2^32), got ${episode}`);
  return { key0: mix32(seed, 0x656e76 /* 'env' */), key1: mix32(0x72657365 /* 'rese' */, seed), c1: member, c2: episode, c3: RESET_STREAM };
}

/**
 * `count` uniform doubles in [0, 1) with 53 random bits each, built the way NumPy's
 * `random_standard_uniform` builds them from a 64-bit word: (hi·2^32 + lo) >> 11, divided by 2^53.
 */
export function resetUniforms(seed: number, member: number, episode: number, out: Float64Array, count: number): void {
  const draws = new PhiloxStream(resetStream(seed, member, episode));
  for (let k = 0; k < count; k++) out[k] = draws.random();
}

export class BatchEnv {
  readonly def: EnvDefinition;
  /** Number of rows (members) in the batch. */
  readonly size: number;
  readonly obsDim: number;
  /** Values per member in an action row (1 for discrete actions). */
  readonly actionDim: number;
  /** Struct-of-arrays state: variable k of member i at state[k·size + i]. */
  readonly state: Float64Array;
  /** size × obsDim, member-indexed; a finished member's row keeps its final observation. */
  readonly obs: Float32Array;
  /** Reward of the last step, member-indexed; 0 for members that did not step. */
  readonly reward: Float64Array;
  /** 1 once the member's episode reached a terminal state. */
  readonly terminated: Uint8Array;
  /** 1 once the member hit the step limit (can be 1 together with terminated, as with Gymnasium's TimeLimit). */
  readonly truncated: Uint8Array;
  /** Sum of rewards of the current episode, accumulated in step order (float64). */
  readonly episodeReturn: Float64Array;
  /** Steps taken in the current episode. */
  readonly episodeLength: Int32Array;
  /** Members still running, ascending; entries [0, activeCount) are valid. */
  readonly active: Int32Array;
  activeCount = 0;
  /**
   * The ranges the next resets draw start states from (from `def.resetBounds(options)`); undefined =
   * the environment's defaults. Set by the Gymnasium-shaped API for `reset({ options })`.
   */
  resetBounds: ResetBounds | undefined = undefined;

  private readonly actionsScratch: Float64Array;
  private readonly uniforms: Float64Array;
  /** Members that finished on the last step, whose reward is cleared at the next step. */
  private readonly finished: Int32Array;
  private finishedCount = 0;
  /** The environment's per-row objects (EnvDefinition.createRows), or undefined. */
  private readonly rows: unknown;

  constructor(def: EnvDefinition, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
    this.def = def;
    this.size = size;
    this.obsDim = def.observationSpace.dim;
    this.actionDim = actionDim(def.actionSpace);
    this.state = new Float64Array(def.stateDim * size);
    this.obs = new Float32Array(size * this.obsDim);
    this.reward = new Float64Array(size);
    this.terminated = new Uint8Array(size);
    this.truncated = new Uint8Array(size);
    this.episodeReturn = new Float64Array(size);
    this.episodeLength = new Int32Array(size);
    this.active = new Int32Array(size);
    this.finished = new Int32Array(size);
    this.actionsScratch = new Float64Array(size * this.actionDim);
    this.uniforms = new Float64Array(def.resetUniforms);
    this.rows = def.createRows?.(size);
  }

  /** True when every member's episode has ended. */
  get done(): boolean {
    return this.activeCount === 0;
  }

  /** Starts episode `episode` for every row; row i is member firstMember + i (its global index, for workers). */
  reset(seed: number, episode: number, firstMember = 0): void {
    for (let i = 0; i < this.size; i++) this.resetRow(i, seed, firstMember + i, episode);
    this.resetActive();
  }

  /**
   * Starts a new episode in every row, row i taking (member[i], episode[i]): for batching several
   * episodes of each member into one batch.
   */
  resetEach(seed: number, member: ArrayLike<number>, episode: ArrayLike<number>): void {
    if (member.length !== this.size || episode.length !== this.size) {
      throw new RangeError(`resetEach: member and episode need ${this.size} entries, got ${member.length} and ${episode.length}`);
    }
    for (let i = 0; i < this.size; i++) this.resetRow(i, seed, member[i], episode[i]);
    this.resetActive();
  }

  private resetRow(i: number, seed: number, member: number, episode: number): void {
    resetUniforms(seed, member, episode, this.uniforms, this.def.resetUniforms);
    this.def.reset(this.state, this.size, i, this.uniforms, this.resetBounds, this.rows, resetStream(seed, member, episode));
    this.def.observe(this.state, this.size, i, this.obs, i * this.obsDim, this.rows);
    this.reward[i] = 0;
    this.terminated[i] = 0;
    this.truncated[i] = 0;
    this.episodeReturn[i] = 0;
    this.episodeLength[i] = 0;
  }

  private resetActive(): void {
    for (let i = 0; i < this.size; i++) this.active[i] = i;
    this.activeCount = this.size;
    this.finishedCount = 0;
  }

  /**
   * Steps every active member; `actions` is member-indexed (size × actionDim, rows of finished
   * members are ignored). Discrete actions must be integers in [0, n); continuous ones finite.
   */
  step(actions: ArrayLike<number>): void {
    if (actions.length < this.size * this.actionDim) throw new RangeError(`step: expected ${this.size * this.actionDim} actions (size × actionDim), got ${actions.length}`);
    this.validate(actions, false);
    this.advance(actions);
  }

  /** Steps every active member; row j of `actions` belongs to member active[j] (activeCount × actionDim). */
  stepActive(actions: ArrayLike<number>): void {
    const d = this.actionDim;
    if (actions.length < this.activeCount * d) throw new RangeError(`stepActive: expected ${this.activeCount * d} actions (activeCount × actionDim), got ${actions.length}`);
    this.validate(actions, true);
    const a = this.actionsScratch;
    for (let j = 0; j < this.activeCount; j++) {
      const i = this.active[j];
      for (let k = 0; k < d; k++) a[i * d + k] = actions[j * d + k];
    }
    this.advance(a);
  }

  /** Copies the observations of the active members, in active order, into out; returns how many rows. */
  gatherActiveObs(out: Float32Array): number {
    const od = this.obsDim;
    if (out.length < this.activeCount * od) throw new RangeError(`gatherActiveObs: out needs ${this.activeCount * od} entries`);
    for (let j = 0; j < this.activeCount; j++) {
      const src = this.active[j] * od;
      for (let k = 0; k < od; k++) out[j * od + k] = this.obs[src + k];
    }
    return this.activeCount;
  }

  private validate(actions: ArrayLike<number>, compact: boolean): void {
    const space = this.def.actionSpace;
    const d = this.actionDim;
    for (let j = 0; j < this.activeCount; j++) {
      const row = compact ? j : this.active[j];
      if (space.kind === 'discrete') {
        const a = actions[row];
        if (!(Number.isInteger(a) && a >= 0 && a < space.n)) {
          throw new RangeError(`${this.def.id}: action of member ${this.active[j]} is ${a}; allowed: integers 0 … ${space.n - 1}`);
        }
      } else {
        for (let k = 0; k < d; k++) {
          const a = actions[row * d + k];
          if (!Number.isFinite(a)) throw new RangeError(`${this.def.id}: action of member ${this.active[j]} is ${a}; continuous actions must be finite`);
        }
      }
    }
  }

  private advance(actions: ArrayLike<number>): void {
    const { size, active, reward, terminated, truncated } = this;
    for (let f = 0; f < this.finishedCount; f++) reward[this.finished[f]] = 0;
    this.finishedCount = 0;
    const count = this.activeCount;
    if (count === 0) return;
    this.def.step(this.state, size, active, count, actions, reward, terminated, this.rows);
    const maxSteps = this.def.maxSteps;
    const od = this.obsDim;
    let kept = 0;
    for (let j = 0; j < count; j++) {
      const i = active[j];
      this.def.observe(this.state, size, i, this.obs, i * od, this.rows);
      this.episodeReturn[i] += reward[i];
      const len = ++this.episodeLength[i];
      // Gymnasium's TimeLimit: truncated once the step count reaches the limit, even on a terminal step.
      if (len >= maxSteps) truncated[i] = 1;
      if (terminated[i] || truncated[i]) this.finished[this.finishedCount++] = i;
      else active[kept++] = i;
    }
    this.activeCount = kept;
  }
}
