/**
 * A worker's replica of an ES run (any Task under the Trainer): evaluates member ranges, and follows the
 * coordinator by applying each generation's record with the same tell().
 */
import type { Trainer } from '../trainer.js';
import type { JobData } from './protocol.js';
import type { Replica } from './worker.js';

export class TrainerReplica implements Replica {
  private cachedHash: string | undefined;

  constructor(private readonly trainer: Trainer) {}

  get generation(): number {
    return this.trainer.generation;
  }

  hash(): string {
    this.cachedHash ??= this.trainer.stateHash();
    return this.cachedHash;
  }

  applyRecord(record: Uint8Array): void {
    this.cachedHash = undefined;
    this.trainer.applyRecord(record);
  }

  loadSnapshot(bytes: Uint8Array): void {
    this.cachedHash = undefined;
    this.trainer.loadSnapshot(bytes);
  }

  evaluate(job: JobData): Uint8Array {
    const pop = this.trainer.setup.strategy.popSize;
    if (job.end > pop) throw new RangeError(`job members ${job.start}-${job.end} are outside the population of ${pop}`);
    return this.trainer.evaluateRange(job.start, job.end);
  }

  close(): Promise<void> {
    return this.trainer.close();
  }
}
