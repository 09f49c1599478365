/**
 * The wire protocol between a coordinator (the process that owns a run) and cluster workers, over Redis.
 * Only seeds and scalars cross the network each generation:
 *   job    (BullMQ, queue QUEUE_NAME): protocol version, run id, kind, generation, member range, the hash
 *          of the state it must be evaluated on, and an optional small per-job payload (the language
 *          model's recurrent states and byte windows of those members);
 *   result (a Redis string the worker writes, plus a note in the run's inbox list): the members' fitness;
 *   record (one per generation, written by the coordinator): the whole fitness vector and the task state,
 *          from which every worker applies the same update to its own copy of the parameters;
 *   snapshot (only on request): parameters + optimiser state + task state, safetensors bytes.
 * Keys are under `eggroll:run:<id>:`; the run id is 128 random bits, so a run cannot be guessed or joined
 * without being told its id, and workers only read what a run's meta describes. This module loads neither
 * ioredis nor BullMQ (half a second at start-up): commands import it freely, the cluster modules only when used.
 */
import { randomBytes, createHash } from 'node:crypto';
import { z } from 'zod';
import type { Backend } from '../../backend/types.js';
import { InputError } from '../../io/errors.js';

/** Bumped whenever a message's meaning changes; a worker refuses a job with another version. */
export const PROTOCOL_VERSION = 1;
/** The one BullMQ queue every run uses (workers serve any run on their Redis). */
export const QUEUE_NAME = 'eggroll-jobs';
export const QUEUE_PREFIX = 'eggroll:bull';
/**
 * A worker thread's heartbeat key lives this long unless refreshed (every HEARTBEAT_EVERY_MS, from a thread that
 * never computes): a killed worker is known to be gone within about this time, whatever its job's length.
 */
export const HEARTBEAT_TTL_MS = 3000;
export const HEARTBEAT_EVERY_MS = 1000;

/** Records kept behind the current generation; a worker further behind asks for a snapshot instead. */
export const RECORDS_KEPT = 64;
/** Seconds a run's keys live without the coordinator refreshing them (a dead coordinator's run expires). */
export const RUN_TTL_S = 600;

export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

export const runIdSchema = z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be 32 lowercase hex digits' });

export const keys = {
  meta: (run: string) => `eggroll:run:${run}:meta`,
  /** The coordinator's inbox: 'done <jobKey>' from workers, 'snap <generation>' requests. */
  inbox: (run: string) => `eggroll:run:${run}:inbox`,
  result: (run: string, gen: number, job: string) => `eggroll:run:${run}:res:${gen}:${job}`,
  claim: (run: string, gen: number, job: string) => `eggroll:run:${run}:claim:${gen}:${job}`,
  retries: (run: string, gen: number) => `eggroll:run:${run}:retries:${gen}`,
  errors: (run: string) => `eggroll:run:${run}:errors`,
  record: (run: string, gen: number) => `eggroll:run:${run}:rec:${gen}`,
  snapshot: (run: string) => `eggroll:run:${run}:snapshot`,
  /** One per live worker thread, expiring unless refreshed: `eggroll:worker:<id>` → its WorkerInfo. */
  worker: (id: string) => `eggroll:worker:${id}`,
  workerPattern: 'eggroll:worker:*',
  /** Pub/sub: the generation number, published when its record is written. */
  published: (run: string) => `eggroll:run:${run}:published`,
  publishedPattern: 'eggroll:run:*:published',
  runOfPublished: (channel: string): string | undefined => /^eggroll:run:([0-9a-f]{32}):published$/.exec(channel)?.[1],
};

