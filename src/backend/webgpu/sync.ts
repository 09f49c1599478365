/**
 * `--backend webgpu` (Node): the `Backend` interface on a WebGPU device. The interface is synchronous and a GPU's
 * results arrive asynchronously, so the device lives on a thread of its own (thread.ts) and each call blocks on a
 * shared word until that thread has run it: the GEMMs (f32 and the exact int8 one) on the device, operands through a
 * shared staging buffer, and EGGROLL's low-rank term likewise; the epilogue runs on this thread with the reference
 * code (its bits are every backend's, which a GPU's float arithmetic does not promise). Every call is a round trip — a correctness path that lets every command run on
 * the GPU's arithmetic; the device-resident generation (parameters, noise and optimiser state staying on the GPU, only
 * fitness coming back) is the next step (issue 30).
 */
import { receiveMessageOnPort, MessageChannel, Worker } from 'node:worker_threads';
import type { Backend } from '../types.js';
import { jsBackend } from '../js.js';
import type { GpuCall } from './thread.js';
import { prepareVulkanEnvironment } from './gpu.js';

export interface WebGpuBackend extends Backend {
  readonly adapter: string;
  readonly softwareAdapter: boolean;
}

/** Starts the device thread (tsx-registered when running from the sources) and waits until its device is open. */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  prepareVulkanEnvironment();
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./thread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const ctrl = new SharedArrayBuffer(4);
  const flag = new Int32Array(ctrl);
  const { port1, port2 } = new MessageChannel();
  const workerData = { ctrl, replies: port2 };
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData, transferList: [port2] })
    : new Worker(url, { workerData, transferList: [port2] });
  const ready = await new Promise<{ adapter: string; software: boolean }>((resolve, reject) => {
    worker.once('message', (m: { type: string; adapter?: string; software?: boolean; message?: string }) => {
      if (m.type === 'ready') resolve({ adapter: m.adapter!, software: m.software! });
      else reject(new Error(m.message));
    });
    worker.once('error', reject);
  });
  worker.unref();
  port1.unref();

  let staging = new SharedArrayBuffer(1 << 16);
  const room = (bytes: number) => {
    if (staging.byteLength < bytes) staging = new SharedArrayBuffer(Math.max(bytes, 2 * staging.byteLength));
    return staging;
  };
  /** Posts a call and blocks until the device thread has run it. */
  const call = (c: GpuCall) => {
    Atomics.store(flag, 0, 0);
    worker.postMessage(c);
    Atomics.wait(flag, 0, 0);
    if (Atomics.load(flag, 0) === 2) {
      const reply = receiveMessageOnPort(port1)?.message as { error?: string } | undefined;
      throw new Error(`webgpu: ${reply?.error ?? 'the device thread failed'}`);
    }
  };
  const align = (x: number) => Math.ceil(x / 16) * 16;

  const backend: WebGpuBackend = {
    name: 'webgpu',
    adapter: ready.adapter,
    softwareAdapter: ready.software,
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
    async dispose() {
      port1.close();
      await worker.terminate();
    },
  };
  return backend;
}
