/**
 * Worker side of EvalPool: builds the task, the parameters and a replica of the strategy (same seed and
 * schedules, so `ask(start, end)` regenerates exactly the main thread's noise for that slice; a flat strategy's
 * replica reads the candidates the main thread shares), then evaluates member ranges on request.
 */
import { workerData } from 'node:worker_threads';
import { loadBackend } from '../backend/index.js';
import { ParamSet } from '../nn/params.js';
import { createStrategy } from '../es/create-strategy.js';
import type { TaskModule } from '../es/task.js';
import type { PoolInit } from './pool.js';
import { reportStartFailure, serve } from './workers.js';

const { init, shared } = workerData as { init: PoolInit; shared: { params: SharedArrayBuffer[]; state: SharedArrayBuffer; fitness: SharedArrayBuffer; aux: SharedArrayBuffer; deltas: SharedArrayBuffer } };

async function start() {
  const backend = await loadBackend(init.backend);
  for (const url of init.task.preload ?? []) {
    // A TypeScript module (a user running under tsx, eggroll from dist/): register tsx in this thread first. It
    // resolves from eggroll's folder upwards, so the user's own tsx is found.
    if (url.endsWith('.ts') && !import.meta.url.endsWith('.ts')) (await import('tsx/esm/api')).register();
    await import(url);
  }
  const mod = (await import(init.task.module)) as TaskModule;
  const task = await mod.createTask(init.task.options, backend);
  const params = new ParamSet(task.specs, backend);
  // init binds a task to the parameter set it evaluates (a model that reads frozen tensors directly);
  // the values it writes are replaced by the main thread's before every job.
  task.init(params, init.strategy.seed);
  // A flat strategy's replica reads the candidates the main thread made (its own state would need every tell).
  const es = createStrategy(params, backend, init.strategy, { deltas: new Float32Array(shared.deltas), follower: true });
  const fitness = new Float64Array(shared.fitness);
  const aux = new Float64Array(shared.aux);
  const state = new Float64Array(shared.state);
  serve((msg: { generation: number; start: number; end: number }) => {
    params.values.forEach((v, i) => v.set(new Float32Array(shared.params[i])));
    task.state().set(state.subarray(0, task.stateSize));
    es.state.generation = msg.generation;
    task.evaluate(es.ask(msg.start, msg.end), fitness, aux);
    // Kernel memory is not garbage-collected: hand the slice's noise back now rather than at the next ask.
    es.release();
  });
}

start().catch(reportStartFailure);
