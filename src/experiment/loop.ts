/**
 * The one training loop every experiment runs (RL, EGG language models, reasoning): it owns what a run directory's
 * life needs between "the model is built" and "the summary is written" — metrics.jsonl, the stop check (Ctrl-C,
 * SIGTERM), `--max-seconds`, the experiment's own early stop, the checkpoint cadence and one RunStopped — while the
 * experiment supplies only its step, its metrics rows and how to checkpoint its state.
 *
 * Per unit (a generation, a step), in this order: advance; check the time limit and the experiment's early stop;
 * record the unit's rows (`ending` tells the experiment it is the last of this session, where it evaluates); report
 * progress; ask whether a signal came; checkpoint on the cadence or when stopping; then stop. A unit given up mid-way (a cluster wait ended by Ctrl-C:
 * GenerationAborted) leaves the state before it, which is checkpointed.
 */
import type { MetricsLog } from '../io/metrics.js';
import { stopRequested } from '../io/stop-check.js';
import type { GenerationStats } from '../parallel/cluster/coordinator.js';
import type { RunClock } from './clock.js';

/** What the loop drives: one experiment's state and step. */
export interface LoopExperiment {
  /** 'generation' or 'step': what messages call a unit. */
  readonly unit: string;
  /** Units the run is to reach (a resumed run may already be past some). */
  readonly total: number;
  /** Units done so far. */
  done(): number;
  /** One unit: the update. May throw an error named 'GenerationAborted' (a cluster wait given up). */
  advance(): Promise<void>;
  /**
   * The unit just made as metrics.jsonl rows. `ending`: no unit follows in this session (total or time reached). May
   * return a promise (a device-resident run reads its weights back before it evaluates them).
   */
  record(ending: boolean): Record<string, unknown>[] | Promise<Record<string, unknown>[]>;
  /** After the rows are written (progress bars). */
  report?(): void;
  /**
   * Writes a checkpoint of the state now; `seconds` are the run's training seconds so far (kept over a resume). A
   * returned promise is awaited (a device-resident run reads its state back first); any other value is ignored.
   */
  checkpoint(seconds: number): unknown;
  /** Units between checkpoints (the last unit and a stop always write one). */
  readonly checkpointEvery: number;
  /** The experiment's own reason to end before `total` (RL's --stop-at-return), as the line to log; checked per unit. */
  finishedEarly?(): string | undefined;
}

export interface LoopOptions {
  metrics: MetricsLog;
  clock: RunClock;
  /** Asked at every unit boundary (cli/signals.ts): a reason stops the run with a checkpoint and RunStopped. */
  shouldStop?: () => string | undefined;
  /** Stop with a checkpoint at the first boundary after this many seconds of this session; 0 = no limit. */
  maxSeconds?: number;
  log?: (line: string) => void;
  /** How to continue the run, for messages: e.g. "eggroll train --resume DIR". */
  resumeHint: string;
}

/** How the loop ended when it did not reach `total`. */
export type LoopEnd = { stoppedBy?: 'max-seconds' | 'early' };

/** A run stopped by a signal after writing a checkpoint at unit `done` (its `unit`: generation or step). */
export class RunStopped extends Error {
  override readonly name = 'RunStopped';
  constructor(readonly reason: string, readonly done: number, readonly unit: string, readonly dir: string) {
    super(`${reason}: stopped at ${unit} ${done} with a checkpoint`);
  }
}

export async function runLoop(exp: LoopExperiment, dir: string, o: LoopOptions): Promise<LoopEnd> {
  const log = o.log ?? (() => {});
  const limitMs = (o.maxSeconds ?? 0) * 1000;
  while (exp.done() < exp.total) {
    try {
      await exp.advance();
    } catch (e) {
      if ((e as Error).name !== 'GenerationAborted') throw e;
      await exp.checkpoint(o.clock.seconds());
      throw new RunStopped((e as { reason: string }).reason, exp.done(), exp.unit, dir);
    }
    const at = exp.done();
    const last = at >= exp.total;
    const outOfTime = limitMs > 0 && o.clock.session() * 1000 >= limitMs && !last;
    const early = last ? undefined : exp.finishedEarly?.();
    for (const row of await exp.record(last || outOfTime)) o.metrics.append(row);
    exp.report?.();
    const stop = await stopRequested(o.shouldStop);
    if (at % exp.checkpointEvery === 0 || last || stop || outOfTime || early) await exp.checkpoint(o.clock.seconds());
    if (stop) throw new RunStopped(stop, at, exp.unit, dir);
    if (outOfTime) {
      log(`--max-seconds ${o.maxSeconds} reached at ${exp.unit} ${at} of ${exp.total}; resume with: ${o.resumeHint}`);
      return { stoppedBy: 'max-seconds' };
    }
    if (early) {
      log(early);
      return { stoppedBy: 'early' };
    }
  }
  return {};
}

/** A cluster generation's numbers as metrics.jsonl columns (the same names for every experiment). */
export function clusterColumns(c: GenerationStats): Record<string, number> {
  return { workers: c.workers, jobs_retried: c.jobsRetried, straggler_s: c.stragglerSeconds, worker_eval_s: c.evalSeconds, bytes_sent: c.bytesSent, bytes_received: c.bytesReceived };
}

/** The cluster numbers a progress line shows (live workers, the wait for stragglers); nothing for a local run. */
export function clusterProgress(c: GenerationStats | undefined): { workers?: number; stragglerSeconds?: number } {
  return c ? { workers: c.workers, stragglerSeconds: c.stragglerSeconds } : {};
}
