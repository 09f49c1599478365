/**
 * The WebAssembly SIMD backend (the default). Kernels are in assembly/kernels.ts; this file moves
 * arguments into wasm memory, packs, and splits large calls over worker threads by output rows.
 *
 * Zero copy: arrays from allocF32/allocI8/allocI32 are views into the kernel memory and are passed by
 * address. Any other typed array is copied into per-argument scratch first (and outputs copied back),
 * so callers never have to care — it is just slower.
 *
 * Threads: with `threads > 1`, a call whose work exceeds a threshold is split into chunks of rows that
 * the threads (the calling one included) take from a shared counter until none are left. Every output
 * element is computed by the same instruction sequence whichever thread computes it, so results are
 * bit-identical for any thread count.
 */
import type { Backend, WasmMemoryCapability } from './types.js';
import { defaultThreads } from './kernel-choice.js';
import { kernelThreadLimit } from './platform.js';
import { WasmHeap, Scratch } from './wasm-memory.js';
import { KernelPool } from './wasm-pool.js';
import { instantiate, kernelModule, type KernelExports } from './wasm-module.js';
import { ACT_CODE } from './epilogue.js';

export interface WasmBackendOptions {
  /** Threads used for large calls, the calling one included (default: defaultThreads()). */
  threads?: number;
  /** Calls with fewer multiply-adds than this run on the calling thread only (default 2²², ~4 M). */
  minParallelWork?: number;
  /** Also load this native addon in the worker threads (the native backend's threaded sgemm and igemm). */
  addonPath?: string;
}

/** What the native backend borrows from the wasm backend it is built on (inside src/backend only). */
export interface WasmInternals {
  /** The address of a view's first `length` elements in wasm memory, copied into scratch if needed. */
  stage(slot: string, view: Float32Array | Int8Array | Int32Array, length: number, what: string, copyIn?: boolean): number;
  /** Copies the first `length` elements back into `view` if stage() had to copy it. */
  writeBack(view: Float32Array | Int8Array | Int32Array, addr: number, length: number): void;
  /** A Float32Array over the whole memory as it is now. */
  memoryF32(): Float32Array;
  pool(): KernelPool;
  readonly minParallelWork: number;
}
/**
 * Private to src/backend: the native backend builds on a wasm backend through it. Code above the
 * backend layer uses the public `Backend.wasmMemory` capability instead.
 */
export const WASM_INTERNALS = Symbol('eggroll.wasmInternals');

export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  readonly threads: number;
  /** Returns a buffer from allocF32/allocI8/allocI32 to the allocator (pass the view alloc returned). */
  free(view: Float32Array | Int8Array | Int32Array): void;
  /** Stops the worker threads (optional: they never keep the process alive). */
  dispose(): Promise<void>;
  /**
   * Starts the worker threads (if threads > 1) and resolves once they can take jobs. Optional in Node
   * (the first split call waits for them); required in a browser before the first kernel call, since
   * a Web Worker's nested workers start only while it is back in its event loop (loadBackend awaits it).
   */
  ready(): Promise<void>;
  /** How many calls so far were split over the threads (the rest ran on the calling thread alone). */
  readonly parallelCalls: number;
  /** Bytes of wasm memory reserved so far. */
  readonly reservedBytes: number;
  readonly wasmMemory: WasmMemoryCapability;
  readonly [WASM_INTERNALS]: WasmInternals;
}

const MR = 4;
/** The kernel exports a worker may run. */
const POOL_OPS = ['sgemmShared', 'igemmShared', 'lowRankAddShared', 'biasActShared', 'nativeSgemmChunks', 'nativeIgemmRows'] as const;

type View = Float32Array | Int8Array | Int32Array;
type ParallelOp = Exclude<typeof POOL_OPS[number], 'nativeSgemmChunks' | 'nativeIgemmRows'>;

/**
 * One backend instance's kernel state, built in phases so each can be read on its own: the memory and
 * the instantiated module (wasmCore), moving arguments into that memory (staging), splitting large
 * calls over threads (rowParallel), and the four kernels on top (kernelMethods).
 */
