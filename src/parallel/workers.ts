/**
 * The one way this project runs worker threads (the ES population pool, the language model's pool, the
 * Boolean prior and sweep): start a worker on a sibling module, under tsx from source or plainly from
 * dist; talk to it with one request/reply protocol; split populations into pair-aligned ranges; hand
 * out work items dynamically. Workers exchange only small messages; big data lives in
 * SharedArrayBuffers the caller passes in workerData.
 *
 * Protocol: a worker calls serve(handler) once it is ready; it posts {type: 'ready'}, then answers each
 * message with {type: 'done', result} or {type: 'error', message}.
 */
import { Worker, parentPort } from 'node:worker_threads';

/**
 * A worker on the module `name` beside `fromUrl` (pass import.meta.url): `name.ts` when running from
 * source, `name.js` from dist. Node 20 does not run --import hooks (tsx) in workers, so from source an
 * eval bootstrap registers tsx's loader first, then imports the module.
 */
export function startWorker(fromUrl: string, name: string, workerData: unknown, env?: NodeJS.ProcessEnv): Worker {
  const fromSource = fromUrl.endsWith('.ts');
  const url = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, fromUrl);
  const opts = { workerData, ...(env ? { env } : {}) };
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, ...opts })
    : new Worker(url, opts);
}

/** Worker side: announces readiness, then answers every message with handler(message). */
export function serve<M, R>(handler: (msg: M) => R | Promise<R>, transfer?: (result: R) => ArrayBuffer[]): void {
  const port = parentPort;
  if (!port) throw new Error('serve() must run in a worker thread');
  port.on('message', async (msg: M) => {
    try {
      const result = await handler(msg);
      port.postMessage({ type: 'done', result }, transfer?.(result) ?? []);
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message });
    }
  });
  port.postMessage({ type: 'ready' });
}

/** Worker side, when setting up failed before serve(): reports the error to the starter. */
export function reportStartFailure(e: unknown): void {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message });
}

/** Resolves with the worker's next reply of `type` (its result); rejects on its error message, an error or exit. */
function next<R>(w: Worker, type: 'ready' | 'done', label: string): Promise<R> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; result?: R; message?: string }) => {
      if (msg.type === type) { cleanup(); resolve(msg.result as R); }
      else if (msg.type === 'error') { cleanup(); reject(new Error(`${label} worker: ${msg.message}`)); }
    };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const onExit = (code: number) => { cleanup(); reject(new Error(`${label} worker exited with code ${code}`)); };
    const cleanup = () => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}

/** Started workers that speak serve()'s protocol. */
export class WorkerGroup {
  private constructor(private readonly workers: Worker[], private readonly label: string) {}

  /** Starts `count` workers on module `name` beside `fromUrl` and waits until each is ready. */
  static async start(fromUrl: string, name: string, count: number, workerData: unknown, env?: NodeJS.ProcessEnv): Promise<WorkerGroup> {
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < count; i++) {
        workers.push(startWorker(fromUrl, name, workerData, env));
      }
      await Promise.all(workers.map((w) => next(w, 'ready', name)));
      // A worker waiting for work must never keep the process alive; request() refs it while it works.
      for (const w of workers) w.unref();
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new WorkerGroup(workers, name);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends one message to worker i and resolves with its reply. */
  request<R>(i: number, msg: unknown): Promise<R> {
    const w = this.workers[i];
    const reply = next<R>(w, 'done', this.label);
    w.ref();
    w.postMessage(msg);
    return reply.finally(() => w.unref());
  }

  /**
   * Every item to whichever worker is free next (dynamic hand-out, so a slow core slows only its own
   * items); results come back by item index whatever worker computed them.
   */
  async map<T, R>(items: readonly T[], onResult?: (result: R, index: number) => void): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let taken = 0;
    await Promise.all(this.workers.map(async (_, i) => {
      while (taken < items.length) {
        const k = taken++;
        results[k] = await this.request<R>(i, items[k]);
        onResult?.(results[k], k);
      }
    }));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Splits members [0, pop) into at most `parts` contiguous ranges whose bounds fall on pair boundaries
 * (pairSize 2 for antithetic pairs, 1 otherwise); empty ranges are left out.
 */
export function splitMembers(pop: number, parts: number, pairSize = 2): [number, number][] {
  const units = Math.ceil(pop / pairSize);
  const out: [number, number][] = [];
  for (let k = 0; k < parts; k++) {
    const lo = Math.floor((units * k) / parts) * pairSize;
    const hi = Math.min(pop, Math.floor((units * (k + 1)) / parts) * pairSize);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}
