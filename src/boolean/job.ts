/**
 * One cell of the sweep's grid (a target, m, draw and learner) run to its summary row: what a worker thread
 * (sweep-worker.ts) and a cluster worker (cluster.ts) compute for a job. A pure function of its config.
 */
import { formatDnf } from './dnf.js';
import { runOne, type RunConfig } from './experiments.js';

export interface JobResult {
  target: string; m: number; draw: number; learner: string;
  train_acc: number; test_acc: number; l1_w1: number; dnf_length: number; active_clauses: number;
  zero_train_step: number; seconds: number; dnf: string; exact?: boolean;
}

export function runJob(c: RunConfig, learner: string): JobResult {
  const t0 = performance.now();
  const r = runOne(c);
  const dnf = formatDnf(r.dnf);
  return {
    target: c.target, m: c.m, draw: c.draw, learner,
    train_acc: r.train_acc, test_acc: r.test_acc, l1_w1: r.l1_w1, dnf_length: r.dnf_length, active_clauses: r.active_clauses,
    zero_train_step: r.zero_train_step, seconds: (performance.now() - t0) / 1000,
    dnf: dnf.length > 400 ? dnf.slice(0, 400) + '…' : dnf,
    ...(r.extra && 'exact' in r.extra ? { exact: Boolean(r.extra.exact) } : {}),
  };
}
