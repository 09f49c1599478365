/**
 * A tiny, synchronous worker pool for the wasm kernels.
 *
 * Each worker instantiates the same compiled kernel module on the same shared memory, so a job is just
 * "run export X with these numbers" — pointers into the shared memory, no data is copied or posted.
 * The Backend interface is synchronous, so the calling thread hands each worker its job through a
 * small SharedArrayBuffer (Atomics.store + notify), computes its own share, then Atomics.wait()s for
 * the workers. Node allows Atomics.wait on the main thread.
 *
 * Why our own pool and not piscina: piscina is asynchronous (a Promise per task, posted messages) and
 * would make every kernel async; its per-task overhead is also larger than the ~100 µs wake-up we pay
 * here, and it cannot share one wasm instance's memory for us anyway. What we need is ~80 lines.
 *
 * Workers are unref()'d and block in Atomics.wait between jobs, so they never keep a process alive:
 * when the main thread's event loop is empty the process exits and Node terminates them.
 */
import { Worker } from './platform.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

/** Job slots in a worker's control block. */
const SEQ = 0; // job number written by the caller
const DONE = 1; // job number the worker finished last
const READY = 2; // 1 once the worker has instantiated the module
const FAILED = 3; // 1 if the last job threw
const MAX_ARGS = 20;

// Plain JavaScript run with `eval: true`, so it loads the same way from src/ under tsx and from dist/.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, ops, addonPath } = workerData;
const exports_ = new WebAssembly.Instance(module, { env: { memory } }).exports;
// The native backend's workers also call its addon, on views of the same memory.
const blas = addonPath ? require(addonPath) : null;
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
`;

interface Slot {
  worker: Worker;
  flags: Int32Array;
  args: Float64Array;
  seq: number;
  busy: boolean;
}

export class KernelPool {
  private readonly slots: Slot[] = [];
  private readonly opIndex: Map<string, number>;
  private ready = false;

  /**
   * `workers` threads besides the calling one; `ops` the export names jobs may call; `addonPath` the
   * native addon to load in each worker too (for the native backend's threaded sgemm and igemm).
   */
  constructor(module: WasmModule, memory: WasmMemory, workers: number, ops: readonly string[], addonPath?: string) {
    this.opIndex = new Map(ops.map((o, i) => [o, i]));
    for (let w = 0; w < workers; w++) {
      const ctrl = new SharedArrayBuffer(16 + 8 * (MAX_ARGS + 2));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrl, ops: [...ops], addonPath },
        // The worker needs no loader hooks (tsx) and must not inherit --inspect and the like.
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      worker.unref();
      this.slots.push({ worker, flags: new Int32Array(ctrl, 0, 4), args: new Float64Array(ctrl, 16, MAX_ARGS + 2), seq: 0, busy: false });
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Blocks until every worker has instantiated the module (only the first time). */
  private awaitReady(): void {
    if (this.ready) return;
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
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
