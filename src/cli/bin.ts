#!/usr/bin/env node
/**
 * The `eggroll` executable: guards the output streams, runs main(argv) and exits with its code.
 * Everything else is in main.ts, which tests call in-process.
 */
import { writeSync } from 'node:fs';
import { describeCause } from '../io/errors.js';
import { main } from './main.js';

/**
 * A closed pipe (EPIPE: `eggroll envs | head -1`) or a full disk (ENOSPC: `> /dev/full`) on stdout or
 * stderr ends the process with one line on stderr (when it can still be written) and exit 1, never an
 * unhandled 'error' event with a stack trace.
 */
function guardStream(stream: NodeJS.WriteStream, name: string): void {
  stream.on('error', (e: Error) => {
    try {
      if (name !== 'stderr') writeSync(2, `eggroll: cannot write to ${name}: ${describeCause(e)}\n`);
    } catch {
      // stderr is gone too: the exit code is all that is left.
    }
    process.exit(1);
  });
}
guardStream(process.stdout, 'stdout');
guardStream(process.stderr, 'stderr');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`eggroll: ${(e as Error).message}\n`); process.exitCode = 1; },
);
