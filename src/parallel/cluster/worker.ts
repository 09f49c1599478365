/**
 * A cluster worker: takes jobs from the BullMQ queue for any run on its Redis, keeps one replica per run
 * (its own copy of the parameters, advanced by the generation records every worker applies), brings the
 * replica to the job's generation and state hash (replaying records, or loading a snapshot the
 * coordinator writes on request), evaluates the job's members and writes their fitness back.
 *
 * Nothing from the queue is executed: a job names a kind, which must be one this worker was built with,
 * and the run's config is validated by that kind before anything is built from it.
 */
import { hostname } from 'node:os';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import type { Backend } from '../../backend/types.js';
import { connectRedis } from './redis.js';
import {
  PROTOCOL_VERSION, QUEUE_NAME, QUEUE_PREFIX, RUN_TTL_S, jobDataSchema, jobKey, keys, runMetaSchema, safeJson, type JobData, type RunMeta,
} from './protocol.js';
import { zodProblem } from '../../io/errors.js';
import { startWorker } from '../workers.js';

/** A run's state on one worker. Stateless kinds (a grid cell) keep generation 0 and hash ''. */
export interface Replica {
  readonly generation: number;
  hash(): string;
  /** Applies generation `this.generation`'s record (fitness, task state): the same update the coordinator made. */
  applyRecord(record: Uint8Array): void;
  /** Loads a snapshot written by the coordinator (parameters, optimiser and task state, generation). */
  loadSnapshot(bytes: Uint8Array): void;
  /** Evaluates members [start, end) of the job; the result bytes the coordinator decodes. */
  evaluate(job: JobData, payload: Uint8Array | undefined): Uint8Array;
  close(): Promise<void>;
}

/** One kind of job this worker can serve: validates a run's config and builds a replica for it. */
export interface ClusterKind {
  readonly kind: string;
  /** True when jobs carry everything (no parameters to follow). */
  readonly stateless?: boolean;
  open(config: unknown, backend: Backend): Promise<Replica>;
}

export interface WorkerOptions {
  url: string;
  kinds: readonly ClusterKind[];
  backend: Backend;
  /** The backend fingerprint runs must match (see backendFingerprint). */
  fingerprint: string;
  /** BullMQ lock: a job whose worker is silent this long is handed to another worker. Must exceed a job's time. */
  lockMs: number;
  id: string;
  log: (line: string) => void;
  /** Called as each job starts evaluating (`eggroll worker --trace`): lets a test stop a worker mid-job. */
  trace?: (line: string) => void;
  /** How long to wait for a snapshot the coordinator was asked for (ms). */
  snapshotWaitMs?: number;
}

export interface RunningWorker {
  /** Jobs this worker finished (for tests and the exit line). */
  readonly served: () => number;
  close(): Promise<void>;
}

export async function startClusterWorker(o: WorkerOptions): Promise<RunningWorker> {
  return ClusterWorker.start(o);
}

/** A run's replica on this worker and the meta text it was built from (a new meta means a new run). */
interface Held { replica: Replica; meta: string }

/**
 * One worker's connections, replicas and job loop. Work on a run is serialised on one promise chain per run, so a
 * job's sync-and-evaluate section and the background application of published records never interleave.
 */
class ClusterWorker implements RunningWorker {
  private readonly kinds: Map<string, ClusterKind>;
  private readonly replicas = new Map<string, Held>();
  private readonly chains = new Map<string, Promise<unknown>>();
  /** A run's meta, read once a second at most (it never changes; its absence means the run ended). */
  private readonly metaCache = new Map<string, { text: string | null; at: number }>();
  private servedJobs = 0;
  private subscriber!: Redis;
  private bullConnection!: Redis;
  private bull!: Worker;
  private heartbeat!: { stop(): Promise<void> };

  private constructor(private readonly o: WorkerOptions, private readonly redis: Redis) {
    this.kinds = new Map(o.kinds.map((k) => [k.kind, k]));
  }

