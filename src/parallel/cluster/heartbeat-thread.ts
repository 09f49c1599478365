/**
 * A cluster worker's heartbeat, on a thread of its own: the worker's thread evaluates jobs synchronously (seconds
 * with its event loop blocked), so a timer there could not refresh a short-lived key. This thread does nothing
 * else; it stops with the process, so a killed worker's key expires within HEARTBEAT_TTL_MS and the coordinator
 * hands its job on (coordinator.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connectRedis } from './redis.js';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_TTL_MS } from './protocol.js';

const d = workerData as { url: string; key: string; info: string };

async function start() {
  const redis = await connectRedis(d.url, { name: 'eggroll-heartbeat', reconnectForMs: Number.POSITIVE_INFINITY });
  const beat = () => redis.set(d.key, d.info, 'PX', HEARTBEAT_TTL_MS).catch(() => {});
  await beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  parentPort!.on('message', async (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    clearInterval(timer);
    await redis.del(d.key).catch(() => {});
    redis.disconnect();
    parentPort!.postMessage({ type: 'stopped' });
    parentPort!.close();
  });
  parentPort!.postMessage({ type: 'ready' });
}

start().catch((e) => parentPort?.postMessage({ type: 'error', message: (e as Error).message }));
