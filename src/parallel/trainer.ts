/**
 * The high-level loop over a Task: each step asks the strategy for this generation's noise, evaluates
 * the whole population (on this thread, or split over worker threads), folds the task's aux values
 * into its state, and tells the strategy the fitness. Checkpoints hold everything needed to continue
 * bit for bit: parameters, optimiser moments and step, task state, generation.
 */
import type { Backend, BackendChoice } from '../backend/index.js';
import { ParamSet, sizeOf, type ParamSpec } from '../nn/params.js';
import { EvolutionStrategy, type StrategyConfig, type TellResult } from '../es/strategy.js';
import type { Task, TaskRef } from '../es/task.js';
import { EvalPool } from './pool.js';
import { saveCheckpoint, loadCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import { BadFileError } from '../io/errors.js';
import type { SafeTensor } from '../io/safetensors.js';

export interface TrainerSetup {
  task: Task;
  /** How worker threads rebuild the task; required when workers > 1. */
  taskRef?: TaskRef;
  strategy: StrategyConfig;
  backend: Backend;
  backendChoice?: BackendChoice;
  workers?: number;
}

export interface StepResult extends TellResult {
  /** Wall-clock seconds of the whole generation (noise, evaluation, update). */
  seconds: number;
  evalSeconds: number;
}

export class Trainer {
  readonly params: ParamSet;
  readonly es: EvolutionStrategy;
  private readonly fitness: Float64Array;
  private readonly aux: Float64Array;

  private constructor(readonly setup: TrainerSetup, private readonly pool?: EvalPool) {
    const { task, backend, strategy } = setup;
    this.params = new ParamSet(task.specs, backend);
    task.init(this.params, strategy.seed);
    this.es = new EvolutionStrategy(this.params, backend, strategy);
    this.fitness = new Float64Array(strategy.popSize);
    this.aux = new Float64Array(strategy.popSize * task.auxSize);
  }

  static async create(setup: TrainerSetup): Promise<Trainer> {
    const workers = setup.workers ?? 1;
    let pool: EvalPool | undefined;
    if (workers > 1) {
      if (!setup.taskRef) throw new Error('workers > 1 needs a taskRef (module URL and options) so worker threads can build the task');
      pool = await EvalPool.create(workers, {
        task: setup.taskRef,
        backend: setup.backendChoice ?? setup.backend.name,
        strategy: setup.strategy,
        paramSizes: setup.task.specs.map((s) => sizeOf(s.shape)),
        stateSize: setup.task.stateSize,
        auxSize: setup.task.auxSize,
      });
    }
    return new Trainer(setup, pool);
  }

  get generation(): number {
    return this.es.generation;
  }

  async step(): Promise<StepResult> {
    const t0 = performance.now();
    const { task, strategy } = this.setup;
    const generation = this.es.generation;
    if (this.pool) {
      // evaluate() posts the work synchronously; while the workers run, this thread builds the whole
      // population's noise, which the update needs anyway.
      const pending = this.pool.evaluate(this.params, task.state(), generation, this.fitness, this.aux);
      this.es.ask();
      await pending;
    } else {
      task.evaluate(this.es.ask(), this.fitness, this.aux);
    }
    const t1 = performance.now();
    task.afterGeneration?.(this.aux, strategy.popSize);
    const info = this.es.tell(this.fitness);
    return { ...info, seconds: (performance.now() - t0) / 1000, evalSeconds: (t1 - t0) / 1000 };
  }

  /** The last generation's raw fitness, member order. */
  lastFitness(): Float64Array {
    return this.fitness;
  }

  save(dir: string, extraState: Record<string, unknown> = {}): string {
    const tensors: Record<string, SafeTensor> = this.params.toTensors('param/');
    const opt = this.es.state.optimizer;
    this.params.specs.forEach((s, i) => {
      if (opt.m[i].length) tensors[`opt/m/${s.name}`] = { dtype: 'F32', shape: [opt.m[i].length], data: opt.m[i] };
      if (opt.v[i].length) tensors[`opt/v/${s.name}`] = { dtype: 'F32', shape: [opt.v[i].length], data: opt.v[i] };
    });
    const st = this.setup.task.state();
    if (st.length) tensors['task/state'] = { dtype: 'F64', shape: [st.length], data: st };
    return saveCheckpoint(dir, {
      generation: this.es.generation,
      // The RNG position: all noise is counter-based (Philox4x32-10), so (seed, generation) is the whole of it.
      state: { optimizerStep: opt.step, seed: this.setup.strategy.seed, ...extraState },
      tensors,
    });
  }

  /** Which tensors a checkpoint of this trainer must hold, with their value counts. */
  private expectedTensors(): Map<string, ExpectedTensor> {
    const want = modelTensorsExpected(this.params.specs, this.setup.task.stateSize);
    const opt = this.es.state.optimizer;
    this.params.specs.forEach((s, i) => {
      if (opt.m[i].length) want.set(`opt/m/${s.name}`, { dtype: 'F32', count: opt.m[i].length });
      if (opt.v[i].length) want.set(`opt/v/${s.name}`, { dtype: 'F32', count: opt.v[i].length });
    });
    return want;
  }

  /** Throws a BadFileError when a checkpoint does not fit this trainer (another model, a damaged sidecar). */
  checkCheckpoint(ck: Checkpoint, file: string): void {
    checkTensors(ck, file, this.expectedTensors());
    const step = ck.state.optimizerStep;
    if (!Number.isSafeInteger(step) || (step as number) < 0) throw new BadFileError(file.replace(/\.safetensors$/, '.json'), `field 'state.optimizerStep' must be a whole number ≥ 0, got ${JSON.stringify(step)}`);
  }

  /**
   * Restores the state written by save() from the newest intact checkpoint in `dir` (a damaged newest
   * one is skipped with a line to `log`); returns the sidecar's extra state.
   */
  resume(dir: string, log?: (line: string) => void): Record<string, unknown> {
    const ck = loadCheckpoint(dir, { check: (c, f) => this.checkCheckpoint(c, f), log });
    this.params.loadTensors(ck.tensors, 'param/');
    const opt = this.es.state.optimizer;
    this.params.specs.forEach((s, i) => {
      if (opt.m[i].length) opt.m[i].set(ck.tensors[`opt/m/${s.name}`].data as Float32Array);
      if (opt.v[i].length) opt.v[i].set(ck.tensors[`opt/v/${s.name}`].data as Float32Array);
    });
    const st = this.setup.task.state();
    if (st.length) st.set(ck.tensors['task/state'].data as Float64Array);
    opt.step = Number(ck.state.optimizerStep);
    this.es.state.generation = ck.generation;
    return ck.state;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

export interface ExpectedTensor { dtype: string; count: number }

/** The tensors any reader of a Trainer checkpoint needs: every parameter (F32) and the task state (F64). */
export function modelTensorsExpected(specs: readonly ParamSpec[], stateSize: number): Map<string, ExpectedTensor> {
  const want = new Map<string, ExpectedTensor>();
  for (const s of specs) want.set(`param/${s.name}`, { dtype: 'F32', count: sizeOf(s.shape) });
  if (stateSize) want.set('task/state', { dtype: 'F64', count: stateSize });
  return want;
}

/** Throws a BadFileError naming `file` unless the checkpoint holds every expected tensor with its dtype and size. */
export function checkTensors(ck: Checkpoint, file: string, want: Map<string, ExpectedTensor>): void {
  for (const [key, w] of want) {
    const t = ck.tensors[key];
    if (!t) throw new BadFileError(file, `has no tensor '${key}' (a checkpoint of a different model?)`);
    if (t.dtype !== w.dtype || t.data.length !== w.count) throw new BadFileError(file, `tensor '${key}' is ${t.dtype}×${t.data.length}, expected ${w.dtype}×${w.count} (a checkpoint of a different model?)`);
  }
}
