/**
 * A function of a flat vector evaluated on worker threads, for `optimize(f, x0, { batch: true })` (and any caller
 * that has many candidates): the function lives in a module (`export default` or a named export, sync or async),
 * each worker imports it once, and a generation's candidates are handed to whichever worker is free next; the
 * values come back in candidate order, so the result does not depend on the number of workers. A TypeScript module
 * works when running under tsx (the worker registers tsx first).
 *
 *   const f = await workerObjective(new URL('./my-objective.js', import.meta.url), { workers: 4 });
 *   try { await optimize(f, x0, { batch: true, minimize: true, sigma0: 0.5 }); } finally { await f.close(); }
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { WorkerGroup } from './workers.js';

export interface WorkerObjective {
  /** The candidates' values, in order (what `optimize` calls with `batch: true`). */
  (xs: Float64Array[]): Promise<number[]>;
  readonly workers: number;
  /** Stops the workers. */
  close(): Promise<void>;
}

/**
 * Starts `workers` threads (default: the cores) that import `module` (a URL, or a file path) and evaluate its
 * export `exportName` (default 'default'); rejects with the module's own error if it cannot be imported or has no
 * such function.
 */
export async function workerObjective(module: string | URL, opts: { workers?: number; exportName?: string } = {}): Promise<WorkerObjective> {
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workerObjective: workers must be an integer ≥ 1, got ${workers}`);
  const href = module instanceof URL ? module.href : /^[a-z]+:/i.test(module) ? module : pathToFileURL(module).href;
  const group = await WorkerGroup.start(import.meta.url, 'objective-worker', workers, { module: href, exportName: opts.exportName ?? 'default' });
  const f = (async (xs: Float64Array[]) => group.map<Float64Array, number>(xs)) as WorkerObjective;
  Object.defineProperty(f, 'workers', { value: workers });
  f.close = () => group.close();
  return f;
}