interface WasmCore {
  readonly threads: number;
  readonly minWork: number;
  readonly heap: WasmHeap;
  readonly k: KernelExports;
  /** The worker threads, started on first need (the first call large enough to split). */
  pool(): KernelPool;
  dispose(): Promise<void>;
  /** Calls split over the threads so far. */
  parallelCalls: number;
}

/** Phase 1: the shared memory, the kernel module instantiated on it, and a lazily started pool. */
function wasmCore(opts: WasmBackendOptions): WasmCore {
  // Even an explicit count stays within what the platform can run (a browser page without cross-origin
  // isolation, or its main thread: 1); Node has no limit.
  const threads = Math.max(1, Math.min(kernelThreadLimit(), Math.floor(opts.threads ?? defaultThreads())));
  const module = kernelModule();
  const heap = new WasmHeap(32);
  const k: KernelExports = instantiate(heap.memory);
  // Keep the module's static area (empty today, but AssemblyScript reserves 1 KiB) out of the heap.
  heap.reserveBelow(k.heapBase());
  let pool: KernelPool | undefined;
  return {
    threads,
    minWork: opts.minParallelWork ?? 1 << 22,
    heap,
    k,
    pool: () => (pool ??= new KernelPool(module, heap.memory, threads - 1, POOL_OPS, opts.addonPath)),
    parallelCalls: 0,
    async dispose() {
      await pool?.close();
      pool = undefined;
    },
  };
}

/**
 * Phase 2: zero copy where possible. An array in our memory is passed by address; any other is copied
 * into per-argument scratch (one per slot, reused across calls) and outputs are copied back.
 */
function staging(heap: WasmHeap): Pick<WasmInternals, 'stage' | 'writeBack'> {
  const scratch = new Map<string, Scratch>();
  let u32: Uint32Array | undefined;
  let f32: Float32Array | undefined;
  const slotScratch = (slot: string): Scratch => {
    let s = scratch.get(slot);
    if (!s) scratch.set(slot, (s = new Scratch(heap)));
    return s;
  };
  return {
    /** The address of `view`'s first `length` elements in wasm memory, copying it there if needed. */
    stage(slot: string, view: View, length: number, what: string, copyIn = true): number {
      if (view.length < length) throw new RangeError(`wasm backend: ${what} has ${view.length} elements, needs ${length}`);
      if (heap.owns(view)) return view.byteOffset;
      const bytes = length * view.BYTES_PER_ELEMENT;
      const p = slotScratch(slot).get(bytes);
      if (copyIn && bytes > 0) {
        if (length <= 4096 && view.BYTES_PER_ELEMENT === 4) {
          // Small arrays (a batch's row → pair map, every step of a rollout): an element loop through
          // cached views allocates nothing, where two fresh Uint8Array views per call would.
          if (!u32 || u32.buffer !== heap.buffer) { u32 = new Uint32Array(heap.buffer); f32 = new Float32Array(heap.buffer); }
          const o = p >>> 2;
          if (view instanceof Float32Array) for (let i = 0; i < length; i++) f32![o + i] = view[i];
          else for (let i = 0; i < length; i++) u32[o + i] = view[i];
        } else {
          new Uint8Array(heap.buffer, p, bytes).set(new Uint8Array(view.buffer, view.byteOffset, bytes));
        }
      }
      return p;
    },
    /** Copies an output back if it was staged. */
    writeBack(view: View, p: number, length: number): void {
      if (heap.owns(view) || length === 0) return;
      const bytes = length * view.BYTES_PER_ELEMENT;
      new Uint8Array(view.buffer, view.byteOffset, bytes).set(new Uint8Array(heap.buffer, p, bytes));
    },
  };
}

/** Runs `op` over `rows` rows: on this thread alone, or split over all threads (see rowParallel). */
type RowParallel = (rows: number, work: number, op: ParallelOp, args: (chunk: number, t: number) => number[], single: () => void) => void;

