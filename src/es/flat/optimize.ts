/**
 * `optimize(f, x0, options)`: black-box optimisation of a function of a flat vector in one call (issue 31): CMA-ES,
 * Sep-CMA-ES, SNES, PGPE (ClipUp) and ARS, with IPOP or BIPOP restarts, box bounds and integer coordinates. The
 * direction is never guessed: exactly one of `minimize: true` or `maximize: true`. `f` may return a number or a
 * Promise (a generation's candidates are then evaluated concurrently), or take the whole generation at once
 * (`batch: true`). A non-finite value (NaN, ±Inf) ranks last and is counted; it never enters the distribution's state.
 */
import { pow } from '../../math/index.js';
import { namedStream, PhiloxStream } from '../../rng/stream.js';
import { boxTransform, type Bounds } from './bounds.js';
import { createFlatStrategy, FLAT_STRATEGIES, type FlatStrategyName, type StrategySettings } from './create.js';
import type { FlatStrategy } from './types.js';

/** The strategies `optimize` runs. */
export const OPTIMIZE_ALGOS = FLAT_STRATEGIES;
export type OptimizeAlgo = FlatStrategyName;

/** What `onGeneration` gets, once per generation (the same fields a metrics.jsonl row would hold). */
export interface GenerationRecord {
  generation: number;
  evals: number;
  /** Which run (0, then one more per restart) and its population. */
  restart: number;
  popSize: number;
  /** In the caller's direction (minimised or maximised values as `f` returned them): the best so far over all runs. */
  best: number;
  /** This generation's finite values: mean and standard deviation. */
  mean: number;
  std: number;
  /** The strategy's step size (CMA-ES: σ; SNES, PGPE: the mean per-coordinate σ; ARS: ν). */
  sigma: number;
  nonFinite: number;
  seconds: number;
}

export type { StrategySettings };

export interface OptimizeOptions {
  /**
   * 'cma-es' (the default; full covariance, d up to a few hundred), 'sep-cma-es' (diagonal, any d), 'snes' (separable
   * NES, any d), 'pgpe' (symmetric PGPE with ClipUp, any d) or 'ars' (augmented random search).
   */
  algo?: OptimizeAlgo;
  /** Initial step size (every coordinate; ARS: its fixed ν): about a quarter of the range where the optimum may be. */
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
   * Restarts when a run converges locally (tolX, tolFun, conditionCov) and budget is left, up to this many (default
   * 0; with 'bipop' this many large-population restarts, the small ones between them not counted). Each restart
   * draws from its own streams; the best candidate over all runs is returned.
   */
  restarts?: number;
  /**
   * 'ipop' (Auger & Hansen 2005: each restart from x0 with σ0 and twice the population) or 'bipop' (Hansen 2009:
   * alternately a large-population restart, doubling, and a small-population one with λ = ⌊λ₀·(½λ_L/λ₀)^{U²}⌋ and
   * σ = σ0·10^{−2U'}, whichever regime has spent fewer evaluations; U, U' uniform). Default 'ipop'.
   */
  restartStrategy?: 'ipop' | 'bipop';
  /**
   * Box bounds [lower, upper] (numbers or one per coordinate; ±Infinity for an open side): the strategy searches
   * an unbounded space and `f` sees its points mapped into the box by pycma's BoundTransform (identity inside,
   * quadratic near a bound, periodic reflection beyond: bounds.ts). `x` is returned in the box.
   */
  bounds?: Bounds;
  /**
   * Coordinates rounded to the nearest integer before `f` sees them (after the bounds); `x` is returned rounded.
   * CMA-ES and Sep-CMA-ES keep a margin (Hamano et al. 2022: each such coordinate leaves its integer with probability
   * ≥ 1/(d·λ)), so they do not freeze on the rounding's plateaus; SNES, PGPE and ARS only round.
   */
  integer?: readonly number[];
  /** `f` takes a whole generation (an array of candidates) and returns its values in order (default false). */
  batch?: boolean;
  /** PGPE's and ARS's own settings (optimizer, learning rates, top directions). */
  strategy?: StrategySettings;
  onGeneration?: (r: GenerationRecord) => void;
}

