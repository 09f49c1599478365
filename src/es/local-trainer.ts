/**
 * The Trainer's generation on the calling thread, without files or worker threads: ask → the task
 * evaluates every member → the task folds its aux values into its state → tell. It is what a browser
 * (a Web Worker) runs; parallel/trainer.ts does the same steps in the same order (plus worker threads,
 * the cluster and checkpoints), so the same seed gives the same fitness, bit for bit, in both
 * (test/browser/bundle.test.ts compares them).
 */
import type { Backend } from '../backend/types.js';
import { ParamSet } from '../nn/params.js';
import type { StrategyConfig, TellResult } from './strategy.js';
import { createStrategy, type SearchStrategy } from './create-strategy.js';
import type { FlatEvolutionOptions } from './flat-evolution.js';
import type { Task } from './task.js';

export class LocalTrainer {
  readonly params: ParamSet;
  readonly es: SearchStrategy;
  /** The last generation's fitness, member order (valid after step()). */
  readonly fitness: Float64Array;
  /** The last generation's aux rows (member order). */
  readonly aux: Float64Array;

  /** `flat`: where a flat strategy keeps its candidates' offsets (a worker pool's shared buffer). */
  constructor(readonly task: Task, backend: Backend, readonly strategy: StrategyConfig, flat: FlatEvolutionOptions = {}) {
    this.params = new ParamSet(task.specs, backend);
    task.init(this.params, strategy.seed);
    this.es = createStrategy(this.params, backend, strategy, flat);
    this.fitness = new Float64Array(strategy.popSize);
    this.aux = new Float64Array(strategy.popSize * task.auxSize);
  }

  get generation(): number {
    return this.es.generation;
  }

  step(): TellResult {
    this.task.evaluate(this.es.ask(), this.fitness, this.aux);
    this.task.afterGeneration?.(this.aux, this.strategy.popSize);
    return this.es.tell(this.fitness);
  }
}
