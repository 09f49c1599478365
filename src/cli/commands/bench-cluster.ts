/**
 * `eggroll bench cluster`: what the Redis cluster costs. For each policy size and each number of worker
 * processes on this machine: seconds per generation, the speed-up over one worker, coordination overhead
 * (the share of the workers' time not spent evaluating: queueing, records, waiting), and bytes over the
 * network per generation; then how many jobs per second the queue sustains (tiny jobs). The population
 * runs Pendulum-v1 (every episode 200 steps), so generations cost the same from one to the next.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { jsonFlag, seedFlag } from '../common-flags.js';
import { log } from '../output.js';
import { UsageError } from '../errors.js';
import { createBackend, type Backend } from '../../backend/index.js';
import { Trainer } from '../../parallel/trainer.js';
import { backendFingerprint, checkRedisUrl } from '../../parallel/cluster/protocol.js';
import { startLocalRedis, type LocalRedis } from '../../parallel/cluster/local-redis.js';
import { createTask, type RlTask } from '../../rl/task.js';
import { RL_KIND, strategyFor, taskOptionsFor } from '../../rl/run.js';
import { machineInfo, table } from '../../bench/harness.js';
import { resolveRlConfig } from '../../rl/config.js';

const ints = (what: string, max: number) => z.string().regex(/^\d+(,\d+)*$/, { message: `${what} must be comma-separated positive integers` })
  .transform((s) => s.split(',').map(Number))
  .refine((a) => a.every((v) => v >= 1 && v <= max), { message: `${what} must each be in [1, ${max}]` });

const flags = {
  redis: { schema: z.string().min(1).optional(), help: 'a running Redis to use (default: start a private redis-server on a free loopback port)' },
  workers: { schema: ints('workers', 64), default: '1,2,4,8', help: 'numbers of worker processes to measure' },
  models: { schema: z.string().regex(/^\d+(,\d+)*(;\d+(,\d+)*)*$/, { message: 'must be hidden-layer lists separated by ;, e.g. 64,64;256,256' }), default: '64,64;256,256', help: 'policy hidden layers per model size, separated by ;' },
  pop: { schema: num.int(2, 1 << 20), default: 2048, help: 'population (even)' },
  episodes: { schema: num.int(1, 1000), default: 4, help: 'episodes per member per generation (sets the generation length)' },
  gens: { schema: num.int(1, 1000), default: 4, help: 'timed generations per line (after one warm-up)' },
  'queue-jobs': { schema: num.int(0, 100_000), default: 1024, help: 'jobs in the queue-throughput line (tiny jobs, 2 workers); 0 skips it' },
  seed: seedFlag,
  json: jsonFlag,
};

interface Line {
  bench: 'cluster'; hidden: string; params: number; pop: number; workers: number;
  seconds_per_generation: number; local_seconds_per_generation: number; speedup_over_1_worker: number;
  overhead_share: number; straggler_s: number; bytes_per_generation: number; record_bytes: number;
}

/**
 * The coordinator and the local baseline compute on one kernel thread, like each worker process
 * (EGGROLL_THREADS=1): the comparison is then workers, not kernel threads.
 */
async function oneThreadBackend(): Promise<Backend> {
  try {
    return await createBackend('native', { threads: 1 });
  } catch {
    return createBackend('wasm', { threads: 1 });
  }
}

