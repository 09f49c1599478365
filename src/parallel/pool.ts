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
import { Worker } from 'node:worker_threads';
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
}

interface Shared {
  params: SharedArrayBuffer[];
  state: SharedArrayBuffer;
  fitness: SharedArrayBuffer;
  aux: SharedArrayBuffer;
}

/** Splits members [0, pop) into `parts` contiguous ranges whose bounds fall on pair boundaries. */
export function splitMembers(pop: number, parts: number, pairSize: number): [number, number][] {
  const units = Math.ceil(pop / pairSize);
  const out: [number, number][] = [];
  for (let k = 0; k < parts; k++) {
    const lo = Math.floor((units * k) / parts) * pairSize;
    const hi = Math.min(pop, Math.floor((units * (k + 1)) / parts) * pairSize);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

export class EvalPool {
  private constructor(private readonly workers: Worker[], private readonly shared: Shared, private readonly init: PoolInit) {}

  static async create(count: number, init: PoolInit): Promise<EvalPool> {
    const pop = init.strategy.popSize;
    const shared: Shared = {
      params: init.paramSizes.map((n) => new SharedArrayBuffer(Math.max(4, n * 4))),
      state: new SharedArrayBuffer(Math.max(8, init.stateSize * 8)),
      fitness: new SharedArrayBuffer(pop * 8),
      aux: new SharedArrayBuffer(Math.max(8, pop * init.auxSize * 8)),
    };
    // Run the worker from the same kind of file as this module (.ts under tsx, .js when built).
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const url = new URL(`./eval-worker${ext}`, import.meta.url);
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const w = ext === '.ts'
          // From TypeScript sources (tests, `npx tsx`): Node 20 does not run --import hooks in workers,
          // so the worker registers tsx's loader itself before importing the TypeScript entry.
          ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: { init, shared } })
          : new Worker(url, { workerData: { init, shared } });
        workers.push(w);
        await once(w, 'ready');
      }
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new EvalPool(workers, shared, init);
  }

  /** Evaluates the whole population at `generation` with the given parameters and task state. */
  async evaluate(params: ParamSet, state: Float64Array, generation: number, fitness: Float64Array, aux: Float64Array): Promise<void> {
    params.values.forEach((v, i) => new Float32Array(this.shared.params[i]).set(v));
    new Float64Array(this.shared.state).set(state);
    const pairSize = (this.init.strategy.antithetic ?? true) ? 2 : 1;
    const ranges = splitMembers(this.init.strategy.popSize, this.workers.length, pairSize);
    await Promise.all(ranges.map(([start, end], k) => {
      const w = this.workers[k];
      const done = once(w, 'done');
      w.postMessage({ type: 'eval', generation, start, end });
      return done;
    }));
    fitness.set(new Float64Array(this.shared.fitness));
    if (this.init.auxSize > 0) aux.set(new Float64Array(this.shared.aux));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Resolves on the worker's next message of `type`; rejects on its error or exit. */
function once(w: Worker, type: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; message?: string }) => {
      if (msg.type === type) { cleanup(); resolve(); }
      else if (msg.type === 'error') { cleanup(); reject(new Error(`worker: ${msg.message}`)); }
    };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const onExit = (code: number) => { cleanup(); reject(new Error(`worker exited with code ${code}`)); };
    const cleanup = () => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}
