/**
 * RL runs as a cluster job kind: a worker validates the run's config with the same schema as config.json
 * and builds the same Trainer the coordinator runs (one thread), so its replica computes the same bits.
 */
import type { Backend } from '../backend/types.js';
import { Trainer } from '../parallel/trainer.js';
import { FollowingReplica } from '../parallel/cluster/trainer-replica.js';
import type { ClusterKind } from '../parallel/cluster/worker.js';
import { zodProblem } from '../io/errors.js';
import { createTask, type RlTask } from './task.js';
import { resolveEnv } from './envs/index.js';
import { RL_KIND, rlRunConfigSchema, strategyFor, taskOptionsFor, type RlRunConfig } from './run.js';

export const rlClusterKind: ClusterKind = {
  kind: RL_KIND,
  async open(config: unknown, backend: Backend) {
    const parsed = rlRunConfigSchema.safeParse(config);
    if (!parsed.success) throw new Error(zodProblem(parsed.error));
    const c = parsed.data as unknown as RlRunConfig;
    resolveEnv(c.env);
    const task = createTask(taskOptionsFor(c), backend) as RlTask;
    const trainer = await Trainer.create({ task, strategy: strategyFor(c), backend, workers: 1 });
    return new FollowingReplica(trainer, (job) => {
      if (job.end > c.pop) throw new RangeError(`job members ${job.start}-${job.end} are outside the population of ${c.pop}`);
      return trainer.evaluateRange(job.start, job.end);
    });
  },
};
