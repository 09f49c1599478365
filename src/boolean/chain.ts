/**
 * Metropolis–Hastings (mcmc.ts) as a chain advanced in chunks, for a caller that shows it live (the
 * playground's Boolean tab runs it in a Web Worker and posts a snapshot between chunks). The same
 * streams, start and steps as runMh, so a chain advanced to step s is runMh's network at step s.
 */
import { initNet, toDnf, type Dfcn } from './dfcn.js';
import { formatDnf } from './dnf.js';
import type { StepLog } from './learner.js';
import { mhStep, snapshot, type MhOptions } from './mcmc.js';
import { SeqRng, STREAM } from './rng.js';
import { NetState, type BooleanTask } from './state.js';

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

export class MhChain {
  private readonly s: NetState;
  private readonly rng: SeqRng;
  private readonly km: number;
  step = 0;
  private accepted = 0;
  private window = 0;

  constructor(readonly n: number, H: number, readonly task: BooleanTask, private readonly o: Pick<MhOptions, 'kappa' | 'lambda' | 'seed' | 'chain' | 'initKind'>) {
    const net = initNet(n, H, new SeqRng(o.seed, STREAM.init, o.chain ?? 0), o.initKind ?? 'uniform');
    this.s = new NetState(net, task, 'all');
    this.rng = new SeqRng(o.seed, STREAM.chain, o.chain ?? 0);
    this.km = o.kappa / task.m;
  }

  /** Runs `steps` more proposals. */
  advance(steps: number): void {
    for (let k = 0; k < steps; k++) this.accepted += mhStep(this.s, this.rng, this.km, this.o.lambda);
    this.window += steps;
    this.step += steps;
  }

  get net(): Dfcn {
    return this.s.toNet();
  }

  /** The chain now: runMh's log entry for this step (acceptance over the steps since the last view), the weights and the DNF. */
  view(): ChainView {
    const log = snapshot(this.s, this.step, this.task.m, this.window > 0 ? this.accepted / this.window : 0);
    this.accepted = 0;
    this.window = 0;
    const net = this.s.toNet();
    const errors = this.s.trainErrors + this.s.testErrors();
    return { ...log, all_acc: 1 - errors / 2 ** this.n, n: this.n, H: net.H, beta: net.beta, w1: net.w1, w2: net.w2, dnf: formatDnf(toDnf(net)) };
  }
}
