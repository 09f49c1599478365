/**
 * A worker's replica of a run that follows the coordinator (the ES Trainer, the language model's
 * EggTrainer): the trainer applies records and snapshots itself; this adds the cached state hash and the
 * job → evaluation call.
 */
import type { JobData } from './protocol.js';
import type { Replica } from './worker.js';

/** What a trainer offers to be followed on a worker. */
export interface Followable {
  readonly generation: number;
  stateHash(): string;
  applyRecord(record: Uint8Array): void;
  loadSnapshot(bytes: Uint8Array): void;
  close(): Promise<void>;
}

export class FollowingReplica implements Replica {
  private cachedHash: string | undefined;

  constructor(private readonly trainer: Followable, private readonly run: (job: JobData, payload: Uint8Array | undefined) => Uint8Array) {}

  get generation(): number {
    return this.trainer.generation;
  }

  /** The state hash, computed once per state (it changes only through a record or a snapshot). */
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

  evaluate(job: JobData, payload: Uint8Array | undefined): Uint8Array {
    return this.run(job, payload);
  }

  close(): Promise<void> {
    return this.trainer.close();
  }
}
