/**
 * Experiment plumbing shared by the CLI and the sweep: target specs, the paper's train/test splits
 * (shuffle all 2^n inputs with a seeded stream, the first m train, the rest test — App. E.1), and
 * one run of one learner.
 */
import { parseDnf, evalDnf } from './dnf.js';
import { widthFor, type InitKind } from './dfcn.js';
import { eggrollDriver } from './eggroll.js';
import { greedyDriver } from './greedy.js';
import { runToEnd, type LearnerDriver, type LearnResult, type LogFn } from './learner.js';
import { mhDriver } from './mcmc.js';
import { runOracle } from './oracle.js';
import { seqRng, STREAM } from './rng.js';
import type { Domain, BooleanTask } from './state.js';
import {
  constant, entropy, fromBitString, majority, parity, randomFunction, randomPattern, tile, wordsFor, type TruthTable,
} from './truth-table.js';
import { mix32 } from '../rng/philox.js';

export const TARGET_HELP = 'parity:k | entropy:t | repeat:l (random pattern of length l, tiled) | tile:PATTERN | majority | random | const:0|1 | table:BITS | dnf:EXPR';

/**
 * Builds a target from its spec. Random parts (entropy's ones, repeat's pattern, random) are drawn from
 * the stream (seed, target, draw), so each of the sweep's draws gets its own function.
 */
export function makeTarget(spec: string, n: number, seed: number, draw = 0): TruthTable {
  const [name, ...rest] = spec.split(':');
  const arg = rest.join(':');
  const rng = seqRng(seed, STREAM.target, draw, mix32(...Array.from(spec, (c) => c.charCodeAt(0))));
  const int = (lo: number, hi: number, what: string) => {
    const v = Number(arg);
    if (!/^\d+$/.test(arg) || v < lo || v > hi) throw new RangeError(`target '${spec}': ${what} must be an integer in [${lo}, ${hi}] for n = ${n}`);
    return v;
  };
  switch (name) {
    case 'parity': { const k = int(0, n, 'k'); return parity(n, Array.from({ length: k }, (_, j) => j)); }
    case 'entropy': return entropy(n, int(0, 2 ** n, 't'), rng);
    case 'repeat': return tile(n, randomPattern(int(1, 2 ** n, 'l'), rng));
    case 'tile':
      if (!/^[01]+$/.test(arg)) throw new RangeError(`target '${spec}': tile needs a pattern of 0s and 1s, e.g. tile:1001`);
      return tile(n, arg);
    case 'majority': return majority(n);
    case 'random': return randomFunction(n, rng);
    case 'const': return constant(n, int(0, 1, 'the constant'));
    case 'table': {
      // The length is checked against --n first, so the message names what this command allows (not the parser's 2^16).
      if (arg.length !== 2 ** n) throw new RangeError(`target 'table:${arg.length > 40 ? `${arg.slice(0, 32)}…` : arg}': the table has length ${arg.length} but --n is ${n} (need length ${2 ** n} = 2^${n})`);
      return fromBitString(arg);
    }
    case 'dnf': return evalDnf(parseDnf(arg, n));
    default:
      throw new RangeError(`unknown target '${spec}'; allowed: ${TARGET_HELP}`);
  }
}

/** The paper's split for draw `draw`: a seeded shuffle of all inputs, first m train, rest test. */
export function makeTask(target: TruthTable, m: number, seed: number, draw = 0): BooleanTask {
  const n = target.n, N = 1 << n;
  if (!Number.isInteger(m) || m < 1 || m >= N) throw new RangeError(`m = ${m} must be an integer in [1, ${N - 1}] (at least one training and one test point for n = ${n})`);
  const idx = seqRng(seed, STREAM.split, draw).shuffle(Uint32Array.from({ length: N }, (_, i) => i));
  const W = wordsFor(n);
  const train = new Uint32Array(W), test = new Uint32Array(W);
  for (let k = 0; k < N; k++) {
    const v = idx[k];
    if (k < m) train[v >>> 5] |= 1 << (v & 31);
    else test[v >>> 5] |= 1 << (v & 31);
  }
  return { target, train, test, m };
}