/**
 * Phase 3: multi-threaded calls. Every thread (this one included) runs the same *Shared export, which
 * takes chunks of rows from a counter in wasm memory until none are left (dynamic scheduling copes with
 * a busy shared machine better than fixed ranges). t is the thread index, for per-thread scratch. Small
 * calls (under minWork multiply-adds, or too few rows to share) stay on the calling thread.
 */
function rowParallel(core: WasmCore, counter: number): RowParallel {
  const { threads, minWork, heap, k } = core;
  return (rows, work, op, args, single) => {
    if (threads === 1 || work < minWork || rows < 2 * MR) {
      single();
      return;
    }
    // Chunks small enough to balance (≥ 4 per thread), at most 64 rows (one packed A block).
    const chunk = Math.min(64, Math.max(MR, Math.ceil(rows / (threads * 4) / MR) * MR));
    const p = core.pool();
    core.parallelCalls++;
    Atomics.store(heap.i32(counter, 1), 0, 0);
    for (let t = 1; t < threads; t++) p.start(t - 1, op, args(chunk, t));
    try {
      (k[op] as (...a: number[]) => void)(...args(chunk, 0));
    } finally {
      p.waitAll();
    }
  };
}

/** Phase 4: the kernels — stage the arguments, pack op(B) once per call, run (maybe split), copy back. */
function kernelMethods(core: WasmCore, io: ReturnType<typeof staging>, scratch: { apack: Scratch[]; bpack: Scratch; gemvAcc: Scratch },
  counter: number, parallel: RowParallel): Pick<Backend, 'sgemm' | 'sgemv' | 'lowRankAdd' | 'biasAct' | 'igemm'> {
  const { k } = core;
  const { stage: addr, writeBack } = io;
  const { apack, bpack, gemvAcc } = scratch;
  return {
    sgemm(transA, transB, m, n, kk, alpha, a, b, beta, c) {
      if (m <= 0 || n <= 0) return;
      const pa = addr('a', a, m * kk, 'A');
      const pb = addr('b', b, kk * n, 'B');
      const pc = addr('c', c, m * n, 'C', beta !== 0);
      const pbp = bpack.get(k.bpackBytes(kk, n));
      k.packB(transB ? 1 : 0, kk, n, pb, pbp);
      const ta = transA ? 1 : 0;
      const apackBytes = k.apackBytes(kk, n);
      parallel(m, m * n * kk, 'sgemmShared',
        (chunk, t) => [counter, chunk, m, ta, n, kk, alpha, pa, m, pbp, beta, pc, apack[t].get(apackBytes)],
        () => k.sgemmPacked(ta, 0, m, n, kk, alpha, pa, m, pbp, beta, pc, apack[0].get(apackBytes)));
      writeBack(c, pc, m * n);
    },

    sgemv(trans, m, n, alpha, a, x, beta, y) {
      if (m < 0 || n < 0) return;
      const outLen = trans ? n : m;
      const inLen = trans ? m : n;
      if (outLen === 0) return;
      const pa = addr('a', a, m * n, 'A');
      const px = addr('x', x, inLen, 'x');
      const py = addr('y', y, outLen, 'y', beta !== 0);
      if (trans) k.sgemvT(0, n, m, n, alpha, pa, px, beta, py, gemvAcc.get(n * 4));
      else k.sgemvN(0, m, n, alpha, pa, px, beta, py);
      writeBack(y, py, outLen);
    },

    lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, y) {
      if (rows <= 0 || m <= 0) return;
      let pairs = 0;
      for (let i = 0; i < rows; i++) if (coef[i] !== 0 && pair[i] + 1 > pairs) pairs = pair[i] + 1;
      const px = addr('x', x, rows * n, 'X');
      const pbt = addr('bt', bt, pairs * r * n, 'Bt');
      const pat = addr('at', at, pairs * r * m, 'At');
      const pp = addr('pair', pair, rows, 'pair');
      const pcf = addr('coef', coef, rows, 'coef');
      const py = addr('y', y, rows * m, 'Y');
      parallel(rows, rows * r * (n + m), 'lowRankAddShared',
        (chunk) => [counter, chunk, rows, n, m, r, px, pbt, pat, pp, pcf, py],
        () => k.lowRankAdd(0, rows, n, m, r, px, pbt, pat, pp, pcf, py));
      writeBack(y, py, rows * m);
    },

    biasAct(act, rows, m, y, bias, pair, noise, coef) {
      if (rows <= 0 || m <= 0) return;
      const code = ACT_CODE[act];
      if (code === undefined) throw new RangeError(`biasAct: unknown activation ${act}`);
      const py = addr('y', y, rows * m, 'Y');
      const pb = addr('bias', bias, m, 'bias');
      let pp = 0, pn = 0, pcf = 0;
      if (noise && coef && pair) {
        let pairs = 0;
        for (let i = 0; i < rows; i++) {
          if (coef[i] === 0) continue;
          if (!(pair[i] >= 0)) throw new RangeError(`biasAct: row ${i} has pair ${pair[i]}; pairs are ≥ 0`);
          if (pair[i] + 1 > pairs) pairs = pair[i] + 1;
        }
        pp = addr('pair', pair, rows, 'pair');
        pn = addr('noise', noise, pairs * m, 'noise');
        pcf = addr('coef', coef, rows, 'coef');
      }
      // ~30 operations per element for tanh; worth threads only for large blocks.
      parallel(rows, rows * m * 32, 'biasActShared',
        (chunk) => [counter, chunk, rows, m, code, py, pb, pp, pn, pcf],
        () => k.biasAct(0, rows, m, code, py, pb, pp, pn, pcf));
      writeBack(y, py, rows * m);
    },

    igemm(m, n, kk, a, b, c) {
      if (m <= 0 || n <= 0) return;
      const pa = addr('ia', a, m * kk, 'A');
      const pb = addr('ib', b, n * kk, 'B');
      const pc = addr('ic', c, m * n, 'C', false);
      const pbp = bpack.get(k.ipackBBytes(kk, n));
      k.ipackB(n, kk, pb, pbp);
      const apackBytes = k.iapackBytes(kk);
      parallel(m, m * n * kk, 'igemmShared',
        (chunk, t) => [counter, chunk, m, n, kk, pa, pbp, pc, apack[t].get(apackBytes)],
        () => k.igemmPacked(0, m, n, kk, pa, pbp, pc, apack[0].get(apackBytes)));
      writeBack(c, pc, m * n);
    },
  };
}

