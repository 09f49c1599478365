/**
 * Metropolis–Hastings (mcmc.ts) as a chain advanced in chunks, for a caller that shows it live (the
 * playground's Boolean tab runs it in a Web Worker and posts a snapshot between chunks). The same
 * streams, start and steps as runMh, so a chain advanced to step s is runMh's network at step s.
 */
import { toDnf, type Dfcn } from './dfcn.js';
import { formatDnf } from './dnf.js';
import type { StepLog } from './learner.js';
import { MhRun } from './mcmc.js';

export interface ChainView extends StepLog {
  /** Accuracy over all 2ⁿ inputs (training and test together). */
  readonly all_acc: number;
  readonly n: number;
  readonly H: number;
  readonly beta: 1 | -1;
  /** W¹, row-major H × n, entries in {−1, 0, 1} (a copy). */
  readonly w1: Int8Array;
  /** |W²_i| ∈ {0, 1} (a copy). */
  readonly w2: Uint8Array;
  /** The DNF the network computes, as formatDnf writes it. */
  readonly dnf: string;
}

export class MhChain extends MhRun {
  get net(): Dfcn {
    return this.s.toNet();
  }

  /** The chain now: runMh's log entry for this step (acceptance over the steps since the last view), the weights and the DNF. */
  view(): ChainView {
    const log = this.log();
    const net = this.s.toNet();
    const errors = this.s.trainErrors + this.s.testErrors();
    return { ...log, all_acc: 1 - errors / 2 ** this.n, n: this.n, H: net.H, beta: net.beta, w1: net.w1, w2: net.w2, dnf: formatDnf(toDnf(net)) };
  }
}
