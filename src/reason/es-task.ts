/**
 * EGGROLL (or OpenES) on the reasoning LM as an engine Task: each generation, the members are split into groups of
 * `group` (antithetic pairs inside), group g answers prompts g·K … g·K+K−1 of the generation's prompts (K =
 * memberPrompts, 1 by default: one prompt per group), each member S = samples completions per prompt, and a member's
 * fitness is the mean of its K·S verified rewards (K·S > 1 lowers the reward's sampling noise). The strategy's
 * 'group' shaping then subtracts each prompt's mean and divides by the global standard deviation: the
 * paper's GRPO-like scoring (HyperscaleES convert_fitnesses with group_size). Fitness of member m
 * depends only on the parameters, the generation and m (its sampling stream is keyed by them), as the
 * Task contract requires.
 */
import type { Backend } from '../backend/types.js';
import type { Task } from '../es/task.js';
import type { Population } from '../es/population.js';
import type { ParamSet } from '../nn/params.js';
import { RecurrentLm, type LmConfig } from './model.js';
import { initAdapters, parseTune, tunedSpecs } from './tune.js';
import { sampleBatch, sampleBatchAsync } from './sample.js';
import { DeviceLm, lmDeviceLayers } from './device-lm.js';
import type { DeviceEggroll, DeviceLayer } from '../es/device-eggroll.js';
import { decode, encode } from './vocab.js';
import { makeTask, rewardOf, type ReasonTask, type TaskName } from './tasks/index.js';
import { loadLm } from './weights.js';

export interface EsTaskOptions {
  cfg: LmConfig;
  /** Parameter values to start from (the base model), lmSpecs order. */
  base: readonly Float32Array[];
  task: ReasonTask;
  popSize: number;
  /** Members sharing a prompt set. */
  group: number;
  /** Prompts each member answers (default 1). */
  memberPrompts?: number;
  /** Completions per member and prompt (default 1). */
  samples?: number;
  /** The tuned part (tune.ts; default 'all'). */
  tune?: string;
  /**
   * Members of a group draw the same sampling random numbers for the same prompt and sample (common random numbers),
   * so at a temperature > 0 their rewards differ by their perturbations rather than by their dice (default false:
   * each member its own stream).
   */
  sharedSampling?: boolean;
  temperature: number;
  formatReward: number;
  /** Seed of the training problem stream and of sampling. */
  seed: number;
}

/** How a worker thread rebuilds the task (plain JSON: the base model's path instead of its values). */
export interface EsTaskRefOptions extends Omit<EsTaskOptions, 'cfg' | 'base' | 'task'> {
  basePath: string;
  task: TaskName;
}

/** This module, for TaskRef.module: worker threads import it and call createTask. */
export const ES_TASK_MODULE = import.meta.url;

/** The Task module entry point (es/task.ts TaskModule): what a worker thread calls. */
export function createTask(o: EsTaskRefOptions, backend: Backend): ReasonEsTask {
  const { basePath, task, ...rest } = o;
  const base = loadLm(basePath);
  return new ReasonEsTask({ ...rest, cfg: base.cfg, base: base.values, task: makeTask(task) }, backend);
}

/** Marks a group's shared sampling stream (its key has another shape than a member's, so the two never meet). */
const SHARED_SAMPLING = 0x5a4ed;

/** Aux values per member: completion tokens generated, correct completions. */
export const ES_AUX = 2;

/** The training problems of step `step`: indices step·P … step·P+P−1 of the train split (shared by GRPO and EGGROLL). */
export function stepProblems(task: ReasonTask, seed: number, step: number, prompts: number) {
  return Array.from({ length: prompts }, (_, j) => task.problem(seed, 'train', step * prompts + j));
}

export class ReasonEsTask implements Task {
  readonly specs;
  readonly auxSize = ES_AUX;
  readonly stateSize = 0;
  private lm?: RecurrentLm;
  private params?: ParamSet;
  /** The device-resident forward (a run on --backend webgpu), made on the first device generation. */
  private deviceLm?: DeviceLm;
  private readonly empty = new Float64Array(0);

  /** Prompts per member (K) and completions per member and prompt (S): a member has K·S rows. */
  private readonly perMember: { prompts: number; samples: number; rows: number };

  constructor(private readonly options: EsTaskOptions, private readonly backend: Backend) {
    this.specs = tunedSpecs(options.cfg, parseTune(options.tune ?? 'all', options.cfg.layers));
    if (options.popSize % options.group !== 0) throw new RangeError(`population ${options.popSize} must be a multiple of the group size ${options.group}`);
    const prompts = options.memberPrompts ?? 1, samples = options.samples ?? 1;
    this.perMember = { prompts, samples, rows: prompts * samples };
  }

  /** The generation's prompts: K for each group of members. */
  private promptCount(): number {
    return (this.options.popSize / this.options.group) * this.perMember.prompts;
  }

  /** Writes the base model's values (and starts any adapters) and binds the model to `params`. */
  init(params: ParamSet): void {
    this.options.base.forEach((v, i) => params.values[i].set(v));
    initAdapters(params, this.options.seed);
    this.params = params;
    this.lm = new RecurrentLm(this.options.cfg, params, this.backend, this.options.popSize * this.perMember.rows);
  }