export type BooleanAlgo = 'mh' | 'greedy' | 'oracle' | 'eggroll';
export const ALGOS: [BooleanAlgo, ...BooleanAlgo[]] = ['mh', 'greedy', 'oracle', 'eggroll'];

export interface RunConfig {
  n: number;
  target: string;
  m: number;
  algo: BooleanAlgo;
  lambda: number;
  kappa: number;
  steps: number;
  widthMult: number;
  seed: number;
  draw: number;
  logEvery: number;
  batch?: number;
  tieP: number;
  pairs: number;
  rank: number;
  density: number;
  alpha: number;
  alphaDecay?: number;
  oracleBudget: number;
  /** Starting network for mh / greedy / eggroll (default 'uniform', Alg. 1). */
  init?: InitKind;
  /** Plane domain for mh / greedy: 'all' inputs or only the 'train' inputs (same results, faster at large n). Default: train when n ≥ 9. */
  domain?: Domain;
}

/** A run's task, width, learner seed, plane domain and MH options: what every way of running it shares. */
function setup(c: RunConfig) {
  const target = makeTarget(c.target, c.n, c.seed, c.draw);
  const task = makeTask(target, c.m, c.seed, c.draw);
  const H = widthFor(c.n, c.widthMult);
  // Each draw's learner gets its own streams: mix the draw into the seed.
  const seed = c.draw === 0 ? c.seed : mix32(c.seed, c.draw);
  const domain: Domain = c.domain ?? (c.n >= 9 ? 'train' : 'all');
  const mh = { kappa: c.kappa, lambda: c.lambda, steps: c.steps, logEvery: c.logEvery, seed, initKind: c.init, domain };
  return { task, H, seed, domain, mh };
}

/**
 * runOne with a stop check between log entries (the CLI's Ctrl-C ends MH, greedy and EGGROLL there and keeps what
 * they have); the oracle is one search bounded by its node budget and always finishes. `stopped` says whether the
 * run ended early.
 */
export async function runOneStoppable(c: RunConfig, onLog: LogFn | undefined, stop: () => Promise<boolean>): Promise<{ result: LearnResult; stopped: boolean }> {
  const d = driverFor(c, onLog);
  if (!d) return { result: runOne(c, onLog), stopped: false };
  while (!d.done()) {
    d.next();
    if (!d.done() && await stop()) return { result: d.result(), stopped: true };
  }
  return { result: d.result(), stopped: false };
}

/** The stepwise form of the run's learner; undefined for the oracle (a single search). */
function driverFor(c: RunConfig, onLog?: LogFn): LearnerDriver | undefined {
  const { task, H, seed, domain, mh } = setup(c);
  switch (c.algo) {
    case 'mh': return mhDriver(c.n, H, task, mh, onLog);
    case 'greedy': return greedyDriver(c.n, H, task, { steps: c.steps, batch: c.batch ?? c.m, tieP: c.tieP, logEvery: c.logEvery, seed, initKind: c.init, domain }, onLog);
    case 'oracle': return undefined;
    case 'eggroll': return eggrollDriver(c.n, H, task, {
      generations: c.steps, pairs: c.pairs, rank: c.rank, density: c.density, alpha: c.alpha, alphaDecay: c.alphaDecay,
      kappa: c.kappa, lambda: c.lambda, logEvery: c.logEvery, seed, initKind: c.init,
    }, onLog);
  }
}

export function runOne(c: RunConfig, onLog?: LogFn): LearnResult {
  const d = driverFor(c, onLog);
  if (d) return runToEnd(d);
  const { task, H } = setup(c);
  return runOracle(c.n, H, task, c.oracleBudget);
}
