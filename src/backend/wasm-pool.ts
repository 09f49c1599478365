/**
 * A tiny, synchronous worker pool for the wasm kernels.
 *
 * Each worker instantiates the same compiled kernel module on the same shared memory, so a job is just
 * "run export X with these numbers" — pointers into the shared memory, no data is copied or posted.
 * The Backend interface is synchronous, so the calling thread hands each worker its job through a
 * small SharedArrayBuffer (Atomics.store + notify), computes its own share, then Atomics.wait()s for
 * the workers. Node allows Atomics.wait on the main thread; in a browser the calling thread is a Web
 * Worker (kernel-choice gives one thread elsewhere).
 *
 * Why our own pool and not piscina: piscina is asynchronous (a Promise per task, posted messages) and
 * would make every kernel async; its per-task overhead is also larger than the ~100 µs wake-up we pay
 * here, and it cannot share one wasm instance's memory for us anyway. What we need is ~80 lines.
 *
 * Threads are started by the platform (platform.ts: a Node worker_thread, unref()'d so it never keeps
 * a process alive; platform.browser.ts: a Web Worker from a Blob URL). A browser starts a nested worker
 * only while its creator is back in its event loop, so there `ready()` must be awaited before the first
 * job; Node may instead block on the first job until the threads are up.
 */
import { canAwaitThreadsBlocking, startKernelThread, type KernelThread } from './platform.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

/** Job slots in a worker's control block. */
const SEQ = 0; // job number written by the caller
const DONE = 1; // job number the worker finished last
const READY = 2; // 1 once the worker has instantiated the module
const FAILED = 3; // 1 if the last job threw
const MAX_ARGS = 20;

// Plain JavaScript (no imports), so it loads the same way from src/ under tsx, from dist/ and from a
// Blob URL in a browser; the platform appends the line that calls runJobs(data, load) with its data.
const JOB_LOOP = `
function runJobs({ module, memory, ctrl, ops, addonPath }, load) {
const exports_ = new WebAssembly.Instance(module, { env: { memory } }).exports;
// The native backend's workers also call its addon, on views of the same memory (Node only).
const blas = addonPath ? load(addonPath) : null;
const js = {
  // Chunks of rows of op(A)·op(B) taken from the shared counter at counterAddr until none are left
  // (addresses in bytes, aBase in floats); the calling thread runs the same loop (src/backend/native.ts).
  // packed: bAddr holds op(B) from the addon's packB (then sgemmPacked, the same bits without repacking).
  nativeSgemmChunks(ta, tb, m, n, k, alpha, aBase, aRowStride, lda, bAddr, beta, cAddr, chunk, counterAddr, packed) {
    const f = new Float32Array(memory.buffer);
    const b = f.subarray(bAddr / 4);
    const counter = new Int32Array(memory.buffer, counterAddr, 1);
    const gemm = packed ? blas.sgemmPacked : blas.sgemm;
    for (let i0 = Atomics.add(counter, 0, chunk); i0 < m; i0 = Atomics.add(counter, 0, chunk)) {
      gemm(!!ta, !!tb, Math.min(chunk, m - i0), n, k, alpha, f, aBase + i0 * aRowStride, lda, b, beta, f, cAddr / 4 + i0 * n);
    }
  },
};
js.nativeIgemmRows = (i0, rows, n, k, aAddr, bAddr, cAddr) => {
  const buf = memory.buffer;
  blas.igemm(rows, n, k, new Int8Array(buf, aAddr + i0 * k, rows * k), new Int8Array(buf, bAddr, n * k),
    new Int32Array(buf, cAddr + i0 * n * 4, rows * n));
};
const fns = ops.map((name) => exports_[name] || js[name]);
const flags = new Int32Array(ctrl, 0, 4);
const args = new Float64Array(ctrl, 16, ${MAX_ARGS + 2});
Atomics.store(flags, ${READY}, 1);
Atomics.notify(flags, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(flags, ${SEQ}, seen);
  seen = Atomics.load(flags, ${SEQ});
  let failed = 0;
  try {
    const argc = args[1];
    const a = new Array(argc);
    for (let i = 0; i < argc; i++) a[i] = args[2 + i];
    fns[args[0]](...a);
  } catch (e) {
    failed = 1;
  }
  Atomics.store(flags, ${FAILED}, failed);
  Atomics.store(flags, ${DONE}, seen);
  Atomics.notify(flags, ${DONE});
}
}
`;

