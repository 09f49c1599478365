/**
 * Reinforcement learning as an ES Task: a member's fitness is its mean episode return over `episodes`
 * episodes. All members of a slice (× episodes) are stepped as one batch; members whose episodes have
 * ended drop out of the batch, so they stop costing work. Episode starts are a pure function of
 * (seed, member, generation·episodes + e), so a member's fitness does not depend on the batch it is in.
 */
import type { Backend } from '../backend/types.js';
import type { DeviceForward, DeviceTask, Task } from '../es/task.js';
import { inference, type Population } from '../es/population.js';
import { Mlp, mlpSpecs, initMlp, type MlpConfig } from '../nn/mlp.js';
import type { ParamSet } from '../nn/params.js';
import type { Activation } from '../nn/activations.js';
import { makeEnv, resolveEnv, type BatchEnv, type EnvDefinition } from './envs/index.js';
import { outputsToActions, ObsNormalizer, type ActionMode } from './policy.js';
import { mix32 } from '../rng/philox.js';

export interface RlTaskOptions {
  env: string;
  hidden: number[];
  activation: Activation;
  bias: 'full' | 'frozen';
  popSize: number;
  episodes: number;
  seed: number;
  obsNorm: boolean;
  actionMode: ActionMode;
}

export function policyConfig(def: EnvDefinition, o: Pick<RlTaskOptions, 'hidden' | 'activation' | 'bias'>): MlpConfig {
  const out = def.actionSpace.kind === 'discrete' ? def.actionSpace.n : def.actionSpace.dim;
  return { sizes: [def.observationSpace.dim, ...o.hidden, out], activation: o.activation, bias: o.bias };
}

/** Buffers for one batch size, made on first use and reused every generation. */
interface Rollout {
  env: BatchEnv;
  mlp: Mlp;
  obs: Float32Array;
  actions: Float64Array;
  rowMember: Int32Array;
  rowEpisode: Int32Array;
  rowStep: Int32Array;
  member: Int32Array;
  episode: Int32Array;
}

export class RlTask implements Task, DeviceTask {
  readonly def: EnvDefinition;
  readonly specs;
  readonly auxSize: number;
  readonly stateSize: number;
  readonly norm: ObsNormalizer;
  private readonly cfg: MlpConfig;
  private readonly rollouts = new Map<number, Rollout>();
  /**
   * When set (bench rl), runEpisodes adds to it: [policy forward ms (MLP + outputs → actions), environment
   * step ms, whole rollout ms, member-steps]. Costs two clock reads per step; null (the default) costs nothing.
   */
  profile: Float64Array | null = null;

  constructor(readonly options: RlTaskOptions, readonly backend: Backend) {
    this.def = resolveEnv(options.env);
    this.cfg = policyConfig(this.def, options);
    this.specs = mlpSpecs(this.cfg);
    this.norm = new ObsNormalizer(this.def.observationSpace.dim, options.obsNorm);
    this.auxSize = this.norm.state.length;
    this.stateSize = this.norm.state.length;
  }

  /** The policy network (DeviceTask: a device-resident run builds the same MLP). */
  get mlp(): MlpConfig {
    return this.cfg;
  }

  init(params: ParamSet, seed: number): void {
    initMlp(params, seed);
  }

  state(): Float64Array {
    return this.norm.state;
  }

  afterGeneration(aux: Float64Array, popSize: number): void {
    this.norm.accumulate(aux, popSize);
  }

  private rollout(size: number): Rollout {
    let r = this.rollouts.get(size);
    if (!r) {
      const env = makeEnv(this.def.id, size);
      r = {
        env,
        mlp: new Mlp(this.cfg, this.backend, size),
        obs: this.backend.allocF32(size * env.obsDim),
        actions: new Float64Array(size * env.actionDim),
        rowMember: new Int32Array(size), rowEpisode: new Int32Array(size), rowStep: new Int32Array(size),
        member: new Int32Array(size), episode: new Int32Array(size),
      };
      this.rollouts.set(size, r);
    }
    return r;
  }

  /** Resets the rollout's environments for `rows` episodes (reset streams (resetMember[i], resetEpisode[i])). */
  private begin(rows: number, resetMember: ArrayLike<number>, resetEpisode: ArrayLike<number>): Rollout {
    const ro = this.rollout(rows);
    ro.env.resetEach(this.options.seed, resetMember, resetEpisode);
    this.norm.refresh();
    return ro;
  }

  /**
   * One step's inputs: the active rows' observations (normalised) into ro.obs and their members, episodes and step
   * into ro.row*, with the raw observation statistics added to aux; returns the active row count.
   */
  private gather(ro: Rollout, esMember: Int32Array, resetEpisode: ArrayLike<number>, step: number, aux?: Float64Array): number {
    const { env } = ro;
    const od = env.obsDim;
    const w = this.auxSize;
    const count = env.gatherActiveObs(ro.obs);
    for (let j = 0; j < count; j++) {
      const i = env.active[j];
      ro.rowMember[j] = esMember[i];
      ro.rowEpisode[j] = resetEpisode[i];
      ro.rowStep[j] = step;
      if (aux && w > 0 && esMember[i] >= 0) {
        // Raw observation statistics for the running normaliser, per member.
        const base = esMember[i] * w;
        aux[base] += 1;
        for (let k = 0; k < od; k++) {
          const x = ro.obs[j * od + k];
          aux[base + 1 + k] += x;
          aux[base + 1 + od + k] += x * x;
        }
      }
    }
    this.norm.apply(ro.obs, count);
    return count;
  }

