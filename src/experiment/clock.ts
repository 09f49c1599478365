/**
 * A run's training clock: seconds carried over from before a resume plus this session's, less the time spent in
 * work the run does not count as training (held-out evaluation in reasoning runs, which would otherwise make
 * "accuracy against training seconds" depend on how often one evaluates).
 */
export class RunClock {
  private readonly t0 = performance.now();
  private untimedMs = 0;

  constructor(private readonly priorSeconds = 0) {}

  /** This session's counted seconds (what --max-seconds bounds). */
  session(): number {
    return (performance.now() - this.t0 - this.untimedMs) / 1000;
  }

  /** The run's counted seconds, the sessions before a resume included. */
  seconds(): number {
    return this.priorSeconds + this.session();
  }

  /** Runs `fn` with the clock paused. */
  untimed<T>(fn: () => T): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      this.untimedMs += performance.now() - t;
    }
  }
}
