import { RunStopped } from '../experiment/index.js';
import { Interrupted } from './errors.js';

/**
 * Ctrl-C (SIGINT) and SIGTERM during a training loop: the first one asks the loop to stop at the next
 * generation/step boundary (it writes a checkpoint, the command prints how to resume and exits 130 for
 * SIGINT, 143 for SIGTERM); a second one exits at once, keeping the last checkpoint written.
 */
export interface StopSignals {
  /** Why to stop ("interrupted (SIGINT)"), or undefined while no signal came. */
  reason(): string | undefined;
  /** 130 for SIGINT, 143 for SIGTERM (128 + the signal number, as shells report it). */
  exitCode(): number;
  dispose(): void;
}

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function catchStopSignals(log: (line: string) => void, unit = 'generation'): StopSignals {
  let got: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (got) {
      process.stderr.write(`${sig} again: quitting at once; the last checkpoint written is kept\n`);
      process.exit(CODES[sig] ?? 130);
    }
    got = sig;
    log(`${sig === 'SIGINT' ? 'Ctrl-C' : sig}: finishing this ${unit}, then writing a checkpoint (Ctrl-C again quits at once)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    reason: () => (got ? `${got === 'SIGINT' ? 'interrupted' : 'terminated'} (${got})` : undefined),
    exitCode: () => CODES[got ?? 'SIGINT'] ?? 130,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** The one line a run stopped by a signal ends with: where its checkpoint is and how to resume it. */
export function stoppedLine(e: RunStopped, command: string, exitCode: number): Interrupted {
  return new Interrupted(`${e.reason}: checkpoint written at ${e.unit} ${e.done}; resume with: ${command} --resume ${e.dir}`, exitCode);
}

/**
 * Runs a training command's loop with Ctrl-C / SIGTERM caught: `run` gets the stop flag for its loop; a run that
 * stopped (RunStopped) becomes the one line saying where its checkpoint is and how to resume (`command --resume`).
 */
export async function untilStopped<T>(command: string, unit: string, log: (line: string) => void, run: (shouldStop: () => string | undefined) => Promise<T>): Promise<T> {
  const signals = catchStopSignals(log, unit);
  try {
    return await run(signals.reason);
  } catch (e) {
    if (e instanceof RunStopped) throw stoppedLine(e, command, signals.exitCode());
    throw e;
  } finally {
    signals.dispose();
  }
}
