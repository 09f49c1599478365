/**
 * A Task is what an experiment gives the trainer: a model's parameter layout and a fitness for a range
 * of members. The same Task code runs on the main thread (1 worker) or inside each worker thread, so a
 * task module exports `createTask(options, backend)` and the options must be plain JSON.
 *
 * Contract: the fitness (and aux row) of member i depends only on the parameters, the task state, the
 * generation and i — never on which other members are evaluated in the same call. That is what makes
 * results identical for any number of workers.
 */
import type { Backend } from '../backend/types.js';
import type { Population } from './population.js';
import type { ParamSet, ParamSpec } from '../nn/params.js';
import type { MlpConfig } from '../nn/mlp.js';
import type { DeviceEggroll, DeviceLayer } from './device-eggroll.js';

export interface Task {
  readonly specs: ParamSpec[];
  /** Per-member auxiliary values returned with the fitness (e.g. observation sums); 0 if none. */
  readonly auxSize: number;
  /** Length of the task's mutable state vector (e.g. observation normalisation statistics); 0 if none. */
  readonly stateSize: number;
  /** Writes initial parameter values; a pure function of the seed. */
  init(params: ParamSet, seed: number): void;
  /**
   * Fitness of the handle's members [pop.memberStart, pop.memberEnd) into fitness[…] and their aux rows
   * into aux[(i·auxSize)..] (both indexed by global member number). The model runs on pop.all() or
   * pop.rows(…); the handle's generation is pop.generation.
   */
  evaluate(pop: Population, fitness: Float64Array, aux: Float64Array): void;
  /** The task's state vector (read and written by the trainer to sync workers and checkpoints). */
  state(): Float64Array;
  /** Folds the generation's aux rows (member order) into the state; runs on the main thread only. */
  afterGeneration?(aux: Float64Array, popSize: number): void;
}

/**
 * A model's forward on a device (es/device-eggroll.ts): rows of inputs, each row's member (−1: the unperturbed
 * parameters) → rows of outputs.
 */
export type DeviceForward = (x: Float32Array, members: Int32Array) => Promise<Float32Array>;

/**
 * What a task offers for a device-resident run (es/device-eggroll.ts): its model as an MLP with an evaluation
 * through the device forward (RL), or its model's layers with an evaluation that records its own forward on the run
 * (the reasoning LM: reason/device-lm.ts).
 */
export interface DeviceTask {
  readonly mlp?: MlpConfig;
  /** evaluate() of the whole population at `generation`, the MLP run through `forward`. */
  evaluateOn?(forward: DeviceForward, generation: number, fitness: Float64Array, aux: Float64Array): Promise<void>;
  /** The model's layers (low-rank weights and their biases), in the order evaluateOnDevice records them. */
  deviceLayers?(params: ParamSet): DeviceLayer[];
  /** evaluate() of the whole population at `generation` on the device run `dev`. */
  evaluateOnDevice?(dev: DeviceEggroll, generation: number, fitness: Float64Array, aux: Float64Array): Promise<void>;
}

export interface TaskModule {
  createTask(options: unknown, backend: Backend): Task | Promise<Task>;
}

/** Where workers load a task from: a module URL exporting createTask, and its JSON options. */
export interface TaskRef {
  module: string;
  options: unknown;
  /**
   * Module URLs each worker imports first, for what the task needs registered in that thread too (a custom
   * environment's module, which calls registerEnv when imported). A .ts URL is loaded through tsx.
   */
  preload?: string[];
}
