/**
 * A private redis-server on this machine: Debian's binary on a free loopback port, in its own temp dir,
 * stopped (and the dir removed) by stop(). `bench cluster` uses it when no --redis is given; the tests
 * use it for a fresh server per run. Loopback only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';

export function redisServerInstalled(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' }).status === 0;
}

export interface LocalRedisOptions {
  password?: string;
  /** AOF persistence with an fsync on every write, so a restart loses nothing. */
  persist?: boolean;
  /** Serve TLS only (rediss://) with this certificate, key and CA (PEM files); clients need not present one. */
  tls?: { cert: string; key: string; ca: string };
}

export interface LocalRedis {
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

async function waitReady(port: number, opts: LocalRedisOptions, ms = 5000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const args = ['-h', '127.0.0.1', '-p', String(port), ...(opts.password ? ['--no-auth-warning', '-a', opts.password] : []),
      ...(opts.tls ? ['--tls', '--cacert', opts.tls.ca] : []), 'ping'];
    const r = spawnSync(REDIS_CLI, args, { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return;
    if (Date.now() - t0 > ms) throw new Error(`redis-server on port ${port} did not answer within ${ms} ms${r.stderr ? `: ${r.stderr.trim()}` : ''}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

export async function startLocalRedis(opts: LocalRedisOptions = {}): Promise<LocalRedis> {
  if (!redisServerInstalled()) throw new Error(`${REDIS_SERVER} is not installed (Debian: apt-get install -y redis-server), or give the URL of a running Redis`);
  const dir = mkdtempSync(join(tmpdir(), 'eggroll-redis-'));
  const port = await freePort();
  const listen = opts.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', opts.tls.cert, '--tls-key-file', opts.tls.key, '--tls-ca-cert-file', opts.tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes',
    ...(opts.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(opts.password ? ['--requirepass', opts.password] : [])];
  let proc: ChildProcess | undefined;
  const launch = async () => {
    proc = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    await waitReady(port, opts);
  };
  const exited = () => new Promise<void>((res) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return res();
    proc.once('exit', () => res());
  });
  await launch();
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    port,
    url: `${opts.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
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
