/** What every learner reports: a per-step log and the final network / formula. */
import type { Dfcn } from './dfcn.js';
import type { Dnf } from './dnf.js';

/** What is measured of a network: at every log entry and at the end. */
export interface Measures {
  train_acc: number;
  test_acc: number;
  /** ‖W¹‖₁ over all rows (what the paper plots). */
  l1_w1: number;
  /** ‖W¹‖₁ + ‖W²‖₁. */
  l1_theta: number;
  active_clauses: number;
  /** Length of the DNF the network computes (literals in active rows). */
  dnf_length: number;
}

export interface StepLog extends Measures {
  step: number;
  accept_rate?: number;
}

export interface LearnResult extends Measures {
  algo: string;
  net?: Dfcn;
  dnf: Dnf;
  steps: number;
  /** First logged step with zero training error (−1 if never). */
  zero_train_step: number;
  log: StepLog[];
  extra?: Record<string, unknown>;
}

export type LogFn = (entry: StepLog) => void;

/**
 * A learner run in pieces: `next()` advances to the next log entry (and emits it), so a caller can check for a
 * stop (Ctrl-C) between entries and still take `result()` for the steps made.
 */
export interface LearnerDriver {
  done(): boolean;
  next(): void;
  result(): LearnResult;
}

export function runToEnd(d: LearnerDriver): LearnResult {
  while (!d.done()) d.next();
  return d.result();
}
