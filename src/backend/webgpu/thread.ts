/**
 * The thread that owns the WebGPU device for the synchronous facade (sync.ts): it takes one call at a time from
 * its port, runs it on the device (operands in the shared staging buffer the call names, results written back
 * there), and wakes the waiting caller through the shared control word. Every device thread of the process takes
 * one lock around its device's work, so one device works at a time. Errors go back as a message the caller
 * reads synchronously (receiveMessageOnPort) once woken.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { GpuKernels } from './compute.js';
import { deviceLock } from '../platform.js';

export type GpuCall =
  | { op: 'sgemm'; staging: SharedArrayBuffer; transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; a: number; b: number; c: number }
  | { op: 'igemm'; staging: SharedArrayBuffer; m: number; n: number; k: number; a: number; b: number; c: number }
  | { op: 'lowRankAdd'; staging: SharedArrayBuffer; rows: number; n: number; m: number; r: number; pairs: number; x: number; bt: number; at: number; pair: number; coef: number; y: number };

const { ctrl, replies } = workerData as { ctrl: SharedArrayBuffer; replies: MessagePort };
const flag = new Int32Array(ctrl);

function done(error?: string): void {
  if (error) replies.postMessage({ error });
  Atomics.store(flag, 0, error ? 2 : 1);
  Atomics.notify(flag, 0);
}

async function run(gpu: GpuKernels, call: GpuCall): Promise<void> {
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
 * Runs `work` holding the process's device lock (platform.ts: Dawn's devices on several threads must not work at
 * once). This thread has nothing else to do meanwhile, so it may block while it waits its turn.
 */
async function locked<T>(work: () => Promise<T>): Promise<T> {
  while (Atomics.compareExchange(deviceLock, 0, 0, 1) !== 0) Atomics.wait(deviceLock, 0, 1);
  try {
    return await work();
  } finally {
    Atomics.store(deviceLock, 0, 0);
    Atomics.notify(deviceLock, 0, 1);
  }
}

try {
  const gpu = await locked(() => GpuKernels.open());
  parentPort!.on('message', (call: GpuCall) => {
    locked(() => run(gpu, call)).then(() => done(), (e: Error) => done(e.message));
  });
  parentPort!.postMessage({ type: 'ready', adapter: gpu.gpu.adapterName, software: gpu.gpu.software });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: (e as Error).message });
}