/** `eggroll worker` processes (from dist, or from source through tsx). */
function spawnWorkers(url: string, n: number): ChildProcess[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const bin = fileURLToPath(new URL(`../bin.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const args = [...(fromSource ? ['--import', 'tsx'] : []), bin, 'worker', '--redis', url, '--quiet'];
  return Array.from({ length: n }, () => spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, EGGROLL_THREADS: '1' } }));
}

async function stopWorkers(procs: ChildProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => new Promise<void>((res) => {
    if (p.exitCode !== null || p.signalCode !== null) return res();
    p.once('exit', () => res());
    p.kill('SIGTERM');
  })));
}

/** Times `gens` cluster generations (after one warm-up) with `workers` fresh worker processes. */
async function measure(url: string, hidden: number[], pop: number, episodes: number, gens: number, seed: number, workers: number, jobCount?: number) {
  const config = resolveRlConfig('pendulum', { pop, hidden, episodes, seed, gens: gens + 1, backend: 'auto', workers: 1 });
  const backend = await oneThreadBackend();
  const procs = spawnWorkers(url, workers);
  const { ClusterCoordinator } = await import('../../parallel/cluster/coordinator.js');
  const coordinator = await ClusterCoordinator.connect({ url, kind: RL_KIND, backend: backendFingerprint(backend), config, jobCount });
  const task = createTask(taskOptionsFor(config), backend) as RlTask;
  const trainer = await Trainer.create({ task, strategy: strategyFor(config), backend, cluster: coordinator });
  try {
    const live = await coordinator.waitForWorkers(workers, 60_000);
    if (live < workers) throw new Error(`only ${live} of ${workers} worker processes came up within 60 s`);
    await trainer.step(); // warm-up: workers build their replicas
    const rows = [];
    for (let g = 0; g < gens; g++) rows.push(await trainer.step());
    const params = trainer.params.values.reduce((s, v) => s + v.length, 0);
    return { rows, params, recordBytes: trainer.record().length };
  } finally {
    await trainer.close();
    await coordinator.close();
    await stopWorkers(procs);
  }
}

async function localSeconds(hidden: number[], pop: number, episodes: number, gens: number, seed: number): Promise<number> {
  const config = resolveRlConfig('pendulum', { pop, hidden, episodes, seed, gens: gens + 1, backend: 'auto', workers: 1 });
  const backend = await oneThreadBackend();
  const trainer = await Trainer.create({ task: createTask(taskOptionsFor(config), backend), strategy: strategyFor(config), backend, workers: 1 });
  await trainer.step();
  const secs: number[] = [];
  for (let g = 0; g < gens; g++) secs.push((await trainer.step()).seconds);
  await trainer.close();
  return median(secs);
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

export const benchClusterCommand: Command = {
  name: 'bench cluster',
  summary: 'the Redis cluster\'s cost: generation time, speed-up, coordination overhead and bytes per generation for 1…N worker processes; queue jobs/s',
  example: 'eggroll bench cluster --workers 1,2 --models 64,64 --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    if (f.redis) checkRedisUrl(f.redis);
    if (f.pop % 2) throw new UsageError(`--pop must be even (antithetic pairs), got ${f.pop}`);
    let own: LocalRedis | undefined;
    const url = f.redis ?? (own = await startLocalRedis()).url;
    const machine = await machineInfo();
    const lines: Line[] = [];
    let queue: Record<string, unknown> | undefined;
    try {
      for (const spec of f.models.split(';')) {
        const hidden = spec.split(',').map(Number);
        const local = await localSeconds(hidden, f.pop, f.episodes, f.gens, f.seed);
        let one = NaN;
        for (const w of f.workers) {
          const m = await measure(url, hidden, f.pop, f.episodes, f.gens, f.seed, w);
          const secs = median(m.rows.map((r) => r.seconds));
          if (w === Math.min(...f.workers)) one = secs * w / Math.min(...f.workers);
          // The workers' time not spent evaluating: w · generation − Σ job evaluation time, as a share.
          const overhead = median(m.rows.map((r) => 1 - r.cluster!.evalSeconds / (w * r.seconds)));
          const l: Line = {
            bench: 'cluster', hidden: spec, params: m.params, pop: f.pop, workers: w,
            seconds_per_generation: secs, local_seconds_per_generation: local, speedup_over_1_worker: one / secs,
            overhead_share: overhead, straggler_s: median(m.rows.map((r) => r.cluster!.stragglerSeconds)),
            // Coordinator ↔ Redis, plus the record each worker downloads.
            bytes_per_generation: median(m.rows.map((r) => r.cluster!.bytesSent + r.cluster!.bytesReceived + w * m.recordBytes)),
            record_bytes: m.recordBytes,
          };
          lines.push(l);
          if (f.json) process.stdout.write(JSON.stringify(l) + '\n');
          else log(`hidden ${spec} (${m.params} params), pop ${f.pop}, ${w} worker${w === 1 ? '' : 's'}: ${secs.toFixed(3)} s/generation (local 1 thread ${local.toFixed(3)} s), overhead ${(100 * overhead).toFixed(1)} %`);
        }
      }
      if (f['queue-jobs'] > 0) {
        // Tiny jobs (a 4-unit policy, 2 members each): the queue's own rate, not the evaluation.
        const pop = 2 * f['queue-jobs'];
        const m = await measure(url, [4], pop, 1, Math.max(2, f.gens), f.seed, 2, f['queue-jobs']);
        const secs = median(m.rows.map((r) => r.evalSeconds));
        queue = { bench: 'cluster-queue', jobs: f['queue-jobs'], workers: 2, seconds: secs, jobs_per_s: f['queue-jobs'] / secs };
        if (f.json) process.stdout.write(JSON.stringify(queue) + '\n');
        else log(`queue: ${f['queue-jobs']} tiny jobs over 2 workers in ${secs.toFixed(3)} s = ${(f['queue-jobs'] / secs).toFixed(0)} jobs/s`);
      }
    } finally {
      await own?.stop();
    }
    const summary = { bench: 'cluster', summary: true, machine, lines: lines.length, queue_jobs_per_s: queue?.jobs_per_s };
    if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      process.stdout.write(table(['hidden', 'params', 'workers', 's/gen', 'local s/gen', 'speed-up', 'overhead %', 'straggler s', 'bytes/gen'],
        lines.map((l) => [l.hidden, l.params, l.workers, l.seconds_per_generation, l.local_seconds_per_generation, l.speedup_over_1_worker, 100 * l.overhead_share, l.straggler_s, l.bytes_per_generation])) + '\n');
    }
  },
};