export function createWasmBackend(opts: WasmBackendOptions = {}): WasmBackend {
  const core = wasmCore(opts);
  const { heap, k, threads } = core;
  // Per-thread A packing scratch, one B packing and one GEMV accumulator; the staging scratch is per argument.
  const scratch = { apack: Array.from({ length: threads }, () => new Scratch(heap)), bpack: new Scratch(heap), gemvAcc: new Scratch(heap) };
  const io = staging(heap);
  const counter = heap.alloc(64); // the row-chunk counter the threads share
  const parallel = rowParallel(core, counter);

  return {
    name: 'wasm',
    threads,
    ...kernelMethods(core, io, scratch, counter, parallel),

    allocF32: (length) => heap.f32(heap.alloc(length * 4), length),
    allocI8: (length) => heap.i8(heap.alloc(length), length),
    allocI32: (length) => heap.i32(heap.alloc(length * 4), length),

    free(view) {
      if (!heap.owns(view)) throw new Error('wasm backend: free() of an array that was not allocated here');
      heap.free(view.byteOffset);
    },

    dispose: () => core.dispose(),

    ready: async () => {
      if (threads > 1) await core.pool().whenReady();
    },

    get parallelCalls() {
      return core.parallelCalls;
    },

    get reservedBytes() {
      return heap.reservedBytes;
    },

    wasmMemory: {
      memory: heap.memory,
      owns: (view) => heap.owns(view),
      staticBytes: k.heapBase(),
    },

    [WASM_INTERNALS]: {
      ...io,
      memoryF32: () => new Float32Array(heap.buffer),
      pool: core.pool,
      minParallelWork: core.minWork,
    },
  };
}
