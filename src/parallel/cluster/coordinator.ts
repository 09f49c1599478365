/**
 * The coordinator's side of a cluster run: publishes the run's meta, splits each generation into BullMQ
 * jobs, gathers the results from the run's inbox, publishes each generation's record (fitness + task
 * state) so workers update their own parameters, and writes a snapshot when a worker asks for one.
 *
 * Robustness: results are plain Redis strings keyed by (run, generation, member range), so a job done
 * twice (a worker killed after writing, a stalled job handed to another worker) writes the same bytes;
 * the inbox is only a wake-up call — on a quiet second the coordinator looks at the result keys
 * themselves and adds again any job Redis lost (a restart without persistence). Job ids are fixed, so
 * adding a job that still exists is a no-op.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis, describeRedisError } from './redis.js';
import {
  PROTOCOL_VERSION, QUEUE_NAME, QUEUE_PREFIX, RECORDS_KEPT, RUN_TTL_S, keys, jobId, jobKey, newRunId, redactUrl,
  ClusterError, HEARTBEAT_TTL_MS, safeJson, workerInfoSchema, type JobData, type RunMeta,
} from './protocol.js';

export interface ClusterJob {
  start: number;
  end: number;
  payload?: Uint8Array;
}

export interface GenerationStats {
  /** Live worker threads seen by their heartbeat at the end of the generation. */
  workers: number;
  /** Jobs started more than once (a worker died or stalled). */
  jobsRetried: number;
  /** Seconds between the first and the last result: the wait for stragglers. */
  stragglerSeconds: number;
  /** Bytes this process sent to / received from Redis for the generation (jobs, results, record, snapshots). */
  bytesSent: number;
  bytesReceived: number;
  /** Seconds workers spent evaluating this generation's jobs, summed over jobs (the rest of their time is coordination). */
  evalSeconds: number;
}

export interface CoordinatorOptions {
  url: string;
  kind: string;
  backend: string;
  config: unknown;
  log?: (line: string) => void;
  /** Seconds without any result after which the coordinator says so (and again every such period). */
  quietWarnS?: number;
  /** Generation records kept in Redis for workers that fall behind (default RECORDS_KEPT); further back, a snapshot. */
  recordsKept?: number;
  /** Jobs per generation (default: about 4 per live worker); `bench cluster` sets it to measure the queue. */
  jobCount?: number;
  /**
   * Asked about once a second while a generation's jobs wait (cli/signals.ts): a reason ends the wait with
   * GenerationAborted, so Ctrl-C stops a cluster run as promptly as a local one even with no worker attached.
   */
  shouldStop?: () => string | undefined;
}

/** A generation given up because the run is stopping: nothing of it was applied; the state is the one before it. */
export class GenerationAborted extends Error {
  override readonly name = 'GenerationAborted';
  constructor(readonly reason: string) {
    super(`${reason}: the generation in progress was given up`);
  }
}

export class ClusterCoordinator {
  readonly runId = newRunId();
  private snapshotSource: (() => { generation: number; bytes: Uint8Array }) | undefined;
  private readonly seenErrors = new Set<string>();
  /** Live workers serving this run's kind at the last count (sizes the next generation's jobs). */
  knownWorkers = 0;
  /** Their ids (heartbeat keys), to tell which one went away. */
  private liveIds = new Set<string>();
  private countedAt = 0;
  /** Job ids of the generation in progress (removed from the queue if the run ends mid-generation). */
  private outstanding: string[] = [];

  /** How many jobs to split a generation into: the option if given, else about 4 per live worker (≥ 4, ≤ 256). */
  jobsPerGeneration(): number {
    return this.opts.jobCount ?? Math.min(256, Math.max(4, 4 * this.knownWorkers));
  }

  private constructor(
    private readonly opts: CoordinatorOptions,
    private readonly redis: Redis,
    private readonly inbox: Redis,
    private readonly queue: Queue,
    private readonly queueConnection: Redis,
  ) {}