  /** The policy's outputs for the active rows → actions. */
  private act(ro: Rollout, out: Float32Array, count: number): void {
    outputsToActions(this.def.actionSpace, out, count, ro.mlp.outputSize, ro.actions, this.options.actionMode,
      this.options.seed, ro.rowMember, ro.rowEpisode, ro.rowStep);
  }

  /**
   * Runs `rows` episodes to the end: row i belongs to ES member esMember[i] of `pop` (UNPERTURBED: the
   * plain policy) and starts from reset stream (resetMember[i], resetEpisode[i]). Returns the returns per
   * row (env.episodeReturn).
   */
  runEpisodes(pop: Population, esMember: Int32Array, resetMember: ArrayLike<number>, resetEpisode: ArrayLike<number>, rows: number,
    aux?: Float64Array): Float64Array {
    const ro = this.begin(rows, resetMember, resetEpisode);
    const { env } = ro;
    const prof = this.profile;
    const t0 = prof ? performance.now() : 0;
    for (let step = 0; !env.done; step++) {
      const count = this.gather(ro, esMember, resetEpisode, step, aux);
      const ta = prof ? performance.now() : 0;
      this.act(ro, ro.mlp.forward(pop.rows(ro.rowMember, count), ro.obs), count);
      const tb = prof ? performance.now() : 0;
      env.stepActive(ro.actions);
      if (prof) {
        prof[0] += tb - ta;
        prof[1] += performance.now() - tb;
        prof[3] += count;
      }
    }
    if (prof) prof[2] += performance.now() - t0;
    return env.episodeReturn;
  }

  /**
   * runEpisodes with the policy on a device (es/device-eggroll.ts): each step the active rows' observations go up
   * and their outputs come back through `forward` (rows' members: −1 for the plain policy).
   */
  async runEpisodesOn(forward: DeviceForward, esMember: Int32Array, resetMember: ArrayLike<number>, resetEpisode: ArrayLike<number>, rows: number,
    aux?: Float64Array): Promise<Float64Array> {
    const ro = this.begin(rows, resetMember, resetEpisode);
    const { env } = ro;
    for (let step = 0; !env.done; step++) {
      const count = this.gather(ro, esMember, resetEpisode, step, aux);
      this.act(ro, await forward(ro.obs.subarray(0, count * env.obsDim), ro.rowMember.subarray(0, count)), count);
      env.stepActive(ro.actions);
      if (this.profile) this.profile[3] += count;
    }
    return env.episodeReturn;
  }

  /** Rows [start, end)·episodes of a generation: their members and reset streams (the episode index). */
  private generationRows(start: number, end: number, generation: number): Rollout {
    const k = this.options.episodes;
    const rows = (end - start) * k;
    const ro = this.rollout(rows);
    for (let i = 0; i < rows; i++) {
      ro.member[i] = start + Math.floor(i / k);
      ro.episode[i] = generation * k + (i % k);
    }
    return ro;
  }

  /** Fitness of members [start, end): their mean return over the episodes. */
  private meanReturns(returns: Float64Array, start: number, end: number, fitness: Float64Array): void {
    const k = this.options.episodes;
    for (let m = start; m < end; m++) {
      let s = 0;
      for (let e = 0; e < k; e++) s += returns[(m - start) * k + e];
      fitness[m] = s / k;
    }
  }

  evaluate(pop: Population, fitness: Float64Array, aux: Float64Array): void {
    const { memberStart: start, memberEnd: end, generation } = pop;
    const ro = this.generationRows(start, end, generation);
    if (this.auxSize > 0) aux.fill(0, start * this.auxSize, end * this.auxSize);
    this.meanReturns(this.runEpisodes(pop, ro.member, ro.member, ro.episode, (end - start) * this.options.episodes, aux), start, end, fitness);
  }

  /** evaluate() for the whole population with the policy on a device (Task.evaluateOn). */
  async evaluateOn(forward: DeviceForward, generation: number, fitness: Float64Array, aux: Float64Array): Promise<void> {
    const pop = this.options.popSize;
    const ro = this.generationRows(0, pop, generation);
    if (this.auxSize > 0) aux.fill(0, 0, pop * this.auxSize);
    this.meanReturns(await this.runEpisodesOn(forward, ro.member, ro.member, ro.episode, pop * this.options.episodes, aux), 0, pop, fitness);
  }

  /** The evaluation episodes' starts: a reset stream disjoint from training's (evaluation never replays a training start). */
  private evaluationStarts(episodes: number, evalSeed: number): { esMember: Int32Array; resetMember: number[]; resetEpisode: number[] } {
    return {
      esMember: new Int32Array(episodes).fill(-1),
      resetMember: Array.from({ length: episodes }, (_, i) => i),
      resetEpisode: new Array(episodes).fill(mix32(evalSeed, 0x6576616c) >>> 1),
    };
  }

  /** Returns of the unperturbed policy over `episodes` evaluation episodes. */
  evaluatePolicy(params: ParamSet, episodes: number, evalSeed: number): Float64Array {
    const s = this.evaluationStarts(episodes, evalSeed);
    return Float64Array.from(this.runEpisodes(inference(params, this.backend), s.esMember, s.resetMember, s.resetEpisode, episodes).subarray(0, episodes));
  }

  /** evaluatePolicy with the policy on a device (its current parameters). */
  async evaluatePolicyOn(forward: DeviceForward, episodes: number, evalSeed: number): Promise<Float64Array> {
    const s = this.evaluationStarts(episodes, evalSeed);
    return Float64Array.from((await this.runEpisodesOn(forward, s.esMember, s.resetMember, s.resetEpisode, episodes)).subarray(0, episodes));
  }
}

export function createTask(options: RlTaskOptions, backend: Backend): RlTask {
  return new RlTask(options, backend);
}
