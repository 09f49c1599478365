/**
 * Redis connections for the cluster: one place that parses the URL (redis:// or rediss:// for TLS, with
 * an optional password), connects with a bounded wait, and turns connection failures into one line
 * (unreachable, wrong password, not Redis).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ClusterError, checkRedisUrl, redactUrl } from './protocol.js';

export interface ConnectOptions {
  /** How long a (re)connection may keep failing before commands fail instead of waiting (ms). */
  reconnectForMs?: number;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
}

/**
 * Connects and waits until Redis answers (at most `timeoutMs`). After that, a lost connection is retried
 * for `reconnectForMs` (commands wait meanwhile, as BullMQ needs), then commands fail.
 */
export async function connectRedis(url: string, opts: ConnectOptions = {}, timeoutMs = 5000): Promise<Redis> {
  checkRedisUrl(url);
  const reconnectForMs = opts.reconnectForMs ?? 30_000;
  let lostSince = 0;
  const options: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: opts.name,
    retryStrategy: () => {
      const now = Date.now();
      if (!lostSince) lostSince = now;
      if (now - lostSince > reconnectForMs) return null;
      return 250;
    },
  };
  const client = new Redis(url, options);
  client.on('ready', () => { lostSince = 0; });
  // ioredis emits 'error' on every failed attempt; the outcome is reported by connect() or by the failing
  // command. While connecting, the attempt's own error (refused, wrong password) says more than connect()'s.
  let firstError: unknown;
  let failFirst: ((e: unknown) => void) | undefined;
  client.on('error', (e) => { firstError ??= e; failFirst?.(e); });
  const where = redactUrl(url);
  let timer: NodeJS.Timeout | undefined;
  try {
    // The first attempt's error ends the wait at once (refused, wrong password, untrusted certificate):
    // retrying only matters once a connection has worked.
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => { failFirst = reject; timer = setTimeout(() => reject(new Error('timed out')), timeoutMs); }),
    ]);
    failFirst = undefined;
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw new ClusterError(describeRedisError(firstError ?? e, where));
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** One line for a failure to talk to Redis at `where`. */
export function describeRedisError(e: unknown, where: string): string {
  const msg = (e as Error)?.message ?? String(e);
  if (/WRONGPASS|invalid username-password/i.test(msg)) return `Redis at ${where} refused the password (WRONGPASS): check the password in the URL (redis://:PASSWORD@HOST:PORT)`;
  if (/NOAUTH/i.test(msg)) return `Redis at ${where} needs a password (NOAUTH): give it in the URL as redis://:PASSWORD@HOST:PORT`;
  if (/self.signed|unable to (get|verify)|certificate/i.test(msg)) return `Redis at ${where}: its TLS certificate is not trusted (${msg.split('\n')[0]}); give its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  if (/ECONNRESET|wrong version number|packet length too long/i.test(msg)) return `Redis at ${where}: the connection was reset (a TLS server needs rediss://, a plain one redis://)`;
  if (/ECONNREFUSED/.test(msg)) return `cannot reach Redis at ${where}: connection refused (is redis-server running and listening there?)`;
  if (/ENOTFOUND|EAI_AGAIN/.test(msg)) return `cannot reach Redis at ${where}: unknown host`;
  if (/timed out|ETIMEDOUT/.test(msg)) return `cannot reach Redis at ${where}: no answer within the time limit`;
  if (/Connection is closed|max retries|Stream isn't writeable/i.test(msg)) return `lost the connection to Redis at ${where}`;
  return `Redis at ${where}: ${msg.split('\n')[0]}`;
}
