/**
 * A real redis-server per test run (src/parallel/cluster/local-redis.ts: Debian's binary, a free loopback
 * port, a temp dir). `.ci/run` installs redis-server when it is missing; without it the cluster tests
 * are skipped with the reason.
 */
import { redisServerInstalled, startLocalRedis, freePort, type LocalRedis, type LocalRedisOptions } from '../../src/parallel/cluster/local-redis.js';

export const hasRedis = redisServerInstalled();
export type TestRedis = LocalRedis;
export const startRedis = (opts: LocalRedisOptions = {}): Promise<TestRedis> => startLocalRedis(opts);
export { freePort };
