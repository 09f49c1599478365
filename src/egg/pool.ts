/**
 * Splits a generation's members over worker_threads. Workers share the weights, states, byte windows
 * and fitness through SharedArrayBuffers and exchange only (epoch, member range) messages; each one
 * regenerates the noise of its own pairs. Since evaluateMembers is a pure function per member, the
 * fitness is identical for any number of workers (tested). With one worker it runs inline.
 */
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../backend/index.js';
import type { EggShape } from './model.js';
import { evaluateMembers, type ForwardCache, type PopulationInput } from './evaluate.js';

export interface PoolInit {
  shape: EggShape;
  backend: BackendChoice;
  params: Int8Array;
  states: Int8Array;
  windows: Uint8Array;
  fitness: Int32Array;
  /** (pop/2) × perPair shared noise buffer, filled by the evaluations. */
  noise: Int8Array;
  pop: number;
  groupSize: number;
  tokens: number;
  sigmaShift: number;
  noiseKey: [number, number];
}

/** Contiguous, pair-aligned member ranges, one per worker. */
export function splitMembers(pop: number, parts: number): [number, number][] {
  const pairs = pop >> 1;
  const out: [number, number][] = [];
  for (let w = 0; w < parts; w++) {
    const a = Math.floor((pairs * w) / parts) * 2, b = Math.floor((pairs * (w + 1)) / parts) * 2;
    if (b > a) out.push([a, b]);
  }
  return out;
}

export class EggPool {
  private readonly workers: Worker[] = [];

  private constructor(readonly init: PoolInit, readonly inline: { input: PopulationInput; cache: ForwardCache } | undefined) {}

  static async create(init: PoolInit, count: number, inlineCache: ForwardCache, inlineInput: PopulationInput): Promise<EggPool> {
    if (count <= 1) return new EggPool(init, { input: inlineInput, cache: inlineCache });
    const pool = new EggPool(init, undefined);
    const here = import.meta.url;
    const fromSource = here.endsWith('.ts');
    const url = new URL(fromSource ? './worker.ts' : './worker.js', here);
    for (let i = 0; i < count; i++) {
      const workerData = {
        shape: init.shape, backend: init.backend, params: init.params, states: init.states, windows: init.windows,
          fitness: init.fitness, noise: init.noise, pop: init.pop, groupSize: init.groupSize, tokens: init.tokens, sigmaShift: init.sigmaShift, noiseKey: init.noiseKey,
      };
      // The population split is the parallelism: each worker's kernels run single-threaded.
      const env = { ...process.env, EGGROLL_THREADS: '1' };
      // From source, the worker registers tsx's loader itself before importing the TypeScript module.
      const w = fromSource
        ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData, env })
        : new Worker(url, { workerData, env });
      w.unref();
      pool.workers.push(w);
    }
    await Promise.all(pool.workers.map((w) => once(w)));
    return pool;
  }

  /** Evaluates all members at `epoch`, filling init.fitness and advancing init.states. */
  async evaluate(epoch: number): Promise<void> {
    if (this.inline) {
      this.inline.input.epoch = epoch;
      evaluateMembers(this.inline.input, this.inline.cache, 0, this.init.pop, this.init.fitness);
      return;
    }
    const ranges = splitMembers(this.init.pop, this.workers.length);
    await Promise.all(ranges.map(([a, b], i) => {
      const w = this.workers[i];
      const done = once(w);
      w.postMessage({ epoch, r0: a, r1: b });
      return done;
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function once(w: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { ok: boolean; error?: string }) => { cleanup(); if (m.ok) resolve(); else reject(new Error(`egg worker: ${m.error}`)); };
    const onErr = (e: Error) => { cleanup(); reject(e); };
    const onExit = (code: number) => { cleanup(); reject(new Error(`egg worker exited with code ${code}`)); };
    const cleanup = () => { w.off('message', onMsg); w.off('error', onErr); w.off('exit', onExit); };
    w.on('message', onMsg); w.on('error', onErr); w.on('exit', onExit);
  });
}
