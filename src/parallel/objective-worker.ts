/** Worker side of workerObjective: imports the user's module once, then returns f(x) for each candidate it is sent. */
import { workerData } from 'node:worker_threads';
import { reportStartFailure, serve } from './workers.js';

const { module, exportName } = workerData as { module: string; exportName: string };

async function start(): Promise<void> {
  // A TypeScript module while eggroll itself runs from dist: register tsx in this thread first.
  if (/\.[cm]?ts$/.test(module) && !import.meta.url.endsWith('.ts')) (await import('tsx/esm/api')).register();
  const mod = (await import(module)) as Record<string, unknown>;
  const f = mod[exportName];
  if (typeof f !== 'function') throw new Error(`${module} has no function export '${exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
  serve(async (x: Float64Array) => {
    const v = await (f as (x: Float64Array) => number | Promise<number>)(x);
    return typeof v === 'number' ? v : NaN;
  });
}

start().catch(reportStartFailure);
