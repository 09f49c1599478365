/** Flags and validation shared by `boolean train` and `boolean sweep`. */
import { num, oneOf, type FlagTable } from '../flags.js';
import { UsageError } from '../errors.js';
import { makeTarget, makeTask, type RunConfig } from '../../boolean/experiments.js';
import { widthFor } from '../../boolean/dfcn.js';

export const TRAIN_MAX_N = 14;

/** Default step counts when --steps is 0 (the paper does not state its budget). */
export const DEFAULT_STEPS: Record<string, number> = { mh: 1_000_000, greedy: 2000, oracle: 0, eggroll: 500 };

export const learnerFlags = {
  kappa: { schema: num.positive(), default: 1000, help: 'MH / EGGROLL inverse temperature κ on the mean training error' },
  'width-mult': { schema: num.positive(), default: 2, help: 'α_w: hidden width H = α_w·2^(n−1)' },
  'tie-p': { schema: num.range(0, 1), default: 0.5, help: 'greedy: probability of taking a lowest-ℓ1 member of the best set' },
  batch: { schema: num.int(0), default: 0, help: 'greedy: minibatch size b (0 = full batch m)' },
  pairs: { schema: num.int(1, 100000), default: 64, help: 'eggroll: antithetic pairs per generation' },
  rank: { schema: num.int(1, 64), default: 1, help: 'eggroll: rank of each ternary perturbation' },
  density: { schema: num.range(0, 1), default: 0.03, help: 'eggroll: probability a row takes part in a perturbation' },
  alpha: { schema: num.range(1e-9, 1), default: 0.1, help: 'eggroll: z-test level; entries move where |Z| > Φ⁻¹(1−α/2)·sd' },
  'alpha-decay': { schema: num.nonneg(), default: 0, help: 'eggroll: α_t = α/(1 + decay·t) (nano-egg\'s schedule shape; 0 = constant)' },
  init: { schema: oneOf(['uniform', 'empty'] as const), default: 'uniform', help: 'start: uniform = Alg. 1 (random W¹, W² in {0,β}); empty = the all-zero network (the empty DNF)' },
  'oracle-budget': { schema: num.count(1), default: 200000, help: 'oracle: branch-and-bound nodes before settling for the best cover found' },
} satisfies FlagTable;

/** Validates what zod cannot see alone (n-dependent ranges) and resolves defaults. */
export function resolveRun(f: Record<string, unknown>, base: Partial<RunConfig> = {}): RunConfig {
  const n = f.n as number;
  const m = (base.m ?? f.m) as number;
  // The target is checked first: a malformed --target must not be reported as a problem with --m.
  const target = (base.target ?? f.target) as string;
  try {
    makeTarget(target, n, f.seed as number, (base.draw ?? f.draw ?? 0) as number);
  } catch (e) {
    throw new UsageError(`--target: ${(e as Error).message}`);
  }
  if (m >= 2 ** n) throw new UsageError(`--m: m = ${m} must be < 2^n = ${2 ** n} (at least one test point); allowed: 1..${2 ** n - 1} for n = ${n}`);
  const algo = (base.algo ?? f.algo) as RunConfig['algo'];
  const steps = (f.steps as number) || DEFAULT_STEPS[algo];
  const c: RunConfig = {
    n, target: (base.target ?? f.target) as string, m, algo, lambda: (base.lambda ?? f.lambda) as number,
    kappa: f.kappa as number, steps, widthMult: f['width-mult'] as number, seed: f.seed as number,
    draw: (base.draw ?? f.draw ?? 0) as number,
    logEvery: (f['log-every'] as number) || Math.max(1, Math.floor(steps / 100)),
    batch: (f.batch as number) || undefined, tieP: f['tie-p'] as number, pairs: f.pairs as number, rank: f.rank as number,
    density: f.density as number, alpha: f.alpha as number, oracleBudget: f['oracle-budget'] as number, alphaDecay: f['alpha-decay'] as number, init: f.init as RunConfig['init'],
  };
  if (c.batch !== undefined && c.batch > m) throw new UsageError(`--batch: ${c.batch} is larger than the training set m = ${m}; allowed: 1..${m} (0 = full batch)`);
  try {
    makeTask(makeTarget(c.target, n, c.seed, c.draw), m, c.seed, c.draw);
  } catch (e) {
    throw new UsageError(`--target: ${(e as Error).message}`);
  }
  const H = widthFor(n, c.widthMult);
  if (H * 2 ** Math.max(0, n - 5) > 2 ** 25) throw new UsageError(`--width-mult: H·2^n/32 = ${H * 2 ** Math.max(0, n - 5)} words of clause planes is too large; use a smaller n or --width-mult`);
  return c;
}

