/**
 * Worker side of EvalPool: builds the task, the parameters and a replica of the strategy (same seed and
 * schedules, so `ask(start, end)` regenerates exactly the main thread's noise for that slice), then
 * evaluates member ranges on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadBackend } from '../backend/index.js';
import { ParamSet } from '../nn/params.js';
import { EvolutionStrategy } from '../es/strategy.js';
import type { TaskModule } from '../es/task.js';
import type { PoolInit } from './pool.js';

const { init, shared } = workerData as { init: PoolInit; shared: { params: SharedArrayBuffer[]; state: SharedArrayBuffer; fitness: SharedArrayBuffer; aux: SharedArrayBuffer } };
const port = parentPort!;

async function start() {
  const backend = await loadBackend(init.backend);
  const mod = (await import(init.task.module)) as TaskModule;
  const task = await mod.createTask(init.task.options, backend);
  const params = new ParamSet(task.specs, backend);
  const es = new EvolutionStrategy(params, backend, init.strategy);
  const fitness = new Float64Array(shared.fitness);
  const aux = new Float64Array(shared.aux);
  const state = new Float64Array(shared.state);
  port.on('message', (msg: { type: string; generation: number; start: number; end: number }) => {
    try {
      params.values.forEach((v, i) => v.set(new Float32Array(shared.params[i])));
      task.state().set(state.subarray(0, task.stateSize));
      es.state.generation = msg.generation;
      task.evaluate(es.ask(msg.start, msg.end), fitness, aux);
      // Kernel memory is not garbage-collected: hand the slice's noise back now rather than at the next ask.
      es.release();
      port.postMessage({ type: 'done' });
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message });
    }
  });
  port.postMessage({ type: 'ready' });
}

start().catch((e) => port.postMessage({ type: 'error', message: (e as Error).message }));
