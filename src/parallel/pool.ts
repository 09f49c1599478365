/**
 * A pool of worker threads that evaluates a population in contiguous member slices (aligned to
 * antithetic pairs). Workers exchange only scalars and shared buffers: each generation the main thread
 * copies the parameters and the task state into SharedArrayBuffers, sends (generation, member range),
 * and each worker regenerates its own members' noise from the counter-based RNG, evaluates them and
 * writes fitness (and aux rows) into shared arrays. Nothing else crosses threads.
 *
 * Why a pool of our own instead of piscina: one long-lived task per worker per generation, fixed
 * member ranges, and buffers that stay shared for the whole run — a postMessage per generation is all
 * the protocol there is, in about a hundred lines, with no dependency.
 */
import { WorkerGroup, splitMembers } from './workers.js';
import type { ParamSet } from '../nn/params.js';
import type { StrategyConfig } from '../es/strategy.js';
import type { TaskRef } from '../es/task.js';
import type { BackendChoice } from '../backend/index.js';

export interface PoolInit {
  task: TaskRef;
  backend: BackendChoice;
  strategy: StrategyConfig;
  paramSizes: number[];
  stateSize: number;
  auxSize: number;
  /** A flat strategy's vector length (its candidates' offsets are shared: popSize × this float32), else 0. */
  flatDimension?: number;
}

interface Shared {
  params: SharedArrayBuffer[];
  state: SharedArrayBuffer;
  fitness: SharedArrayBuffer;
  aux: SharedArrayBuffer;
  deltas: SharedArrayBuffer;
}

export { splitMembers } from './workers.js';

export class EvalPool {
  private constructor(private readonly workers: WorkerGroup, private readonly shared: Shared, private readonly init: PoolInit) {}

  static async create(count: number, init: PoolInit): Promise<EvalPool> {
    const pop = init.strategy.popSize;
    const shared: Shared = {
      params: init.paramSizes.map((n) => new SharedArrayBuffer(Math.max(4, n * 4))),
      state: new SharedArrayBuffer(Math.max(8, init.stateSize * 8)),
      fitness: new SharedArrayBuffer(pop * 8),
      aux: new SharedArrayBuffer(Math.max(8, pop * init.auxSize * 8)),
      deltas: new SharedArrayBuffer(Math.max(4, pop * (init.flatDimension ?? 0) * 4)),
    };
    const workers = await WorkerGroup.start(import.meta.url, 'eval-worker', count, { init, shared });
    return new EvalPool(workers, shared, init);
  }

  /** A flat strategy's candidate offsets, shared with the workers (the main thread's FlatEvolution writes them). */
  get flatDeltas(): Float32Array | undefined {
    return this.init.flatDimension ? new Float32Array(this.shared.deltas) : undefined;
  }

  /** Evaluates the whole population at `generation` with the given parameters and task state. */
  async evaluate(params: ParamSet, state: Float64Array, generation: number, fitness: Float64Array, aux: Float64Array): Promise<void> {
    params.values.forEach((v, i) => new Float32Array(this.shared.params[i]).set(v));
    new Float64Array(this.shared.state).set(state);
    const pairSize = !this.init.flatDimension && (this.init.strategy.antithetic ?? true) ? 2 : 1;
    const ranges = splitMembers(this.init.strategy.popSize, this.workers.size, pairSize);
    await Promise.all(ranges.map(([start, end], k) => this.workers.request(k, { generation, start, end })));
    fitness.set(new Float64Array(this.shared.fitness));
    if (this.init.auxSize > 0) aux.set(new Float64Array(this.shared.aux));
  }

  async close(): Promise<void> {
    await this.workers.close();
  }
}
