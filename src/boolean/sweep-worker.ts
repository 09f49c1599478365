/** Worker thread for the sweep: runs one job per message and posts its result back. */
import { parentPort } from 'node:worker_threads';
import { runJob } from './sweep.js';
import type { RunConfig } from './experiments.js';

parentPort!.on('message', (job: { config: RunConfig; learner: string }) => {
  parentPort!.postMessage(runJob(job.config, job.learner));
});
