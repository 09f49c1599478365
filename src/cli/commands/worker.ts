/** `eggroll worker`: a long-running cluster worker serving every run on a Redis (see src/parallel/cluster/). */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Worker as Thread } from 'node:worker_threads';
import type { Command } from '../command.js';
import { flag, num, parseFlags } from '../flags.js';
import { backendFlag, quietFlag } from '../common-flags.js';
import { UsageError } from '../errors.js';
import { log } from '../output.js';
import { loadBackend } from '../../backend/index.js';
import { startWorker } from '../../parallel/workers.js';
import type { RunningWorker } from '../../parallel/cluster/worker.js';
import { backendFingerprint, checkRedisUrl, ClusterError, redactUrl } from '../../parallel/cluster/protocol.js';
import { CLUSTER_KINDS } from '../cluster-kinds.js';
import { importFlag, importUserModules } from '../imports.js';

const workerFlags = {
  redis: flag({ schema: z.string().min(1).optional(), help: 'the Redis the coordinators use: redis://HOST:PORT, redis://:PASSWORD@HOST:PORT, rediss://HOST:PORT (TLS)' }),
  concurrency: flag({ schema: num.int(1, 256), default: 1, help: 'jobs at once, each on its own thread (typically the number of cores)' }),
  backend: flagBackend(),
  'lock-seconds': flag({ schema: num.range(1, 3600), default: 30, help: 'a job whose worker stays silent this long is handed to another worker; must exceed one job\'s time' }),
  'max-seconds': flag({ schema: num.nonneg(), default: 0, help: 'stop after this many seconds (finishing the job in hand); 0 = run until Ctrl-C or SIGTERM' }),
  import: importFlag,
  trace: flag({ schema: z.boolean(), boolean: true, default: false, help: 'print a line to stderr as each job starts (run, generation, members)' }),
  quiet: quietFlag,
};

function flagBackend() {
  return { ...backendFlag, help: 'compute backend; a run is served only by workers whose backend matches the coordinator\'s (auto picks the fastest available)' };
}

export const workerCommand: Command = {
  name: 'worker',
  summary: 'serve cluster runs (train, lm train, boolean sweep with --redis) from a Redis queue until stopped',
  example: 'eggroll worker --redis redis://127.0.0.1:6379 --concurrency 2',
  flags: workerFlags,
  async run(argv) {
    const { flags } = parseFlags(argv, workerFlags);
    if (!flags.redis) throw new UsageError('--redis is required: the URL of the Redis the coordinators use, e.g. --redis redis://127.0.0.1:6379');
    checkRedisUrl(flags.redis);
    const url = flags.redis;
    const say = flags.quiet ? () => {} : log;
    // Custom environments: imported here (a bad module fails now, with one line) and again in each job thread.
    const imports = (await importUserModules(flags.import)).map((u) => fileURLToPath(u));
    const backend = await loadBackend(flags.backend, say);
    const fingerprint = backendFingerprint(backend);
    const lockMs = Math.round(flags['lock-seconds'] * 1000);
    const base = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const stops: (() => Promise<number>)[] = [];
    try {
      if (flags.concurrency === 1) {
        const { startClusterWorker } = await import('../../parallel/cluster/worker.js');
        const trace = flags.trace ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
        const w: RunningWorker = await startClusterWorker({ url, kinds: CLUSTER_KINDS, backend, fingerprint, lockMs, id: `${base}-0`, log: say, trace });
        stops.push(async () => { await w.close(); return w.served(); });
      } else {
        // Each thread computes single-threaded: the threads are the parallelism.
        const env = { ...process.env, EGGROLL_THREADS: '1' };
        for (let i = 0; i < flags.concurrency; i++) {
          const t = startWorker(import.meta.url, '../cluster-thread', { url, backend: flags.backend, lockMs, id: `${base}-${i}`, trace: flags.trace, imports }, env);
          stops.push(await threadReady(t, say));
        }
      }
    } catch (e) {
      await Promise.allSettled(stops.map((s) => s()));
      throw e;
    }
    say(`worker: serving ${CLUSTER_KINDS.map((k) => k.kind).join(', ')} jobs from ${redactUrl(url)} on ${flags.concurrency} thread${flags.concurrency === 1 ? '' : 's'} (${fingerprint}); Ctrl-C or SIGTERM stops it`);
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
      if (flags['max-seconds'] > 0) setTimeout(done, flags['max-seconds'] * 1000).unref();
    });
    say('worker: stopping after the jobs in hand');
    const served = (await Promise.all(stops.map((s) => s()))).reduce((a, b) => a + b, 0);
    say(`worker: served ${served} job${served === 1 ? '' : 's'}`);
  },
};

/** Waits for a worker thread's 'ready'; returns how to stop it (resolving with the jobs it served). */
function threadReady(t: Thread, say: (line: string) => void): Promise<() => Promise<number>> {
  return new Promise((resolve, reject) => {
    t.on('message', (m: { type: string; line?: string; message?: string }) => {
      if (m.type === 'log') say(m.line!);
      else if (m.type === 'trace') process.stderr.write(`${m.line}\n`);
      else if (m.type === 'ready') resolve(() => new Promise<number>((res) => {
        t.once('message', (r: { type: string; served?: number }) => { if (r.type === 'closed') { void t.terminate(); res(r.served ?? 0); } });
        t.once('exit', () => res(0));
        t.postMessage({ type: 'close' });
      }));
      else if (m.type === 'error') { void t.terminate(); reject(new ClusterError(m.message!)); }
    });
    t.once('error', reject);
  });
}
