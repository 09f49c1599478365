/**
 * The BBOB benchmark's measurement (the COCO convention): for a function, a dimension and a strategy, runs on
 * `seeds` instances (instance s: its own x_opt and rotations, x0 uniform in [−4, 4]^d, the strategy's seed s) until
 * f − f_opt ≤ target or the budget; ERT = evaluations spent over all runs (a successful run's up to its success) ÷
 * successful runs (∞ when none), and the success rate.
 */
import { namedStream, PhiloxStream } from '../../rng/stream.js';
import { bbobProblem, type BbobId } from './bbob.js';
import { optimize, type OptimizeAlgo } from './optimize.js';

export interface BbobCell {
  fn: BbobId;
  d: number;
  algo: OptimizeAlgo;
  /** Instances (and seeds) 1 … seeds. */
  seeds: number;
  /** Evaluations per run (default 10⁴·d). */
  budget?: number;
  /** f − f_opt to reach (default 1e-8). */
  target?: number;
  /** Initial step size (default 2, a fifth of the domain [−5, 5] as Hansen's BBOB runs use). */
  sigma0?: number;
  /** Restarts (default 9, BIPOP: large-population restarts; the small ones fill the budget between them). */
  restarts?: number;
}

export interface BbobRun {
  seed: number;
  evals: number;
  /** The best f − f_opt reached. */
  f: number;
  solved: boolean;
  seconds: number;
}

export interface BbobResult {
  fn: BbobId;
  d: number;
  algo: OptimizeAlgo;
  budget: number;
  target: number;
  runs: BbobRun[];
  successes: number;
  successRate: number;
  /** Expected running time in evaluations (Infinity: no success), and ERT ÷ d. */
  ert: number;
  ertPerDim: number;
}

/** x0 of instance `seed`: uniform in [−4, 4]^d. */
export function bbobStart(seed: number, d: number): Float64Array {
  const s = new PhiloxStream(namedStream(seed, 'bbx0', d));
  return Float64Array.from({ length: d }, () => s.uniform(-4, 4));
}

export async function bbobCell(c: BbobCell, onRun?: (r: BbobRun) => void): Promise<BbobResult> {
  const budget = c.budget ?? 1e4 * c.d;
  const target = c.target ?? 1e-8;
  const runs: BbobRun[] = [];
  for (let seed = 1; seed <= c.seeds; seed++) {
    const p = bbobProblem(c.fn, c.d, seed);
    const t0 = performance.now();
    const r = await optimize((x) => p.f(x), bbobStart(seed, c.d), {
      algo: c.algo, minimize: true, sigma0: c.sigma0 ?? 2, seed, target, maxEvals: budget, restarts: c.restarts ?? 9, restartStrategy: 'bipop',
    });
    const run = { seed, evals: r.evals, f: r.f, solved: r.f <= target, seconds: (performance.now() - t0) / 1000 };
    runs.push(run);
    onRun?.(run);
  }
  const successes = runs.filter((r) => r.solved).length;
  const spent = runs.reduce((s, r) => s + r.evals, 0);
  const ert = successes ? spent / successes : Infinity;
  return { fn: c.fn, d: c.d, algo: c.algo, budget, target, runs, successes, successRate: successes / runs.length, ert, ertPerDim: ert / c.d };
}
