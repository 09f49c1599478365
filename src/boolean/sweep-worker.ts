/** Worker thread for the sweep: runs one job per message and posts its result back. */
import { serve } from '../parallel/workers.js';
import { runJob } from './job.js';
import type { RunConfig } from './experiments.js';

serve((job: { config: RunConfig; learner: string }) => runJob(job.config, job.learner));