/** What a job carries. Validated by the worker before anything else is read. */
export const jobDataSchema = z.object({
  v: z.number().int(),
  run: runIdSchema,
  kind: z.string().min(1).max(40),
  gen: z.number().int().min(0),
  start: z.number().int().min(0),
  end: z.number().int().min(1),
  /** sha256 (hex) of the state the members must be evaluated on ('' for stateless kinds). */
  hash: z.string().max(64),
  /** base64 of a kind-specific payload (≤ 16 MiB), if any. */
  payload: z.string().max(16 << 22).optional(),
}).refine((d) => d.end > d.start, { message: 'end must be > start', path: ['end'] });
export type JobData = z.infer<typeof jobDataSchema>;

/** The job's key inside its generation (result and claim keys). */
export function jobKey(d: Pick<JobData, 'start' | 'end'>): string {
  return `${d.start}-${d.end}`;
}

/** BullMQ job id: unique per run, generation and range, so adding a job twice is a no-op. */
export function jobId(run: string, gen: number, d: Pick<JobData, 'start' | 'end'>): string {
  return `${run}-${gen}-${jobKey(d)}`;
}

/** A run as workers see it: written once by the coordinator. `config` is validated by the kind's handler. */
export const runMetaSchema = z.object({
  v: z.number().int(),
  kind: z.string().min(1).max(40),
  /** The coordinator's backend and its GEMM kernel (bit-identity needs the same arithmetic everywhere). */
  backend: z.string().min(1).max(40),
  config: z.unknown(),
  created: z.string(),
});
export type RunMeta = z.infer<typeof runMetaSchema>;

export const workerInfoSchema = z.object({ v: z.number().int(), host: z.string(), pid: z.number().int(), backend: z.string(), kinds: z.array(z.string()) });
export type WorkerInfo = z.infer<typeof workerInfoSchema>;

/** sha256 over a list of typed arrays (their bytes, in order, each prefixed by its byte length). */
export function hashArrays(arrays: readonly ArrayBufferView[]): string {
  const h = createHash('sha256');
  const len = Buffer.alloc(8);
  for (const a of arrays) {
    len.writeBigUInt64LE(BigInt(a.byteLength));
    h.update(len);
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}

/** Bytes of a typed array (a copy, so a shared buffer can be sent). */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Concatenates typed arrays' bytes. Readers split with `splitBytes` by known lengths. */
export function packArrays(arrays: readonly ArrayBufferView[]): Buffer {
  return Buffer.concat(arrays.map(bytesOf));
}

/** Float64 view of `count` values at `offset` bytes (copied into an aligned buffer). */
export function f64At(buf: Uint8Array, offset: number, count: number): Float64Array {
  if (offset + count * 8 > buf.length) throw new RangeError(`message too short: need ${offset + count * 8} bytes, got ${buf.length}`);
  const out = new Float64Array(count);
  new Uint8Array(out.buffer).set(buf.subarray(offset, offset + count * 8));
  return out;
}

export function i32At(buf: Uint8Array, offset: number, count: number): Int32Array {
  if (offset + count * 4 > buf.length) throw new RangeError(`message too short: need ${offset + count * 4} bytes, got ${buf.length}`);
  const out = new Int32Array(count);
  new Uint8Array(out.buffer).set(buf.subarray(offset, offset + count * 4));
  return out;
}

/** A Redis URL with its password replaced by ***, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

/** Checks a Redis URL's shape; an InputError (→ exit 2) names what is wrong and what is allowed. */
export function checkRedisUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--redis must be a URL like redis://HOST:PORT, redis://:PASSWORD@HOST:PORT or rediss://HOST:PORT (TLS), got '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`--redis must start with redis:// or rediss:// (TLS), got '${redactUrl(url)}'`);
  if (!u.hostname) throw new InputError(`--redis needs a host, e.g. redis://127.0.0.1:6379, got '${redactUrl(url)}'`);
  return u;
}

/** What makes two machines compute the same bits: the backend and its GEMM kernel. */
export function backendFingerprint(b: Backend): string {
  const kernel = (b as { gemmKernel?: string }).gemmKernel;
  return kernel ? `${b.name}/${kernel}` : b.name;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
