/**
 * The high-level loop over a Task: each step asks the strategy for this generation's noise, evaluates
 * the whole population (on this thread, or split over worker threads), folds the task's aux values
 * into its state, and tells the strategy the fitness. Checkpoints hold everything needed to continue
 * bit for bit: parameters, optimiser moments and step, task state, generation.
 */
import type { Backend, BackendChoice, GpuKernels } from '../backend/index.js';
import { ParamSet, sizeOf, type ParamSpec } from '../nn/params.js';
import type { StrategyConfig, TellResult } from '../es/strategy.js';
import type { SearchStrategy } from '../es/create-strategy.js';
import { FlatEvolution, flatDimension, isFlatAlgo } from '../es/flat-evolution.js';
import type { DeviceForward, DeviceTask, Task, TaskRef } from '../es/task.js';
import { DeviceEggroll, deviceGeneration } from '../es/device-eggroll.js';
import { strategyModuleFor } from '../es/strategies/index.js';
import { EvalPool } from './pool.js';
import { LocalTrainer } from '../es/local-trainer.js';
import { saveCheckpoint, loadCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import { BadFileError } from '../io/errors.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../io/safetensors.js';
import { splitMembers } from './workers.js';
import { f64At, hashArrays, packArrays } from './cluster/protocol.js';
import type { ClusterCoordinator, ClusterJob, GenerationStats } from './cluster/coordinator.js';

export interface TrainerSetup {
  task: Task;
  /** How worker threads rebuild the task; required when workers > 1. */
  taskRef?: TaskRef;
  strategy: StrategyConfig;
  backend: Backend;
  backendChoice?: BackendChoice;
  workers?: number;
  /**
   * Evaluate through a cluster instead (parallel/cluster): jobs of member ranges over Redis, each worker
   * following the parameters by applying the same updates. `workers` is then ignored.
   */
  cluster?: ClusterCoordinator;
  /**
   * Run the population on this GPU instead (es/device-eggroll.ts): parameters, noise and optimiser state stay on
   * the device, the task evaluates through a device forward (a DeviceTask), only fitness goes up. EGGROLL only;
   * `workers` and `cluster` are then not used.
   */
  device?: GpuKernels;
}

export interface GenerationResult extends TellResult {
  /** Wall-clock seconds of the whole generation (noise, evaluation, update). */
  seconds: number;
  evalSeconds: number;
  /** Cluster runs: live workers, retried jobs, straggler wait, bytes (see ClusterCoordinator.evaluate). */
  cluster?: GenerationStats;
}

export class Trainer {
  readonly params: ParamSet;
  readonly es: SearchStrategy;
  private readonly fitness: Float64Array;
  private readonly aux: Float64Array;

  /** The device-resident run, when setup.device is given. */
  private device?: DeviceEggroll;
  /** The device has moved past the host's copy of the parameters and moments (sync() brings them back). */
  private hostStale = false;

  private constructor(readonly setup: TrainerSetup, private readonly pool?: EvalPool) {
    const { task, backend, strategy } = setup;
    // The same state, built the same way, as the one-thread LocalTrainer (the browser's): one place.
    const local = new LocalTrainer(task, backend, strategy, { deltas: pool?.flatDeltas });
    this.params = local.params;
    this.es = local.es;
    this.fitness = local.fitness;
    this.aux = local.aux;
  }

  static async create(setup: TrainerSetup): Promise<Trainer> {
    if (setup.device) {
      if (setup.cluster) throw new Error('a device-resident run does not take a cluster');
      const task = setup.task as DeviceTask;
      const onMlp = Boolean(task.evaluateOn && task.mlp), onLayers = Boolean(task.evaluateOnDevice && task.deviceLayers);
      if (!onMlp && !onLayers) throw new Error('this task cannot run on a device (it needs an MLP model and evaluateOn, or its layers and evaluateOnDevice)');
      const trainer = new Trainer(setup);
      trainer.device = onMlp ? await DeviceEggroll.create(setup.device, task.mlp!, trainer.params, setup.strategy)
        : await DeviceEggroll.forLayers(setup.device, task.deviceLayers!(trainer.params), trainer.params, setup.strategy);
      return trainer;
    }
    const workers = setup.cluster ? 1 : setup.workers ?? 1;
    let pool: EvalPool | undefined;
    if (workers > 1) {
      if (!setup.taskRef) throw new Error('workers > 1 needs a taskRef (module URL and options) so worker threads can build the task');
      // A plug-in strategy registered from a module: each worker imports it before building its replica.
      const strategyModule = strategyModuleFor(setup.strategy.algo);
      const task = strategyModule ? { ...setup.taskRef, preload: [...(setup.taskRef.preload ?? []), strategyModule] } : setup.taskRef;
      pool = await EvalPool.create(workers, {
        task,
        backend: setup.backendChoice ?? setup.backend.name,
        strategy: setup.strategy,
        paramSizes: setup.task.specs.map((s) => sizeOf(s.shape)),
        stateSize: setup.task.stateSize,
        auxSize: setup.task.auxSize,
        // A flat strategy's candidates are made here and shared with the workers (es/flat-evolution.ts).
        flatDimension: isFlatAlgo(setup.strategy.algo) ? flatDimension(setup.task.specs) : 0,
      });
    }
    const trainer = new Trainer(setup, pool);
    setup.cluster?.setSnapshotSource(() => ({ generation: trainer.generation, bytes: trainer.snapshot() }));
    return trainer;
  }

  get generation(): number {
    return this.es.generation;
  }

  /** The device's forward (rows, their members → outputs) in a device-resident run; undefined otherwise. */
  get deviceForward(): DeviceForward | undefined {
    const dev = this.device;
    return dev ? (x, members) => dev.forward(x, members) : undefined;
  }

  /** A device-resident run: reads the parameters and optimiser moments back into this.params and es.state (before a checkpoint or a CPU evaluation). */
  async sync(): Promise<void> {
    if (!this.device || !this.hostStale) return;
    const st = await this.device.toHost();
    const opt = this.es.state.optimizer;
    st.optimizer.m.forEach((m, i) => { if (opt.m[i].length) opt.m[i].set(m); });
    st.optimizer.v.forEach((v, i) => { if (opt.v[i].length) opt.v[i].set(v); });
    this.hostStale = false;
  }

  /** One generation on the device: the task's rollouts through its forward, then the update there. */
  private async deviceStep(dev: DeviceEggroll, t0: number): Promise<GenerationResult> {
    let t1 = t0;
    const info = await deviceGeneration(dev, this.setup.task as Task & DeviceTask, this.fitness, this.aux, () => { t1 = performance.now(); });
    this.es.state.generation = dev.state.generation;
    this.es.state.optimizer.step = dev.state.optimizer.step;
    this.hostStale = true;
    // The gradient norm would need the update read back: not reported (NaN, null in metrics.jsonl).
    return { ...info, gradNorm: NaN, seconds: (performance.now() - t0) / 1000, evalSeconds: (t1 - t0) / 1000 };
  }

  async step(): Promise<GenerationResult> {
    const t0 = performance.now();
    if (this.device) return this.deviceStep(this.device, t0);
    const { task, strategy } = this.setup;
    const generation = this.es.generation;
    const cluster = this.setup.cluster;
    let stats: GenerationStats | undefined;
    let jobs: ClusterJob[] = [];
    if (cluster) {
      jobs = this.clusterJobs(cluster.jobsPerGeneration());
      const pending = cluster.evaluate(generation, this.stateHash(), jobs, (job, bytes) => this.takeResult(job, bytes));
      // Build the population's noise (the update needs it) while the workers evaluate.
      this.es.ask();
      stats = await pending;
    } else if (this.pool) {
      // evaluate() posts the work synchronously; while the workers run, this thread builds the whole
      // population's noise, which the update needs anyway. A flat strategy's candidates come first: the workers
      // read them.
      if (this.es instanceof FlatEvolution) this.es.ask();
      const pending = this.pool.evaluate(this.params, task.state(), generation, this.fitness, this.aux);
      this.es.ask();
      await pending;
    } else {
      task.evaluate(this.es.ask(), this.fitness, this.aux);
    }
    const t1 = performance.now();
    task.afterGeneration?.(this.aux, strategy.popSize);
    if (cluster && stats) {
      // Every worker applies this same update from the record (fitness and the task state, nothing
      // model-sized); published before this process's own update so the workers' run alongside it.
      stats.bytesSent += await cluster.publishRecord(generation, this.record());
    }
    const info = this.es.tell(this.fitness);
    if (cluster) await cluster.forgetGeneration(generation, jobs);
    return { ...info, seconds: (performance.now() - t0) / 1000, evalSeconds: (t1 - t0) / 1000, ...(stats ? { cluster: stats } : {}) };
  }

  /** A generation's member ranges for the cluster (several per worker: stragglers and lost workers cost less), on pair bounds. */
  private clusterJobs(parts: number): ClusterJob[] {
    const pairSize = (this.setup.strategy.antithetic ?? true) ? 2 : 1;
    return splitMembers(this.setup.strategy.popSize, parts, pairSize).map(([start, end]) => ({ start, end }));
  }

  /** Copies a cluster job's result (fitness, then aux rows, float64) into this generation's arrays. */
  private takeResult(job: ClusterJob, bytes: Uint8Array): void {
    const n = job.end - job.start;
    const auxSize = this.setup.task.auxSize;
    const expected = n * 8 * (1 + auxSize);
    if (bytes.length !== expected) throw new Error(`cluster result for members ${job.start}-${job.end} has ${bytes.length} bytes, expected ${expected}`);
    this.fitness.set(f64At(bytes, 0, n), job.start);
    if (auxSize) this.aux.set(f64At(bytes, n * 8, n * auxSize), job.start * auxSize);
  }

  // ---------------------------------------------------------------- the worker side of a cluster run

  /** Fitness and aux rows of members [start, end) at the current generation, packed as a cluster result. */
  evaluateRange(start: number, end: number): Uint8Array {
    const auxSize = this.setup.task.auxSize;
    this.setup.task.evaluate(this.es.ask(start, end), this.fitness, this.aux);
    this.es.release();
    return packArrays([this.fitness.subarray(start, end), this.aux.subarray(start * auxSize, end * auxSize)]);
  }

  /** This generation's record: every member's raw fitness and the task state after afterGeneration. */
  record(): Uint8Array {
    return packArrays([this.fitness, this.setup.task.state()]);
  }

  /** Applies a record written by the coordinator's record(): the same task state, the same tell. */
  applyRecord(record: Uint8Array): void {
    const pop = this.setup.strategy.popSize;
    const stateSize = this.setup.task.stateSize;
    if (record.length !== 8 * (pop + stateSize)) throw new Error(`generation record has ${record.length} bytes, expected ${8 * (pop + stateSize)}`);
    this.fitness.set(f64At(record, 0, pop));
    if (stateSize) this.setup.task.state().set(f64At(record, pop * 8, stateSize));
    this.es.tell(this.fitness);
  }

  /** sha256 of everything the next generations depend on: parameters, optimiser moments and step, task state, generation. */
  stateHash(): string {
    const opt = this.es.state.optimizer;
    const flat = this.es instanceof FlatEvolution ? Object.values(this.es.exportState()) : [];
    return hashArrays([...this.params.values, ...opt.m, ...opt.v, ...flat, this.setup.task.state(), Float64Array.of(this.es.generation, opt.step)]);
  }

  /** The whole trainer state as safetensors bytes (what a checkpoint holds), for a worker that must catch up. */
  snapshot(): Uint8Array {
    return encodeSafetensors(this.stateTensors(), { generation: String(this.es.generation), optimizerStep: String(this.es.state.optimizer.step) });
  }

  loadSnapshot(bytes: Uint8Array): void {
    const d = decodeSafetensors(bytes);
    const ck: Checkpoint = { generation: Number(d.metadata.generation), state: { optimizerStep: Number(d.metadata.optimizerStep) }, tensors: d.tensors };
    this.checkCheckpoint(ck, 'cluster snapshot');
    this.loadState(ck);
  }

  /** The last generation's raw fitness, member order. */
  lastFitness(): Float64Array {
    return this.fitness;
  }

  /** `metadata`: extra header strings, e.g. the run's config so the file alone describes its model (rl/policy-file.ts). */
  save(dir: string, extraState: Record<string, unknown> = {}, metadata?: Record<string, string>): string {
    if (this.hostStale) throw new Error('internal: a device-resident trainer must sync() before save()');
    return saveCheckpoint(dir, {
      generation: this.es.generation,
      metadata,
      // The RNG position: all noise is counter-based (Philox4x32-10), so (seed, generation) is the whole of it.
      state: { optimizerStep: this.es.state.optimizer.step, seed: this.setup.strategy.seed, ...extraState },
      tensors: this.stateTensors(),
    });
  }

  /** Parameters, optimiser moments and task state, named as in a checkpoint. */
  private stateTensors(): Record<string, SafeTensor> {
    const tensors: Record<string, SafeTensor> = this.params.toTensors('param/');
    const opt = this.es.state.optimizer;
    this.params.specs.forEach((s, i) => {
      if (opt.m[i].length) tensors[`opt/m/${s.name}`] = { dtype: 'F32', shape: [opt.m[i].length], data: opt.m[i] };
      if (opt.v[i].length) tensors[`opt/v/${s.name}`] = { dtype: 'F32', shape: [opt.v[i].length], data: opt.v[i] };
    });
    const st = this.setup.task.state();
    if (st.length) tensors['task/state'] = { dtype: 'F64', shape: [st.length], data: st };
    if (this.es instanceof FlatEvolution) for (const [name, data] of Object.entries(this.es.exportState())) tensors[`flat/${name}`] = { dtype: 'F64', shape: [data.length], data };
    return tensors;
  }

  /** Which tensors a checkpoint of this trainer must hold, with their value counts. */
  private expectedTensors(): Map<string, ExpectedTensor> {
    const want = modelTensorsExpected(this.params.specs, this.setup.task.stateSize);
    const opt = this.es.state.optimizer;
    this.params.specs.forEach((s, i) => {
      if (opt.m[i].length) want.set(`opt/m/${s.name}`, { dtype: 'F32', count: opt.m[i].length });
      if (opt.v[i].length) want.set(`opt/v/${s.name}`, { dtype: 'F32', count: opt.v[i].length });
    });
    if (this.es instanceof FlatEvolution) for (const [name, data] of Object.entries(this.es.exportState())) want.set(`flat/${name}`, { dtype: 'F64', count: data.length });
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
    this.loadState(ck);
    return ck.state;
  }

  private loadState(ck: Checkpoint): void {
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
    if (this.es instanceof FlatEvolution) {
      const flat: Record<string, Float64Array> = {};
      for (const name of Object.keys(this.es.exportState())) flat[name] = ck.tensors[`flat/${name}`].data as Float64Array;
      this.es.importState(flat, ck.generation);
    }
    this.device?.load(this.es.state);
    this.hostStale = false;
  }

  async close(): Promise<void> {
    this.device?.dispose();
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
