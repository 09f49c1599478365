/**
 * The language model as a cluster job kind: a worker validates the run's config with the schema of
 * config.json and builds the same EggTrainer (no training data: each job carries its groups' byte
 * windows and its members' recurrent states), then follows the coordinator's steps from the records.
 */
import type { Backend } from '../backend/types.js';
import type { ClusterKind, Replica } from '../parallel/cluster/worker.js';
import type { JobData } from '../parallel/cluster/protocol.js';
import { zodProblem } from '../io/errors.js';
import { EggTrainer } from './train.js';
import { LM_KIND, lmRunConfigSchema, type LmRunConfig } from './run.js';

class EggReplica implements Replica {
  private cachedHash: string | undefined;
  constructor(private readonly trainer: EggTrainer) {}
  get generation(): number {
    return this.trainer.step;
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
  evaluate(job: JobData, payload: Uint8Array | undefined): Uint8Array {
    if (!payload) throw new Error('a language-model job carries its windows and states; this one has no payload');
    return this.trainer.evaluateRange(job.start, job.end, payload);
  }
  close(): Promise<void> {
    return this.trainer.close();
  }
}

export const lmClusterKind: ClusterKind = {
  kind: LM_KIND,
  async open(config: unknown, backend: Backend) {
    const parsed = lmRunConfigSchema.safeParse(config);
    if (!parsed.success) throw new Error(zodProblem(parsed.error));
    const cfg = parsed.data as LmRunConfig;
    return new EggReplica(new EggTrainer(cfg, backend, backend.name, new Uint8Array(0), 1));
  },
};
