/**
 * EGGROLL on the reasoning LM as an engine Task: each generation, member m answers problem
 * ⌊m / group⌋ of the generation's prompts (so `group` members — antithetic pairs included — share a
 * prompt), one sampled completion each, and its fitness is the verifier's reward. The strategy's
 * 'group' shaping then subtracts each prompt's mean and divides by the global standard deviation: the
 * paper's GRPO-like scoring (HyperscaleES convert_fitnesses with group_size). Fitness of member m
 * depends only on the parameters, the generation and m (its sampling stream is keyed by them), as the
 * Task contract requires.
 */
import type { Backend } from '../backend/types.js';
import type { Task } from '../es/task.js';
import type { Population } from '../es/population.js';
import type { ParamSet } from '../nn/params.js';
import { lmSpecs, RecurrentLm, type LmConfig } from './model.js';
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
  /** Members per prompt. */
  group: number;
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

/** Aux values per member: completion tokens generated, 1 if correct. */
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

  constructor(private readonly options: EsTaskOptions, private readonly backend: Backend) {
    this.specs = lmSpecs(options.cfg);
    if (options.popSize % options.group !== 0) throw new RangeError(`population ${options.popSize} must be a multiple of the group size ${options.group}`);
  }

  /** Writes the base model's values and binds the model to `params` (the set its frozen embedding is read from). */
  init(params: ParamSet): void {
    params.values.forEach((v, i) => v.set(this.options.base[i]));
    this.params = params;
    this.lm = new RecurrentLm(this.options.cfg, params, this.backend, this.options.popSize);
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
    const { task, group } = this.options;
    const problems = stepProblems(task, this.options.seed, pop.generation, this.options.popSize / group);
    const members = Array.from({ length: pop.size }, (_, i) => pop.memberStart + i);
    const prompts = members.map((m) => encode(problems[Math.floor(m / group)].prompt));
    if (!this.lm) throw new Error('ReasonEsTask.evaluate before init()');
    const { completions } = sampleBatch(this.lm, pop.all(1), prompts, {
      maxNew: task.maxNewTokens, temperature: this.options.temperature, seed: this.options.seed, rowKey: (r) => [pop.generation, members[r]],
    });
    this.score(problems, members, completions, fitness, aux);
  }

  /** Each member's reward, completion length and correctness from its completion. */
  private score(problems: ReturnType<typeof stepProblems>, members: number[], completions: Int32Array[], fitness: Float64Array, aux: Float64Array): void {
    const { task, group } = this.options;
    members.forEach((m, r) => {
      const v = task.verify(problems[Math.floor(m / group)], decode(completions[r]));
      fitness[m] = rewardOf(v, this.options.formatReward);
      aux[m * ES_AUX] = completions[r].length;
      aux[m * ES_AUX + 1] = v.correct ? 1 : 0;
    });
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
