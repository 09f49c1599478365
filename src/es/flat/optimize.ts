/**
 * `optimize(f, x0, options)`: black-box optimisation of a function of a flat vector in one call (issue 31, first
 * part: CMA-ES, Sep-CMA-ES and SNES). The direction is never guessed: exactly one of `minimize: true` or `maximize: true`. `f` may return
 * a number or a Promise (a generation's candidates are then evaluated concurrently). A non-finite value (NaN, ±Inf)
 * ranks last and is counted; it never enters the distribution's state.
 */
import { CmaEs } from './cma-es.js';
import { Snes } from './snes.js';
import type { FlatStrategy } from './types.js';

/** The strategies `optimize` runs. */
export const OPTIMIZE_ALGOS = ['cma-es', 'sep-cma-es', 'snes'] as const;
export type OptimizeAlgo = typeof OPTIMIZE_ALGOS[number];

/** What `onGeneration` gets, once per generation (the same fields a metrics.jsonl row would hold). */
export interface GenerationRecord {
  generation: number;
  evals: number;
  /** Which run (0, then one more per IPOP restart) and its population. */
  restart: number;
  popSize: number;
  /** In the caller's direction (minimised or maximised values as `f` returned them). */
  best: number;
  mean: number;
  std: number;
  /** The strategy's step size (CMA-ES: σ; SNES: the mean per-coordinate σ). */
  sigma: number;
  nonFinite: number;
  seconds: number;
}

export interface OptimizeOptions {
  /**
   * The strategy: 'cma-es' (the default; full covariance, d up to a few hundred), 'sep-cma-es' (diagonal, any d) or
   * 'snes' (separable NES, any d).
   */
  algo?: OptimizeAlgo;
  /** Initial step size (every coordinate): about a quarter of the range where the optimum may be. */
  sigma0: number;
  minimize?: boolean;
  maximize?: boolean;
  popSize?: number;
  seed?: number;
  /** Stop once this many evaluations are spent (default 1000·(d + 2)²). */
  maxEvals?: number;
  maxSeconds?: number;
  /** Stop once a candidate is at least this good. */
  target?: number;
  /**
   * IPOP restarts (Auger & Hansen 2005): when a run converges locally (tolX, tolFun, conditionCov) and budget is
   * left, start again from x0 with σ0 and twice the population, up to this many times (default 0). Each restart
   * draws from its own streams; the best candidate over all runs is returned.
   */
  restarts?: number;
  onGeneration?: (r: GenerationRecord) => void;
}

/** Why `optimize` ended: a budget or target, or (with no restarts left) a local convergence criterion. */
export type StopReason = 'target' | 'maxEvals' | 'maxSeconds' | 'tolX' | 'tolFun' | 'conditionCov';

export interface OptimizeResult {
  /** The best candidate seen and its value. */
  x: Float64Array;
  f: number;
  evals: number;
  generations: number;
  /** Restarts made (IPOP). */
  restarts: number;
  stopReason: StopReason;
  history: GenerationRecord[];
}

export async function optimize(f: (x: Float64Array) => number | Promise<number>, x0: ArrayLike<number>, opts: OptimizeOptions): Promise<OptimizeResult> {
  if (Boolean(opts.minimize) === Boolean(opts.maximize)) throw new RangeError('optimize: say which way: exactly one of { minimize: true } or { maximize: true }');
  const algo = opts.algo ?? 'cma-es';
  if (!(OPTIMIZE_ALGOS as readonly string[]).includes(algo)) throw new RangeError(`optimize: algo must be one of ${OPTIMIZE_ALGOS.join(', ')}, got '${algo}'`);
  const sign = opts.minimize ? 1 : -1;
  const maxRestarts = opts.restarts ?? 0;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) throw new RangeError(`optimize: restarts must be an integer ≥ 0, got ${maxRestarts}`);
  const start = (restart: number, popSize?: number): FlatStrategy => {
    const seed = ((opts.seed ?? 0) + Math.imul(restart, 0x9e3779b9)) >>> 0;
    if (algo === 'snes') return new Snes(x0, opts.sigma0, { popSize, seed });
    return new CmaEs(x0, opts.sigma0, { popSize, seed, covariance: algo === 'sep-cma-es' ? 'diagonal' : 'full' });
  };
  let es = start(0, opts.popSize);
  const d = es.d;
  const maxEvals = opts.maxEvals ?? 1000 * (d + 2) * (d + 2);
  if (!(maxEvals >= 1)) throw new RangeError(`optimize: maxEvals must be ≥ 1, got ${maxEvals}`);
  const t0 = performance.now();
  let evals = 0, generations = 0, restart = 0;
  let best = { x: Float64Array.from(x0), f: NaN, key: Infinity };
  const history: GenerationRecord[] = [];
  // tolFun: the run's generation-best values over the last 10 + ⌈30d/λ⌉ generations lie within 1e-12.
  let recent: number[] = [];
  for (;;) {
    const xs = es.ask();
    const raw = await Promise.all(xs.map((x) => f(x)));
    evals += xs.length;
    generations++;
    let nonFinite = 0, sum = 0, sum2 = 0, finite = 0, genBest = Infinity;
    // Minimised internally: non-finite values rank last.
    const keys = raw.map((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) { nonFinite++; return Infinity; }
      sum += v; sum2 += v * v; finite++;
      const key = sign * v;
      genBest = Math.min(genBest, key);
      if (key < best.key) best = { x: Float64Array.from(xs[k]), f: v, key };
      return key;
    });
    es.tell(keys);
    const mean = finite ? sum / finite : NaN;
    const rec: GenerationRecord = {
      generation: generations - 1, evals, restart, popSize: es.lambda, best: best.f, mean,
      std: finite > 1 ? Math.sqrt(Math.max(0, sum2 / finite - mean * mean)) : 0,
      sigma: es.stepSize, nonFinite, seconds: (performance.now() - t0) / 1000,
    };
    history.push(rec);
    opts.onGeneration?.(rec);
    recent.push(genBest);
    const window = 10 + Math.ceil((30 * d) / es.lambda);
    if (recent.length > window) recent = recent.slice(-window);
    let stop: StopReason | undefined;
    if (opts.target !== undefined && best.key <= sign * opts.target) stop = 'target';
    else if (evals >= maxEvals) stop = 'maxEvals';
    else if (opts.maxSeconds !== undefined && rec.seconds >= opts.maxSeconds) stop = 'maxSeconds';
    else if (es.maxStd() < 1e-12 * opts.sigma0) stop = 'tolX';
    else if (recent.length === window && Math.max(...recent) - Math.min(...recent) < 1e-12) stop = 'tolFun';
    else if (es.conditionNumber > 1e14) stop = 'conditionCov';
    if (!stop) continue;
    const local = stop === 'tolX' || stop === 'tolFun' || stop === 'conditionCov';
    if (local && restart < maxRestarts) {
      restart++;
      es = start(restart, 2 * es.lambda);
      recent = [];
      continue;
    }
    return { x: best.x, f: best.f, evals, generations, restarts: restart, stopReason: stop, history };
  }
}