/** Why `optimize` ended: a budget or target, or (with no restarts left) a local convergence criterion. */
export type StopReason = 'target' | 'maxEvals' | 'maxSeconds' | 'tolX' | 'tolFun' | 'conditionCov';

export interface OptimizeResult {
  /** The best candidate seen (as `f` saw it: in the bounds, integers rounded) and its value. */
  x: Float64Array;
  f: number;
  evals: number;
  generations: number;
  /** Restarts made. */
  restarts: number;
  stopReason: StopReason;
  history: GenerationRecord[];
}

type One = (x: Float64Array) => number | Promise<number>;
type Many = (xs: Float64Array[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

export function optimize(f: Many, x0: ArrayLike<number>, opts: OptimizeOptions & { batch: true }): Promise<OptimizeResult>;
export function optimize(f: One, x0: ArrayLike<number>, opts: OptimizeOptions & { batch?: false }): Promise<OptimizeResult>;
export async function optimize(f: One | Many, x0: ArrayLike<number>, opts: OptimizeOptions): Promise<OptimizeResult> {
  if (Boolean(opts.minimize) === Boolean(opts.maximize)) throw new RangeError('optimize: say which way: exactly one of { minimize: true } or { maximize: true }');
  const algo = opts.algo ?? 'cma-es';
  if (!(OPTIMIZE_ALGOS as readonly string[]).includes(algo)) throw new RangeError(`optimize: algo must be one of ${OPTIMIZE_ALGOS.join(', ')}, got '${algo}'`);
  const sign = opts.minimize ? 1 : -1;
  const maxRestarts = opts.restarts ?? 0;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) throw new RangeError(`optimize: restarts must be an integer ≥ 0, got ${maxRestarts}`);
  const regime = opts.restartStrategy ?? 'ipop';
  if (regime !== 'ipop' && regime !== 'bipop') throw new RangeError(`optimize: restartStrategy must be 'ipop' or 'bipop', got '${regime}'`);
  const d = x0.length;
  const toBox = opts.bounds ? boxTransform(opts.bounds, d) : undefined;
  const integer = opts.integer ?? [];
  for (const i of integer) if (!Number.isInteger(i) || i < 0 || i >= d) throw new RangeError(`optimize: integer coordinates must be indices in [0, ${d}), got ${i}`);
  if (toBox) for (let i = 0; i < d; i++) if (!(toBox.lower[i] <= x0[i] && x0[i] <= toBox.upper[i])) throw new RangeError(`optimize: x0[${i}] = ${x0[i]} is outside its bounds [${toBox.lower[i]}, ${toBox.upper[i]}]`);
  /** A candidate as `f` sees it: in the box, integers rounded (the strategy keeps its own unbounded point). */
  const feasible = toBox || integer.length ? (x: Float64Array): Float64Array => {
    const y = toBox ? toBox.map(x) : Float64Array.from(x);
    for (const i of integer) y[i] = Math.round(y[i]);
    return y;
  } : (x: Float64Array) => x;
  const runSeed = (restart: number) => ((opts.seed ?? 0) + Math.imul(restart, 0x9e3779b9)) >>> 0;
  let es = createFlatStrategy(algo, x0, opts.sigma0, { seed: runSeed(0), popSize: opts.popSize, settings: opts.strategy, integer });
  const lambda0 = es.lambda;
  const maxEvals = opts.maxEvals ?? 1000 * (d + 2) * (d + 2);
  if (!(maxEvals >= 1)) throw new RangeError(`optimize: maxEvals must be ≥ 1, got ${maxEvals}`);
  const t0 = performance.now();
  let evals = 0, generations = 0, restart = 0;
  // BIPOP's bookkeeping: evaluations spent by each regime (the first run counts as large) and the large population.
  let largeLambda = lambda0, largeEvals = 0, smallEvals = 0, runIsSmall = false, largeRestarts = 0;
  let best = { x: feasible(Float64Array.from(x0)), f: NaN, key: Infinity };
  const history: GenerationRecord[] = [];
  // tolFun: the run's generation-best values over the last 10 + ⌈30d/λ⌉ generations lie within 1e-12.
  let recent: number[] = [];
  for (;;) {
    const xs = es.ask();
    const seen = xs.map(feasible);
    const raw = await evaluate(f, seen, opts.batch === true);
    evals += xs.length;
    if (runIsSmall) smallEvals += xs.length; else largeEvals += xs.length;
    generations++;
    let nonFinite = 0, sum = 0, sum2 = 0, finite = 0, genBest = Infinity;
    // Minimised internally: non-finite values rank last.
    const keys = new Float64Array(xs.length);
    for (let k = 0; k < xs.length; k++) {
      const v = raw[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) { nonFinite++; keys[k] = Infinity; continue; }
      sum += v; sum2 += v * v; finite++;
      const key = sign * v;
      keys[k] = key;
      genBest = Math.min(genBest, key);
      if (key < best.key) best = { x: Float64Array.from(seen[k]), f: v, key };
    }
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
    // (Not with integer coordinates: the rounding's plateaus hold the best value still while the margin explores.)
    else if (!integer.length && recent.length === window && Math.max(...recent) - Math.min(...recent) < 1e-12) stop = 'tolFun';
    else if (es.conditionNumber > 1e14) stop = 'conditionCov';
    if (!stop) continue;
    const local = stop === 'tolX' || stop === 'tolFun' || stop === 'conditionCov';
    // BIPOP: the regime that has spent less goes next (the first restart is a large one); `restarts` counts the
    // large-population restarts, the small ones fill the budget between them (Hansen 2009).
    const nextSmall = regime === 'bipop' && largeRestarts > 0 && smallEvals < largeEvals;
    if (!local || (!nextSmall && largeRestarts >= maxRestarts)) return { x: best.x, f: best.f, evals, generations, restarts: restart, stopReason: stop, history };
    restart++;
    recent = [];
    if (regime === 'ipop') {
      largeRestarts++;
      es = createFlatStrategy(algo, x0, opts.sigma0, { seed: runSeed(restart), popSize: 2 * es.lambda, settings: opts.strategy, integer });
      continue;
    }
    runIsSmall = nextSmall;
    if (!runIsSmall) {
      largeRestarts++;
      largeLambda *= 2;
      es = createFlatStrategy(algo, x0, opts.sigma0, { seed: runSeed(restart), popSize: largeLambda, settings: opts.strategy, integer });
    } else {
      const u = new PhiloxStream(namedStream(opts.seed ?? 0, 'bipo', restart));
      const U = u.random(), U2 = u.random();
      const lambda = Math.max(2, Math.floor(lambda0 * pow((0.5 * largeLambda) / lambda0, U * U)));
      es = createFlatStrategy(algo, x0, opts.sigma0 * pow(10, -2 * U2), { seed: runSeed(restart), popSize: lambda, settings: opts.strategy, integer });
    }
  }
}

/** A generation's values: one call per candidate (awaited together only when one returned a promise), or one call. */
async function evaluate(f: One | Many, xs: Float64Array[], batch: boolean): Promise<ArrayLike<unknown>> {
  if (batch) {
    const out = await (f as Many)(xs);
    if (!out || typeof out.length !== 'number' || out.length !== xs.length) throw new RangeError(`optimize: a batched f must return one value per candidate (${xs.length}), got ${out && typeof out.length === 'number' ? out.length : typeof out}`);
    return out;
  }
  const out = new Array<unknown>(xs.length);
  let pending = false;
  for (let k = 0; k < xs.length; k++) {
    const v = (f as One)(xs[k]);
    out[k] = v;
    if (v !== null && typeof v === 'object' && typeof (v as Promise<number>).then === 'function') pending = true;
  }
  return pending ? Promise.all(out) : out;
}
