/**
 * Splits a generation's members over worker_threads. Workers share the weights, states, byte windows
 * and fitness through SharedArrayBuffers and exchange only (epoch, member range) messages; each one
 * regenerates the noise of its own pairs. Since evaluateMembers is a pure function per member, the
 * fitness is identical for any number of workers (tested). With one worker it runs inline.
 */
import { WorkerGroup, splitMembers } from '../parallel/workers.js';
import type { BackendChoice } from '../backend/index.js';
import type { EggShape } from './model.js';
import { evaluateMembers, type ForwardCache, type PopulationInput } from './evaluate.js';

export interface EggPoolInit {
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

export { splitMembers } from '../parallel/workers.js';

export class EggPool {
  private constructor(readonly init: EggPoolInit, private readonly workers: WorkerGroup | undefined,
    readonly inline: { input: PopulationInput; cache: ForwardCache } | undefined) {}

  static async create(init: EggPoolInit, count: number, inlineCache: ForwardCache, inlineInput: PopulationInput): Promise<EggPool> {
    if (count <= 1) return new EggPool(init, undefined, { input: inlineInput, cache: inlineCache });
    const workerData = {
      shape: init.shape, backend: init.backend, params: init.params, states: init.states, windows: init.windows,
      fitness: init.fitness, noise: init.noise, pop: init.pop, groupSize: init.groupSize, tokens: init.tokens, sigmaShift: init.sigmaShift, noiseKey: init.noiseKey,
    };
    // The population split is the parallelism: each worker's kernels run single-threaded.
    const env = { ...process.env, EGGROLL_THREADS: '1' };
    return new EggPool(init, await WorkerGroup.start(import.meta.url, 'worker', count, workerData, env), undefined);
  }

  /** Evaluates all members at `epoch`, filling init.fitness and advancing init.states. */
  async evaluate(epoch: number): Promise<void> {
    if (this.inline) {
      this.inline.input.epoch = epoch;
      evaluateMembers(this.inline.input, this.inline.cache, 0, this.init.pop, this.init.fitness);
      return;
    }
    const ranges = splitMembers(this.init.pop, this.workers!.size);
    await Promise.all(ranges.map(([a, b], i) => this.workers!.request(i, { epoch, r0: a, r1: b })));
  }

  async close(): Promise<void> {
    await this.workers?.close();
  }
}
