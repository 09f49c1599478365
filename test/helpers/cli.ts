/**
 * Runs the CLI in this process: `main(argv)` with its stdout and stderr captured. Writes are routed by
 * async context (AsyncLocalStorage), so concurrent runs in one test file each get their own output,
 * and anything written outside a run goes to the real streams. For what needs a real process (signals,
 * a closed pipe, a full disk, environment variables read at load), spawn bin.ts instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { main } from '../../src/cli/main.js';

export interface CliResult { code: number; stdout: string; stderr: string }

interface Capture { out: string[]; err: string[] }
const capture = new AsyncLocalStorage<Capture>();

function route(stream: NodeJS.WriteStream, pick: (c: Capture) => string[]): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const c = capture.getStore();
    if (!c) return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    pick(c).push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof stream.write;
}
route(process.stdout, (c) => c.out);
route(process.stderr, (c) => c.err);

/** `eggroll ...argv` in-process: the exit code main() returns and everything it printed. */
export async function runCli(argv: string[]): Promise<CliResult> {
  const c: Capture = { out: [], err: [] };
  const code = await capture.run(c, () => main(argv));
  return { code, stdout: c.out.join(''), stderr: c.err.join('') };
}