  static async start(o: WorkerOptions): Promise<ClusterWorker> {
    // A worker outlives Redis restarts: it keeps reconnecting instead of failing commands.
    const redis = await connectRedis(o.url, { name: `eggroll-worker-${o.id}`, reconnectForMs: Number.POSITIVE_INFINITY });
    const w = new ClusterWorker(o, redis);
    const info = JSON.stringify({ v: PROTOCOL_VERSION, host: hostname(), pid: process.pid, backend: o.fingerprint, kinds: [...w.kinds.keys()] });
    w.heartbeat = await startHeartbeat(o.url, keys.worker(o.id), info);
    await w.listen();
    return w;
  }

  served(): number {
    return this.servedJobs;
  }

  /** Subscribes to published records and starts taking jobs. */
  private async listen(): Promise<void> {
    // The coordinator announces each record as soon as it has the fitness (before its own update): applying it
    // now, while the coordinator updates too, takes the update off the next generation's critical path.
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => {});
    await this.subscriber.psubscribe(keys.publishedPattern);
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const run = keys.runOfPublished(channel);
      const held = run ? this.replicas.get(run) : undefined;
      const gen = Number(message);
      if (!run || !held || !Number.isSafeInteger(gen)) return;
      void this.serially(run, () => this.replay(run, held.replica, gen + 1)).catch(() => {});
    });
    // BullMQ does not close a connection it was given: keep it to close ourselves.
    this.bullConnection = this.redis.duplicate();
    this.bullConnection.on('error', () => {});
    this.bull = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection: this.bullConnection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: this.o.lockMs,
      stalledInterval: Math.max(500, Math.floor(this.o.lockMs / 2)),
      maxStalledCount: 1000,
      drainDelay: 1,
    });
    this.bull.on('error', () => {});
  }

  async close(): Promise<void> {
    await this.bull.close();
    for (const h of this.replicas.values()) await h.replica.close();
    await this.heartbeat.stop();
    this.subscriber.disconnect();
    this.bullConnection.disconnect();
    this.redis.disconnect();
  }

  private serially<T>(run: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(run) ?? Promise.resolve()).then(fn, fn);
    this.chains.set(run, next.catch(() => {}));
    return next;
  }

  private async report(run: string, line: string): Promise<void> {
    this.o.log(line);
    await this.redis.multi().rpush(keys.errors(run), line.slice(0, 500)).expire(keys.errors(run), RUN_TTL_S).exec().catch(() => {});
  }

  private async metaOf(run: string): Promise<string | null> {
    const c = this.metaCache.get(run);
    if (c && c.text && Date.now() - c.at < 1000) return c.text;
    const text = await this.redis.get(keys.meta(run));
    this.metaCache.set(run, { text, at: Date.now() });
    return text;
  }

  /** The one record-replay loop: applies the kept records until the replica reaches generation `until` or one is missing. */
  private async replay(run: string, replica: Replica, until: number): Promise<void> {
    while (replica.generation < until) {
      const rec = await this.redis.getBuffer(keys.record(run, replica.generation));
      if (!rec) break;
      replica.applyRecord(rec);
    }
  }

  private async replicaFor(d: JobData, metaText: string, meta: RunMeta): Promise<Replica> {
    const have = this.replicas.get(d.run);
    if (have && have.meta === metaText) return have.replica;
    let replica: Replica;
    try {
      replica = await this.kinds.get(meta.kind)!.open(meta.config, this.o.backend);
    } catch (e) {
      const line = `run ${d.run.slice(0, 8)}…: its config fails validation (${(e as Error).message.split('\n')[0]}); not taking its jobs`;
      await this.report(d.run, line);
      throw new UnrecoverableError(line);
    }
    // One run at a time is the common case; a replica of a finished run is dropped when a new run comes.
    for (const [run, r] of this.replicas) {
      if (!(await this.redis.exists(keys.meta(run)))) { await r.replica.close(); this.replicas.delete(run); this.chains.delete(run); this.metaCache.delete(run); }
    }
    this.replicas.set(d.run, { replica, meta: metaText });
    return replica;
  }

  /** Brings the replica to the job's generation and state hash: the records first, else the coordinator's snapshot. */
  private async sync(replica: Replica, d: JobData): Promise<void> {
    if (replica.generation === d.gen && replica.hash() === d.hash) return;
    await this.replay(d.run, replica, d.gen);
    if (replica.generation === d.gen && replica.hash() === d.hash) return;
    const fromGen = replica.generation;
    // Joined late, fell behind the kept records, or resumed: ask the coordinator for its state now.
    await this.redis.multi().rpush(keys.inbox(d.run), `snap ${d.gen}`).expire(keys.inbox(d.run), RUN_TTL_S).exec();
    const waitMs = this.o.snapshotWaitMs ?? 120_000;
    const t0 = Date.now();
    for (;;) {
      const snap = await this.redis.getBuffer(keys.snapshot(d.run));
      if (snap && snap.length >= 8 && Number(snap.readBigUInt64LE(0)) === d.gen) {
        replica.loadSnapshot(snap.subarray(8));
        this.o.log(`run ${d.run.slice(0, 8)}…: caught up from the coordinator's snapshot at generation ${d.gen} (${snap.length - 8} bytes; this replica was at generation ${fromGen})`);
        break;
      }
      if (Date.now() - t0 > waitMs) throw new Error(`run ${d.run.slice(0, 8)}…: no snapshot of generation ${d.gen} within ${waitMs / 1000} s`);
      if (!(await this.redis.exists(keys.meta(d.run)))) throw new UnrecoverableError(`run ${d.run.slice(0, 8)}… ended while this worker waited for its snapshot`);
      await new Promise((r) => setTimeout(r, 25));
    }
    if (replica.generation !== d.gen || replica.hash() !== d.hash) {
      const line = `after loading the coordinator's snapshot of generation ${d.gen}, this worker's state hash still differs (worker ${this.o.fingerprint}): not taking the job`;
      await this.report(d.run, line);
      throw new Error(line);
    }
  }

  /** Checks a job (shape, version, run, kind, backend) before anything is built from it; the run's meta. */
  private async admit(job: Job): Promise<{ d: JobData; metaText: string; meta: RunMeta }> {
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      this.o.log(`job ${job.id}: not an eggroll job (${zodProblem(parsed.error)}); dropped`);
      throw new UnrecoverableError(`not an eggroll job: ${zodProblem(parsed.error)}`);
    }
    const d = parsed.data;
    if (d.v !== PROTOCOL_VERSION) {
      await this.report(d.run, `a job speaks cluster protocol v${d.v}, this worker v${PROTOCOL_VERSION} (run the same eggroll version on every machine); left for another worker`);
      throw new Error(`protocol version ${d.v} ≠ ${PROTOCOL_VERSION}`);
    }
    const metaText = await this.metaOf(d.run);
    if (!metaText) {
      this.o.log(`job ${job.id}: unknown run ${d.run.slice(0, 8)}… (finished, expired or never created); dropped`);
      throw new UnrecoverableError('unknown run');
    }
    const metaParsed = runMetaSchema.safeParse(safeJson(metaText));
    if (!metaParsed.success || metaParsed.data.kind !== d.kind) {
      const line = `run ${d.run.slice(0, 8)}…: its meta is damaged or does not match the job's kind; not taking its jobs`;
      await this.report(d.run, line);
      throw new UnrecoverableError(line);
    }
    const meta = metaParsed.data;
    if (!this.kinds.has(meta.kind)) {
      await this.report(d.run, `this worker does not serve '${meta.kind}' jobs (it serves ${[...this.kinds.keys()].join(', ')})`);
      throw new Error(`unknown kind ${meta.kind}`);
    }
    // 'none': the kind computes without a Backend (integer code that is the same everywhere).
    if (meta.backend !== 'none' && meta.backend !== this.o.fingerprint) {
      await this.report(d.run, `the run computes on ${meta.backend}, this worker on ${this.o.fingerprint} (results would differ in the last bits): start the worker with a matching --backend; left for another worker`);
      throw new Error(`backend ${this.o.fingerprint} ≠ ${meta.backend}`);
    }
    return { d, metaText, meta };
  }

  private async process(job: Job): Promise<string> {
    const { d, metaText, meta } = await this.admit(job);
    const replica = await this.replicaFor(d, metaText, meta);
    const stateless = this.kinds.get(meta.kind)!.stateless;
    const key = jobKey(d);
    let claimed: Promise<string | null> | undefined;
    let result: Uint8Array | undefined;
    let ms = '0';
    // Bringing the replica to the job's state and evaluating run as one section, so a record applied in the
    // background (the subscriber) cannot land between them.
    await this.serially(d.run, async () => {
      // A stalled job of a generation the coordinator has already finished: nothing to do.
      if (!stateless && d.gen < replica.generation) return;
      // The claim tells a retried job (another worker claimed it first), and tells the coordinator whose heartbeat
      // to watch while the job is out; its reply is read after evaluating, so it costs no round trip.
      claimed = this.redis.set(keys.claim(d.run, d.gen, key), this.o.id, 'EX', RUN_TTL_S, 'NX');
      if (!stateless) await this.sync(replica, d);
      this.o.trace?.(`job ${d.run.slice(0, 8)} gen ${d.gen} members ${key}`);
      const payload = d.payload ? Buffer.from(d.payload, 'base64') : undefined;
      const t0 = performance.now();
      result = replica.evaluate(d, payload);
      ms = (performance.now() - t0).toFixed(3);
    });
    if (!result || !claimed) return 'obsolete';
    // Retried: BullMQ started it before (a stalled or failed attempt), or another worker claimed it first.
    const startedBefore = (job.stalledCounter ?? 0) > 0 || (job.attemptsStarted ?? 1) > 1;
    if ((await claimed) === null || startedBefore) await this.redis.multi().incr(keys.retries(d.run, d.gen)).expire(keys.retries(d.run, d.gen), RUN_TTL_S).exec();
    await this.redis.multi()
      .set(keys.result(d.run, d.gen, key), Buffer.from(result.buffer, result.byteOffset, result.byteLength), 'EX', RUN_TTL_S)
      .rpush(keys.inbox(d.run), `done ${key} ${ms}`)
      .expire(keys.inbox(d.run), RUN_TTL_S)
      .exec();
    this.servedJobs++;
    return 'ok';
  }
}

/** Starts the heartbeat thread (heartbeat-thread.ts) once its key is set; stop() deletes the key and ends it. */
async function startHeartbeat(url: string, key: string, info: string): Promise<{ stop(): Promise<void> }> {
  const t = startWorker(import.meta.url, 'heartbeat-thread', { url, key, info });
  const reply = (type: string) => new Promise<void>((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === type) { off(); resolve(); } else if (m.type === 'error') { off(); reject(new Error(`heartbeat: ${m.message}`)); }
    };
    const onExit = (code: number) => { off(); if (type === 'stopped') resolve(); else reject(new Error(`heartbeat thread exited with code ${code}`)); };
    const off = () => { t.off('message', onMessage); t.off('exit', onExit); };
    t.on('message', onMessage);
    t.on('exit', onExit);
  });
  try {
    await reply('ready');
  } catch (e) {
    await t.terminate();
    throw e;
  }
  t.unref(); // the worker's own connections keep the process alive while it serves; this thread never should
  return {
    async stop() {
      const done = reply('stopped');
      t.postMessage({ type: 'stop' });
      await done;
    },
  };
}