  /** Row i of member m's K·S rows: its problem index in the generation's prompts. */
  private problemOf(m: number, i: number): number {
    return Math.floor(m / this.options.group) * this.perMember.prompts + Math.floor(i / this.perMember.samples);
  }

  /** The LM's layers for a device-resident run (DeviceTask). */
  deviceLayers(params: ParamSet): DeviceLayer[] {
    return lmDeviceLayers(this.options.cfg, params);
  }

  /**
   * evaluate() of the whole population on the device (DeviceTask): the same problems, prompts and sampling streams;
   * per token the rows' tokens go up and their logits come back.
   */
  async evaluateOnDevice(dev: DeviceEggroll, generation: number, fitness: Float64Array, aux: Float64Array): Promise<void> {
    const { task, group, popSize } = this.options;
    if (!this.params) throw new Error('ReasonEsTask.evaluateOnDevice before init()');
    if (this.perMember.rows !== 1 || (this.options.tune ?? 'all') !== 'all' || this.options.sharedSampling) throw new Error('the device-resident sampler runs one prompt and one completion per member on its own stream, with --tune all');
    this.deviceLm ??= new DeviceLm(dev, this.options.cfg, this.params, popSize);
    const lm = this.deviceLm;
    const problems = stepProblems(task, this.options.seed, generation, popSize / group);
    const members = Int32Array.from({ length: popSize }, (_, m) => m);
    const prompts = Array.from(members, (m) => encode(problems[Math.floor(m / group)].prompt));
    lm.reset();
    const { completions } = await sampleBatchAsync((tokens) => lm.step(tokens, members), this.options.cfg.vocab, prompts, {
      maxNew: task.maxNewTokens, temperature: this.options.temperature, seed: this.options.seed, rowKey: (r) => [generation, r],
    });
    this.score(problems, Array.from(members), completions, fitness, aux);
  }

  evaluate(pop: Population, fitness: Float64Array, aux: Float64Array): void {
    const { task } = this.options;
    const problems = stepProblems(task, this.options.seed, pop.generation, this.promptCount());
    const k = this.perMember.rows;
    const rowMember = Array.from({ length: pop.size * k }, (_, r) => pop.memberStart + Math.floor(r / k));
    const rowProblem = rowMember.map((m, r) => this.problemOf(m, r % k));
    const prompts = rowProblem.map((p) => encode(problems[p].prompt));
    if (!this.lm) throw new Error('ReasonEsTask.evaluate before init()');
    const { completions } = sampleBatch(this.lm, pop.all(k), prompts, {
      maxNew: task.maxNewTokens, temperature: this.options.temperature, seed: this.options.seed, rowKey: this.rowKey(pop.generation, rowMember, k),
    });
    this.scoreRows(problems, rowMember, rowProblem, completions, fitness, aux);
  }

  /** The sampling stream of each row: its member's (one row per member keeps the key of runs made before members had several), or its group's. */
  private rowKey(generation: number, rowMember: readonly number[], k: number): (r: number) => readonly number[] {
    if (this.options.sharedSampling) return (r) => [generation, SHARED_SAMPLING, Math.floor(rowMember[r] / this.options.group), r % k];
    return k === 1 ? (r) => [generation, rowMember[r]] : (r) => [generation, rowMember[r], r % k];
  }

  /** Each member's mean reward over its rows, its completion tokens and correct answers. */
  private scoreRows(problems: ReturnType<typeof stepProblems>, rowMember: number[], rowProblem: number[], completions: Int32Array[], fitness: Float64Array, aux: Float64Array): void {
    const k = this.perMember.rows;
    for (let r = 0; r < completions.length; r += k) {
      const m = rowMember[r];
      let reward = 0, tokens = 0, correct = 0;
      for (let i = r; i < r + k; i++) {
        const v = this.options.task.verify(problems[rowProblem[i]], decode(completions[i]));
        reward += rewardOf(v, this.options.formatReward);
        tokens += completions[i].length;
        if (v.correct) correct++;
      }
      fitness[m] = reward / k; // k = 1 divides exactly: the bits of runs made before members had several rows
      aux[m * ES_AUX] = tokens;
      aux[m * ES_AUX + 1] = correct;
    }
  }

  /** Each member's reward, completion length and correctness from its completion (one row per member). */
  private score(problems: ReturnType<typeof stepProblems>, members: number[], completions: Int32Array[], fitness: Float64Array, aux: Float64Array): void {
    this.scoreRows(problems, members, members.map((m) => this.problemOf(m, 0)), completions, fitness, aux);
  }

  /** The last generation's completion tokens and correct answers (summed over members). */
  last = { tokens: 0, correct: 0 };

  afterGeneration(aux: Float64Array, popSize: number): void {
    let tokens = 0, correct = 0;
    for (let m = 0; m < popSize; m++) { tokens += aux[m * ES_AUX]; correct += aux[m * ES_AUX + 1]; }
    this.last = { tokens, correct };
  }

  state(): Float64Array {
    return this.empty;
  }
}
