/** `eggroll worker` as real processes (from source through tsx), with their output collected. */
import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './spawn-cli.js';


export interface WorkerProc {
  readonly proc: ChildProcess;
  /** Everything it wrote to stderr so far. */
  output(): string;
  /** Resolves when a stderr line matches. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** SIGTERM (finishes its job) and waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
}

export function startWorkerProc(url: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): WorkerProc {
  // From the sources: its custom environments (--import) register in the same modules as the in-process coordinator's.
  const proc = spawnCli(['worker', '--redis', url, '--lock-seconds', '1', ...extra], { from: 'src', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    err += chunk;
    for (const w of [...waiters]) {
      const m = err.split('\n').find((l) => w.re.test(l));
      if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
    }
  });
  proc.stdout!.resume();
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  return {
    proc,
    output: () => err,
    waitFor(re, ms = 30_000) {
      const m = err.split('\n').find((l) => re.test(l));
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`worker did not print ${re} within ${ms} ms; it printed:\n${err}`)), ms);
        waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
