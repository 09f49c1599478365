/**
 * The synchronous facade's two halves, shared by Node (sync.ts / thread.ts: worker_threads) and the browser
 * (sync.browser.ts / device-worker.ts: Web Workers): `facadeBackend` is the Backend a caller holds — each kernel call
 * copies its operands into a shared staging buffer and hands the call to `call`, which blocks until the device's
 * thread has run it — and `runCall` is what that thread does with a call on its GpuKernels. The GEMMs (f32 and the
 * exact int8 one) and EGGROLL's low-rank term run on the device; the epilogue runs on the calling thread with the
 * reference code (its bits are every backend's, which a GPU's float arithmetic does not promise).
 */
import type { Backend } from '../types.js';
import { jsBackend } from '../js.js';
import type { GpuKernels } from './compute.js';

export type GpuCall =
  | { op: 'sgemm'; staging: SharedArrayBuffer; transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; a: number; b: number; c: number }
  | { op: 'igemm'; staging: SharedArrayBuffer; m: number; n: number; k: number; a: number; b: number; c: number }
  | { op: 'lowRankAdd'; staging: SharedArrayBuffer; rows: number; n: number; m: number; r: number; pairs: number; x: number; bt: number; at: number; pair: number; coef: number; y: number };

export interface WebGpuBackend extends Backend {
  readonly adapter: string;
  readonly softwareAdapter: boolean;
}

/** Runs one call on the device: operands read from, results written to, the staging buffer it names. */
export async function runCall(gpu: GpuKernels, call: GpuCall): Promise<void> {
  if (call.op === 'lowRankAdd') {
    const { staging: s, rows, n, m, r, pairs } = call;
    await gpu.lowRankAdd(rows, n, m, r, new Float32Array(s, call.x, rows * n), new Float32Array(s, call.bt, pairs * r * n), new Float32Array(s, call.at, pairs * r * m),
      new Int32Array(s, call.pair, rows), new Float32Array(s, call.coef, rows), new Float32Array(s, call.y, rows * m));
    return;
  }
  const { staging: s, m, n, k } = call;
  if (call.op === 'sgemm') {
    const c = new Float32Array(s, call.c, m * n);
    await gpu.sgemm(call.transA, call.transB, m, n, k, call.alpha, new Float32Array(s, call.a, m * k), new Float32Array(s, call.b, k * n), call.beta, c);
  } else {
    await gpu.igemm(m, n, k, new Int8Array(s, call.a, m * k), new Int8Array(s, call.b, n * k), new Int32Array(s, call.c, m * n));
  }
}

/**
 * The Backend over a blocking `call` (it returns once the device thread has run the call, or throws its error);
 * `dispose` stops that thread.
 */
export function facadeBackend(info: { adapter: string; software: boolean }, call: (c: GpuCall) => void, dispose: () => Promise<void>): WebGpuBackend {
  let staging = new SharedArrayBuffer(1 << 16);
  const room = (bytes: number) => {
    if (staging.byteLength < bytes) staging = new SharedArrayBuffer(Math.max(bytes, 2 * staging.byteLength));
    return staging;
  };
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const backend: WebGpuBackend = {
    name: 'webgpu',
    adapter: info.adapter,
    softwareAdapter: info.software,
    sgemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      if (m === 0 || n === 0) return;
      const oa = 0, ob = align(m * k * 4), oc = ob + align(k * n * 4);
      const s = room(oc + m * n * 4);
      new Float32Array(s, oa, m * k).set(a.subarray(0, m * k));
      new Float32Array(s, ob, k * n).set(b.subarray(0, k * n));
      const cs = new Float32Array(s, oc, m * n);
      if (beta !== 0) cs.set(c.subarray(0, m * n)); // with beta 0 the kernel never reads C
      call({ op: 'sgemm', staging: s, transA, transB, m, n, k, alpha, beta, a: oa, b: ob, c: oc });
      c.set(cs);
    },
    sgemv(trans, m, n, alpha, a, x, beta, y) {
      // y = alpha·op(A)·x + beta·y is the GEMM with one output column.
      backend.sgemm(trans, false, trans ? n : m, 1, trans ? m : n, alpha, a, x, beta, y);
    },
    lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, y) {
      if (rows === 0 || m === 0) return;
      let pairs = 0;
      for (let i = 0; i < rows; i++) pairs = Math.max(pairs, pair[i] + 1);
      const ox = 0, obt = align(rows * n * 4), oat = obt + align(pairs * r * n * 4), op = oat + align(pairs * r * m * 4);
      const oc = op + align(rows * 4), oy = oc + align(rows * 4);
      const s = room(oy + rows * m * 4);
      new Float32Array(s, ox, rows * n).set(x.subarray(0, rows * n));
      new Float32Array(s, obt, pairs * r * n).set(bt.subarray(0, pairs * r * n));
      new Float32Array(s, oat, pairs * r * m).set(at.subarray(0, pairs * r * m));
      new Int32Array(s, op, rows).set(pair.subarray(0, rows));
      new Float32Array(s, oc, rows).set(coef.subarray(0, rows));
      const ys = new Float32Array(s, oy, rows * m);
      ys.set(y.subarray(0, rows * m));
      call({ op: 'lowRankAdd', staging: s, rows, n, m, r, pairs, x: ox, bt: obt, at: oat, pair: op, coef: oc, y: oy });
      y.set(ys);
    },
    biasAct: (...args) => jsBackend.biasAct(...args),
    igemm(m, n, k, a, b, c) {
      if (m === 0 || n === 0) return;
      const oa = 0, ob = align(m * k), oc = ob + align(n * k);
      const s = room(oc + m * n * 4);
      new Int8Array(s, oa, m * k).set(a.subarray(0, m * k));
      new Int8Array(s, ob, n * k).set(b.subarray(0, n * k));
      call({ op: 'igemm', staging: s, m, n, k, a: oa, b: ob, c: oc });
      c.set(new Int32Array(s, oc, m * n));
    },
    allocF32: (length) => new Float32Array(length),
    allocI8: (length) => new Int8Array(length),
    allocI32: (length) => new Int32Array(length),
    dispose,
  };
  return backend;
}

/**
 * The browser's control block between a caller and its device worker: word 0 the state (0 running, 1 done, 2
 * failed), word 1 the error message's length in bytes, then up to ERROR_BYTES of UTF-8 (a blocked caller cannot
 * receive a message, so the error travels in shared memory).
 */
export const ERROR_BYTES = 4096;
export const CTRL_BYTES = 8 + ERROR_BYTES;