interface Slot {
  worker: KernelThread;
  flags: Int32Array;
  args: Float64Array;
  seq: number;
  busy: boolean;
}

export class KernelPool {
  private readonly slots: Slot[] = [];
  private readonly opIndex: Map<string, number>;
  private ready = false;
  /** The first start failure a thread reported (browser only), thrown by ready()/start(). */
  private failure: string | undefined;

  /**
   * `workers` threads besides the calling one; `ops` the export names jobs may call; `addonPath` the
   * native addon to load in each worker too (for the native backend's threaded sgemm and igemm).
   */
  constructor(module: WasmModule, memory: WasmMemory, workers: number, ops: readonly string[], addonPath?: string) {
    this.opIndex = new Map(ops.map((o, i) => [o, i]));
    for (let w = 0; w < workers; w++) {
      const ctrl = new SharedArrayBuffer(16 + 8 * (MAX_ARGS + 2));
      const worker = startKernelThread(JOB_LOOP, { module, memory, ctrl, ops: [...ops], addonPath }, (m) => { this.failure ??= m; });
      this.slots.push({ worker, flags: new Int32Array(ctrl, 0, 4), args: new Float64Array(ctrl, 16, MAX_ARGS + 2), seq: 0, busy: false });
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Whether every worker has instantiated the module. */
  private allReady(): boolean {
    if (this.failure) throw new Error(`wasm kernel thread failed: ${this.failure}`);
    return this.slots.every((s) => Atomics.load(s.flags, READY) === 1);
  }

  /**
   * Resolves once every worker has instantiated the module, without blocking this thread (its event
   * loop may be what starts them: a browser's nested workers); rejects when one fails or after 30 s.
   */
  async whenReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.ready && !this.allReady()) {
      if (Date.now() > deadline) throw new Error('wasm worker threads did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.ready = true;
  }

  /**
   * Blocks until every worker has instantiated the module (only the first time) where the platform
   * allows it; in a browser, where blocking would keep the threads from ever starting, a pool not yet
   * ready is a caller's bug (await whenReady() first) and says so.
   */
  private awaitReady(): void {
    if (this.ready) return;
    if (!canAwaitThreadsBlocking) {
      if (!this.allReady()) throw new Error('wasm kernel threads are still starting: await backend.ready() (loadBackend does) before running kernels');
      this.ready = true;
      return;
    }
    const deadline = Date.now() + 30_000;
    for (const s of this.slots) {
      while (Atomics.load(s.flags, READY) !== 1) {
        if (Date.now() > deadline) throw new Error('wasm worker threads did not start within 30 s');
        Atomics.wait(s.flags, READY, 0, 100);
      }
    }
    this.ready = true;
  }

  /** Starts `op(...args)` on worker w; finish with waitAll(). */
  start(w: number, op: string, args: readonly number[]): void {
    this.awaitReady();
    const s = this.slots[w];
    const idx = this.opIndex.get(op);
    if (idx === undefined) throw new Error(`kernel pool: unknown op ${op}`);
    if (args.length > MAX_ARGS) throw new Error(`kernel pool: too many arguments for ${op}`);
    s.args[0] = idx;
    s.args[1] = args.length;
    for (let i = 0; i < args.length; i++) s.args[2 + i] = args[i];
    s.seq = (s.seq + 1) | 0;
    s.busy = true;
    Atomics.store(s.flags, SEQ, s.seq);
    Atomics.notify(s.flags, SEQ);
  }

  /** Blocks until every started job is done; throws if one failed. */
  waitAll(): void {
    let failed = false;
    for (const s of this.slots) {
      if (!s.busy) continue;
      for (;;) {
        const done = Atomics.load(s.flags, DONE);
        if (done === s.seq) break;
        Atomics.wait(s.flags, DONE, done);
      }
      s.busy = false;
      if (Atomics.load(s.flags, FAILED)) failed = true;
    }
    if (failed) throw new Error('a wasm kernel failed in a worker thread');
  }

  /** Stops the workers (optional: they never keep the process alive). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map(async (s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
