/**
 * A real redis-server for a test: Debian's binary on a free loopback port, in its own temp dir, stopped
 * (and its dir removed) by stop(). `.ci/run` installs redis-server when it is missing; without it the
 * cluster tests are skipped with the reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_BIN = '/usr/bin/redis-server';
export const hasRedis = spawnSync(REDIS_BIN, ['--version'], { encoding: 'utf8' }).status === 0;

export interface RedisOptions {
  password?: string;
  /** AOF persistence with fsync on every write (so a restart loses nothing). */
  persist?: boolean;
}

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** SIGKILLs the server (no shutdown save). */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(port: number, password: string | undefined, ms = 5000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const args = ['-h', '127.0.0.1', '-p', String(port), ...(password ? ['--no-auth-warning', '-a', password] : []), 'ping'];
    const r = spawnSync('/usr/bin/redis-cli', args, { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return;
    if (Date.now() - t0 > ms) throw new Error(`redis-server on port ${port} did not answer within ${ms} ms: ${r.stderr ?? ''}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

export async function startRedis(opts: RedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'eggroll-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes',
    ...(opts.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(opts.password ? ['--requirepass', opts.password] : [])];
  let proc: ChildProcess | undefined;
  const launch = async () => {
    proc = spawn(REDIS_BIN, args, { stdio: 'ignore' });
    await waitReady(port, opts.password);
  };
  const exited = () => new Promise<void>((res) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return res();
    proc.once('exit', () => res());
  });
  await launch();
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    dir,
    async kill() {
      proc?.kill('SIGKILL');
      await exited();
    },
    restart: launch,
    async stop() {
      proc?.kill('SIGKILL');
      await exited();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
