/**
 * The paper's grid as a list of jobs (target × m × draw × learner), run in worker threads or in this
 * thread, and the aggregation into tables. Each job's result is a pure function of its config (seed,
 * draw), and results are stored by job index, so the tables are identical for any worker count.
 */
import type { BooleanAlgo, RunConfig } from './experiments.js';
import { WorkerGroup } from '../parallel/workers.js';
import { runCellsOnCluster } from './cluster.js';
import { runJob, type JobResult } from './job.js';

export { runJob, type JobResult };

export interface Learner { label: string; algo: BooleanAlgo; lambda: number }

/** "mh:0.01" → MH with λ = 0.01; "oracle"; "greedy"; "eggroll:0.01". */
export function parseLearner(spec: string): Learner {
  const [algo, lam] = spec.split(':');
  if (!['mh', 'greedy', 'oracle', 'eggroll'].includes(algo)) throw new RangeError(`unknown learner '${spec}'; allowed: mh[:λ], greedy, oracle, eggroll[:λ]`);
  const lambda = lam === undefined ? 0 : Number(lam);
  if (!Number.isFinite(lambda) || lambda < 0) throw new RangeError(`learner '${spec}': λ must be a number ≥ 0`);
  return { label: lam === undefined ? algo : `${algo} λ=${lambda}`, algo: algo as BooleanAlgo, lambda };
}

export async function runJobs(jobs: { config: RunConfig; learner: string }[], workers: number, onDone?: (done: number, r: JobResult) => void,
  cluster?: { redis: string; log?: (line: string) => void }): Promise<JobResult[]> {
  if (cluster) return runCellsOnCluster(cluster.redis, jobs, longestFirst(jobs), onDone, cluster.log);
  const results: JobResult[] = new Array(jobs.length);
  let done = 0;
  if (workers <= 1) {
    jobs.forEach((j, i) => { results[i] = runJob(j.config, j.learner); onDone?.(++done, results[i]); });
    return results;
  }
  // Longest jobs first keeps both cores busy to the end; results go back to their index.
  const order = longestFirst(jobs);
  const group = await WorkerGroup.start(import.meta.url, 'sweep-worker', Math.min(workers, jobs.length), null);
  try {
    await group.map<{ config: RunConfig; learner: string }, JobResult>(order.map((i) => jobs[i]), (r, k) => {
      results[order[k]] = r;
      onDone?.(++done, r);
    });
  } finally {
    await group.close();
  }
  return results;
}

function longestFirst(jobs: { config: RunConfig }[]): number[] {
  return jobs.map((_, i) => i).sort((a, b) => cost(jobs[b].config) - cost(jobs[a].config) || a - b);
}

function cost(c: RunConfig): number {
  const H = Math.round(c.widthMult * 2 ** (c.n - 1));
  const W = Math.max(1, 2 ** (c.n - 5));
  if (c.algo === 'mh') return c.steps * W;
  if (c.algo === 'greedy') return c.steps * H * c.n * W;
  if (c.algo === 'eggroll') return c.steps * c.pairs * H * W;
  return 2 ** c.n;
}

export interface Cell { mean: number; sd: number; count: number }

export function cell(xs: number[]): Cell {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd, count: xs.length };
}

/** Rows = targets, columns = m; one table per learner and metric. */
export function gridTable(results: JobResult[], learner: string, targets: string[], ms: number[], metric: (r: JobResult) => number, fmt: (c: Cell) => string): string {
  const head = `| target | ${ms.map((m) => `m=${m}`).join(' | ')} |`;
  const sep = `|---|${ms.map(() => '---').join('|')}|`;
  const lines = targets.map((t) => {
    const cells = ms.map((m) => {
      const xs = results.filter((r) => r.learner === learner && r.target === t && r.m === m).map(metric);
      return xs.length ? fmt(cell(xs)) : '—';
    });
    return `| ${t} | ${cells.join(' | ')} |`;
  });
  return [head, sep, ...lines].join('\n');
}
