/**
 * A custom environment that worker threads can use too: this module registers PointMass-v0 (examples/custom-env.ts)
 * when imported, and passes its own URL, so that each worker imports it before building the task.
 *
 *   import './point-mass-env.js';                        // registers 'PointMass-v0' on this thread
 *   const trainer = await Trainer.create({ workers: 2, taskRef: rl.rlTaskRef(options), … });   // and in each worker
 */
import { registerEnv } from '../src/rl/envs/index.js';
import { pointMass } from './custom-env.js';

registerEnv(pointMass, { module: import.meta.url });
