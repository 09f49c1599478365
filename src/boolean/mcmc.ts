/**
 * Metropolis–Hastings over DFCN parameters (paper Alg. 1): target π(θ) ∝ exp(−κ L(θ) − λ‖θ‖₁), L the
 * mean training error (full batch), ‖θ‖₁ = ‖W¹‖₁ + ‖W²‖₁. Proposal: a uniform member of the 1-hop
 * neighbourhood (see state.ts), which is symmetric, so the acceptance probability is
 *   a = min(1, exp(κ(L − L') + λ(‖θ‖₁ − ‖θ'‖₁))).
 * Start: W¹ uniform ternary, β a fair coin, W² uniform in {0, β} (Alg. 1 header). Each proposal costs
 * O(2^n/32) words (NetState.evalMove).
 */
import { initNet, type Dfcn, type InitKind } from './dfcn.js';
import { toDnf } from './dfcn.js';
import { runToEnd, type LearnerDriver, type LearnResult, type LogFn, type StepLog } from './learner.js';
import { seqRng, STREAM } from './rng.js';
import type { Xoshiro128 } from '../rng/stream.js';
import { NetState, type Domain, type BooleanTask } from './state.js';
import { exp } from '../math/index.js';

export interface MhOptions {
  kappa: number;
  lambda: number;
  steps: number;
  logEvery: number;
  seed: number;
  /** Which chain (several chains of one run use different streams). */
  chain?: number;
  init?: Dfcn;
  initKind?: InitKind;
  /** Planes over all inputs or only the training inputs (same chain, cheaper at large n). */
  domain?: Domain;
}

/** Acceptance probability of a move changing the error count by de (of m) and the ℓ1 norm by dn. */
export function acceptProb(kappa: number, lambda: number, m: number, de: number, dn: number): number {
  const delta = (kappa * de) / m + lambda * dn;
  return delta <= 0 ? 1 : exp(-delta);
}

export function snapshot(s: NetState, step: number, m: number, accept?: number): StepLog {
  const nTest = (1 << s.n) - m;
  return {
    step,
    train_acc: 1 - s.trainErrors / m,
    test_acc: nTest === 0 ? 1 : 1 - s.testErrors() / nTest,
    l1_w1: s.l1w1,
    l1_theta: s.l1w1 + s.l1w2,
    active_clauses: s.activeClauses(),
    dnf_length: s.activeLiterals(),
    ...(accept === undefined ? {} : { accept_rate: accept }),
  };
}

/**
 * One MH step: propose a uniform neighbour, accept with min(1, exp(−(κ/m)·Δerrors − λ·Δ‖θ‖₁)).
 * km = κ/m. Returns 1 if accepted. (The same expression as acceptProb, inlined for speed.)
 */
export function mhStep(s: NetState, rng: Xoshiro128, km: number, lam: number): number {
  const de = s.evalMove(rng.below(s.moves));
  const delta = km * de + lam * s.lastDn;
  if (delta <= 0 || rng.uniform32() < exp(-delta)) { s.applyLast(); return 1; }
  return 0;
}

/** Runs the chain; the inner loop allocates nothing. */
/**
 * A chain: its network state, its proposal stream and its acceptance count since the last log entry —
 * the one copy of the setup and the step loop that runMh and chain.ts's MhChain (advanced in chunks,
 * for a live view) share.
 */
export class MhRun {
  readonly s: NetState;
  private readonly rng: Xoshiro128;
  private readonly km: number;
  private readonly lam: number;
  step = 0;
  private accepted = 0;
  private window = 0;

  constructor(readonly n: number, H: number, readonly task: BooleanTask, o: Pick<MhOptions, 'kappa' | 'lambda' | 'seed' | 'chain' | 'init' | 'initKind' | 'domain'>) {
    const net = o.init ?? initNet(n, H, seqRng(o.seed, STREAM.init, o.chain ?? 0), o.initKind ?? 'uniform');
    this.s = new NetState(net, task, o.domain ?? 'all');
    this.rng = seqRng(o.seed, STREAM.chain, o.chain ?? 0);
    this.km = o.kappa / task.m;
    this.lam = o.lambda;
  }

  /** Runs `steps` more proposals. */
  advance(steps: number): void {
    const { s, rng, km, lam } = this;
    let accepted = 0;
    for (let k = 0; k < steps; k++) accepted += mhStep(s, rng, km, lam);
    this.accepted += accepted;
    this.window += steps;
    this.step += steps;
  }

  /** The log entry for the current step, its acceptance rate over the steps since the previous entry. */
  log(): StepLog {
    const e = snapshot(this.s, this.step, this.task.m, this.window > 0 ? this.accepted / this.window : 0);
    this.accepted = 0;
    this.window = 0;
    return e;
  }
}

/**
 * runMh one log interval at a time: `next()` advances to the next log entry, `result()` is the run so far. runMh
 * drives it to the end at once; the CLI drives it between event-loop turns, so that Ctrl-C stops it at a log entry
 * with what it has.
 */
export function mhDriver(n: number, H: number, task: BooleanTask, o: MhOptions, onLog?: LogFn): LearnerDriver {
  const run = new MhRun(n, H, task, o);
  const log: StepLog[] = [];
  let zeroStep = -1;
  const emit = () => {
    const e = run.log();
    if (zeroStep < 0 && run.s.trainErrors === 0) zeroStep = run.step;
    log.push(e);
    onLog?.(e);
  };
  emit();
  return {
    done: () => run.step >= o.steps,
    // Entries at every multiple of logEvery and at the last step.
    next() {
      run.advance(Math.min(o.logEvery - (run.step % o.logEvery), o.steps - run.step));
      emit();
    },
    result() {
      const last = log[log.length - 1];
      const final = run.s.toNet();
      return { algo: 'mh', net: final, dnf: toDnf(final), ...pick(last), steps: run.step, zero_train_step: zeroStep, log };
    },
  };
}

export function runMh(n: number, H: number, task: BooleanTask, o: MhOptions, onLog?: LogFn): LearnResult {
  return runToEnd(mhDriver(n, H, task, o, onLog));
}

export function pick(e: StepLog) {
  return { train_acc: e.train_acc, test_acc: e.test_acc, l1_w1: e.l1_w1, l1_theta: e.l1_theta, active_clauses: e.active_clauses, dnf_length: e.dnf_length };
}
