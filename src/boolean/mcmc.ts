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
import type { LearnResult, LogFn, StepLog } from './learner.js';
import { SeqRng, STREAM } from './rng.js';
import { NetState, type Domain, type BooleanTask } from './state.js';

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
  return delta <= 0 ? 1 : Math.exp(-delta);
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
export function mhStep(s: NetState, rng: SeqRng, km: number, lam: number): number {
  const de = s.evalMove(rng.below(s.moves));
  const delta = km * de + lam * s.lastDn;
  if (delta <= 0 || rng.uniform() < Math.exp(-delta)) { s.applyLast(); return 1; }
  return 0;
}

/** Runs the chain; the inner loop allocates nothing. */
export function runMh(n: number, H: number, task: BooleanTask, o: MhOptions, onLog?: LogFn): LearnResult {
  const initRng = new SeqRng(o.seed, STREAM.init, o.chain ?? 0);
  const net = o.init ?? initNet(n, H, initRng, o.initKind ?? 'uniform');
  const s = new NetState(net, task, o.domain ?? 'all');
  const rng = new SeqRng(o.seed, STREAM.chain, o.chain ?? 0);
  const km = o.kappa / task.m, lam = o.lambda;
  const log: StepLog[] = [];
  let zeroStep = -1, accepted = 0, window = 0;
  const emit = (step: number) => {
    const e = snapshot(s, step, task.m, window > 0 ? accepted / window : 0);
    accepted = 0; window = 0;
    if (zeroStep < 0 && s.trainErrors === 0) zeroStep = step;
    log.push(e);
    onLog?.(e);
  };
  emit(0);
  for (let step = 1; step <= o.steps; step++) {
    window++;
    accepted += mhStep(s, rng, km, lam);
    if (step % o.logEvery === 0 || step === o.steps) emit(step);
  }
  const last = log[log.length - 1];
  const final = s.toNet();
  return { algo: 'mh', net: final, dnf: toDnf(final), ...pick(last), steps: o.steps, zero_train_step: zeroStep, log };
}

export function pick(e: StepLog) {
  return { train_acc: e.train_acc, test_acc: e.test_acc, l1_w1: e.l1_w1, l1_theta: e.l1_theta, active_clauses: e.active_clauses, dnf_length: e.dnf_length };
}