  static async connect(opts: CoordinatorOptions): Promise<ClusterCoordinator> {
    const redis = await connectRedis(opts.url, { name: 'eggroll-coordinator', reconnectForMs: 20_000 });
    const inbox = redis.duplicate();
    inbox.on('error', () => {});
    // BullMQ does not close a connection it was given: close() disconnects it.
    const queueConnection = redis.duplicate();
    queueConnection.on('error', () => {});
    const queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: QUEUE_PREFIX });
    queue.on('error', () => {});
    const c = new ClusterCoordinator(opts, redis, inbox, queue, queueConnection);
    const meta: RunMeta = { v: PROTOCOL_VERSION, kind: opts.kind, backend: opts.backend, config: opts.config, created: new Date().toISOString() };
    await redis.set(keys.meta(c.runId), JSON.stringify(meta), 'EX', RUN_TTL_S);
    return c;
  }

  /** The Redis URL with its password hidden, for messages. */
  get where(): string {
    return redactUrl(this.opts.url);
  }

  private get log(): (line: string) => void {
    return this.opts.log ?? (() => {});
  }

  /** Where snapshots come from (the trainer's current state); asked only when a worker needs one. */
  setSnapshotSource(source: () => { generation: number; bytes: Uint8Array }): void {
    this.snapshotSource = source;
  }

  /** Live worker threads (heartbeat keys), and a warning for workers that speak another protocol version. */
  async liveWorkers(): Promise<number> {
    const ids = new Set<string>();
    let cursor = '0';
    const foreign: string[] = [];
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', keys.workerPattern, 'COUNT', 1000);
      cursor = next;
      if (!found.length) continue;
      const values = await this.redis.mget(...found);
      values.forEach((v, i) => {
        if (!v) return;
        const info = workerInfoSchema.safeParse(safeJson(v));
        if (!info.success) return;
        if (info.data.v !== PROTOCOL_VERSION) { foreign.push(`${info.data.host}:${info.data.pid} (v${info.data.v})`); return; }
        if (!info.data.kinds.includes(this.opts.kind)) return;
        ids.add(found[i].slice(keys.worker('').length));
      });
    } while (cursor !== '0');
    const count = ids.size;
    for (const id of this.liveIds) if (!ids.has(id)) this.log(`worker ${id} is gone (stopped, or no heartbeat for ${HEARTBEAT_TTL_MS / 1000} s); ${count} live worker${count === 1 ? '' : 's'} serve '${this.opts.kind}'`);
    this.liveIds = ids;
    this.knownWorkers = count;
    for (const f of foreign) this.warnOnce(`worker ${f} speaks cluster protocol v${f.split('(v')[1]?.replace(')', '')} but this run uses v${PROTOCOL_VERSION}: it will not take this run's jobs (run the same eggroll version on every machine)`);
    return count;
  }

  /** Waits until at least `n` workers serve this run's kind, or `timeoutMs` passes; returns how many there are. */
  async waitForWorkers(n: number, timeoutMs: number): Promise<number> {
    const t0 = Date.now();
    let live = await this.liveWorkers();
    while (live < n && Date.now() - t0 < timeoutMs) {
      await sleep(100);
      live = await this.liveWorkers();
    }
    return live;
  }

  /**
   * Runs one generation's jobs and hands each result to `onResult` (in completion order; callers write
   * into arrays by member index, so the order does not matter). Resolves when every job has a result.
   */
  async evaluate(generation: number, hash: string, jobs: readonly ClusterJob[], onResult: (job: ClusterJob, result: Buffer) => void): Promise<GenerationStats> {
    const run = this.runId;
    let bytesSent = 0, bytesReceived = 0;
    const entries = jobs.map((j) => {
      const data: JobData = { v: PROTOCOL_VERSION, run, kind: this.opts.kind, gen: generation, start: j.start, end: j.end, hash, ...(j.payload ? { payload: Buffer.from(j.payload).toString('base64') } : {}) };
      const text = JSON.stringify(data);
      bytesSent += text.length;
      return { job: j, key: jobKey(j), data, id: jobId(run, generation, j) };
    });
    const pending = new Map(entries.map((e) => [e.key, e]));
    this.outstanding = entries.map((e) => e.id);
    await this.guard(async () => {
      await this.redis.expire(keys.meta(run), RUN_TTL_S);
      await this.queue.addBulk(entries.map((e) => ({ name: this.opts.kind, data: e.data, opts: jobOptions(e.id) })));
    });
    let first = 0, last = 0, evalMs = 0;
    let quietSince = Date.now();
    let checkedAt = Date.now();
    const handedOn = new Set<string>();
    const quietWarnMs = (this.opts.quietWarnS ?? 60) * 1000;
    const take = async (key: string, ms = 0): Promise<boolean> => {
      const e = pending.get(key);
      if (!e) return false;
      const bytes = await this.redis.getBuffer(keys.result(run, generation, key));
      if (!bytes) return false;
      bytesReceived += bytes.length;
      onResult(e.job, bytes);
      pending.delete(key);
      evalMs += ms;
      last = Date.now();
      if (!first) first = last;
      quietSince = last;
      return true;
    };
    while (pending.size) {
      const stop = this.opts.shouldStop?.();
      if (stop) throw new GenerationAborted(stop); // outstanding jobs are removed by close()
      if (Date.now() - checkedAt >= 1000) {
        // About once a second, busy or quiet: a job whose worker's heartbeat stopped goes to another worker now,
        // rather than when its BullMQ lock runs out (--lock-seconds, 30 s by default).
        checkedAt = Date.now();
        await this.guard(() => this.handOnJobsOfGoneWorkers(generation, pending, handedOn));
      }
      const got = await this.guard(() => this.inbox.blpop(keys.inbox(run), 1));
      if (got) {
        const [verb, arg, ms] = got[1].split(' ');
        if (verb === 'done') await this.guard(() => take(arg, Number(ms) || 0));
        else if (verb === 'snap') bytesSent += await this.guard(() => this.serveSnapshot(Number(arg)));
        continue;
      }
      // A quiet second: trust the result keys, not the inbox (a lost note, a restarted Redis).
      await this.guard(async () => {
        for (const key of [...pending.keys()]) await take(key);
        for (const e of pending.values()) {
          if (!(await this.queue.getJob(e.id))) await this.queue.add(this.opts.kind, e.data, jobOptions(e.id));
        }
        await this.redis.expire(keys.meta(run), RUN_TTL_S);
        await this.reportWorkerErrors();
      });
      if (pending.size && Date.now() - quietSince > quietWarnMs) {
        quietSince = Date.now();
        const live = await this.guard(() => this.liveWorkers());
        this.log(`generation ${generation}: ${pending.size} of ${jobs.length} jobs still waiting after ${Math.round(quietWarnMs / 1000)} s; ${live} live worker${live === 1 ? '' : 's'} serve '${this.opts.kind}' (start some with: eggroll worker --redis ${redactUrl(this.opts.url)})`);
      }
    }
    this.outstanding = [];
    const stats = await this.guard(async () => {
      const retried = Number(await this.redis.get(keys.retries(run, generation)) ?? 0);
      // Counting workers scans Redis: at most every 2 s, not every generation.
      if (Date.now() - this.countedAt > 2000) {
        await this.reportWorkerErrors();
        await this.liveWorkers();
        this.countedAt = Date.now();
      }
      return { workers: this.knownWorkers, jobsRetried: retried };
    });
    return { ...stats, stragglerSeconds: (last - first) / 1000, bytesSent, bytesReceived, evalSeconds: evalMs / 1000 };
  }

  /**
   * Counts the live workers (which logs any that went away) and queues again, under a new job id, each pending job
   * claimed by a worker that is no longer live. The dead worker's BullMQ job stays locked until its lock expires
   * and is then obsolete; a result written twice is the same bytes, so handing on early is always safe.
   */
  private async handOnJobsOfGoneWorkers(generation: number, pending: ReadonlyMap<string, { key: string; data: JobData; id: string }>, handedOn: Set<string>): Promise<void> {
    await this.liveWorkers();
    this.countedAt = Date.now();
    const waiting = [...pending.values()].filter((e) => !handedOn.has(e.key));
    if (!waiting.length) return;
    const owners = await this.redis.mget(...waiting.map((e) => keys.claim(this.runId, generation, e.key)));
    for (let i = 0; i < waiting.length; i++) {
      const owner = owners[i];
      if (owner === null || this.liveIds.has(owner)) continue;
      const e = waiting[i];
      handedOn.add(e.key);
      const id = `${e.id}-again`;
      this.outstanding.push(id);
      await this.queue.add(this.opts.kind, e.data, jobOptions(id));
      this.log(`generation ${generation}: members ${e.key} were with worker ${owner}, which is gone: handed to another worker`);
    }
  }

  /**
   * Publishes generation `generation`'s record (what every worker needs to apply the update) and announces
   * it, so idle workers apply it while the coordinator applies its own; drops records older than kept.
   */
  async publishRecord(generation: number, record: Uint8Array): Promise<number> {
    const run = this.runId;
    await this.guard(async () => {
      const m = this.redis.multi();
      m.set(keys.record(run, generation), Buffer.from(record), 'EX', RUN_TTL_S);
      m.publish(keys.published(run), String(generation));
      const kept = this.opts.recordsKept ?? RECORDS_KEPT;
      if (generation >= kept) m.del(keys.record(run, generation - kept));
      await m.exec();
    });
    return record.length;
  }

  /** Deletes a finished generation's result keys (called once the update is applied). */
  async forgetGeneration(generation: number, jobs: readonly ClusterJob[]): Promise<void> {
    const run = this.runId;
    await this.guard(async () => {
      const m = this.redis.multi();
      for (const j of jobs) { m.del(keys.result(run, generation, jobKey(j))); m.del(keys.claim(run, generation, jobKey(j))); }
      m.del(keys.retries(run, generation));
      await m.exec();
    });
  }

  private async serveSnapshot(generation: number): Promise<number> {
    if (!this.snapshotSource) return 0;
    const snap = this.snapshotSource();
    if (snap.generation !== generation) return 0; // an old request; the worker asks again for the current one
    const header = Buffer.alloc(8);
    header.writeBigUInt64LE(BigInt(snap.generation));
    const value = Buffer.concat([header, Buffer.from(snap.bytes)]);
    await this.redis.set(keys.snapshot(this.runId), value, 'EX', RUN_TTL_S);
    return value.length;
  }

  /** Prints each distinct error line workers reported for this run, once. */
  private async reportWorkerErrors(): Promise<void> {
    const lines = await this.redis.lrange(keys.errors(this.runId), 0, 50);
    if (lines.length) await this.redis.ltrim(keys.errors(this.runId), lines.length, -1);
    for (const l of lines) this.warnOnce(`a worker: ${l}`);
  }

  private warnOnce(line: string): void {
    if (this.seenErrors.has(line)) return;
    this.seenErrors.add(line);
    this.log(line);
  }

  /** Runs a Redis step; a lost connection becomes one ClusterError line. */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      if (e instanceof ClusterError) throw e;
      throw new ClusterError(describeRedisError(e, redactUrl(this.opts.url)));
    }
  }

  /** Removes this run's queued jobs and keys (the run is over); workers drop its replica when they see the meta gone. */
  async close(): Promise<void> {
    try {
      // A run stopped mid-generation leaves no jobs behind for the workers.
      for (const id of this.outstanding) await this.queue.remove(id).catch(() => 0);
      const run = this.runId;
      let cursor = '0';
      do {
        const [next, found] = await this.redis.scan(cursor, 'MATCH', `eggroll:run:${run}:*`, 'COUNT', 1000);
        cursor = next;
        if (found.length) await this.redis.del(...found);
      } while (cursor !== '0');
    } catch {
      // Keys expire on their own (RUN_TTL_S).
    }
    await Promise.allSettled([this.queue.close()]);
    this.queueConnection.disconnect();
    this.inbox.disconnect();
    this.redis.disconnect();
  }
}

function jobOptions(id: string) {
  // Results live in our own keys; BullMQ keeps nothing. Attempts: a job whose worker refused it (another
  // backend, a version mismatch) is tried again by another worker.
  return { jobId: id, removeOnComplete: true, removeOnFail: true, attempts: 1000, backoff: { type: 'fixed', delay: 200 } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
