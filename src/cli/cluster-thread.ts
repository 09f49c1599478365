/**
 * One worker thread of `eggroll worker --concurrency N`: its own Redis connections, its own replicas, one
 * job at a time. The thread's CPU work blocks only itself, so the process's other threads keep their
 * heartbeats and BullMQ locks alive.
 */
import { workerData, parentPort } from 'node:worker_threads';
import { loadBackend, type BackendChoice } from '../backend/index.js';
import { startClusterWorker } from '../parallel/cluster/worker.js';
import { backendFingerprint } from '../parallel/cluster/protocol.js';
import { CLUSTER_KINDS } from './cluster-kinds.js';
import { importUserModules } from './imports.js';

const d = workerData as { url: string; backend: BackendChoice; lockMs: number; id: string; trace: boolean; imports: string[] };

async function start() {
  await importUserModules(d.imports);
  const backend = await loadBackend(d.backend);
  const w = await startClusterWorker({
    url: d.url, kinds: CLUSTER_KINDS, backend, fingerprint: backendFingerprint(backend), lockMs: d.lockMs, id: d.id,
    log: (line) => parentPort?.postMessage({ type: 'log', line }),
    trace: d.trace ? (line) => parentPort?.postMessage({ type: 'trace', line }) : undefined,
  });
  parentPort?.on('message', async (msg: { type: string }) => {
    if (msg.type !== 'close') return;
    await w.close();
    parentPort?.postMessage({ type: 'closed', served: w.served() });
  });
  parentPort?.postMessage({ type: 'ready' });
}

start().catch((e) => parentPort?.postMessage({ type: 'error', message: (e as Error).message }));
