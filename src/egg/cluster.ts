/**
 * The language model as a cluster job kind: a worker validates the run's config with the schema of
 * config.json and builds the same EggTrainer (no training data: each job carries its groups' byte
 * windows and its members' recurrent states), then follows the coordinator's steps from the records.
 */
import type { Backend } from '../backend/types.js';
import type { ClusterKind } from '../parallel/cluster/worker.js';
import { FollowingReplica } from '../parallel/cluster/trainer-replica.js';
import { zodProblem } from '../io/errors.js';
import { EggTrainer } from './train.js';
import { EGG_KIND, eggRunConfigSchema, type EggRunConfig } from './run.js';

export const eggClusterKind: ClusterKind = {
  kind: EGG_KIND,
  async open(config: unknown, backend: Backend) {
    const parsed = eggRunConfigSchema.safeParse(config);
    if (!parsed.success) throw new Error(zodProblem(parsed.error));
    const cfg = parsed.data as EggRunConfig;
    const trainer = new EggTrainer(cfg, backend, backend.name, new Uint8Array(0), 1);
    return new FollowingReplica(trainer, (job, payload) => {
      if (!payload) throw new Error('a language-model job carries its windows and states; this one has no payload');
      return trainer.evaluateRange(job.start, job.end, payload);
    });
  },
};
