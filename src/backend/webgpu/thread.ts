/**
 * The thread that owns the WebGPU device for the synchronous facade (sync.ts): it takes one call at a time from
 * its port, runs it on the device (operands in the shared staging buffer the call names, results written back
 * there), and wakes the waiting caller through the shared control word. Every device thread of the process takes
 * one lock around its device's work, so one device works at a time. Errors go back as a message the caller
 * reads synchronously (receiveMessageOnPort) once woken.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { GpuKernels } from './compute.js';
import { runCall, type GpuCall } from './calls.js';
import { deviceLock } from '../platform.js';

const { ctrl, replies } = workerData as { ctrl: SharedArrayBuffer; replies: MessagePort };
const flag = new Int32Array(ctrl);

function done(error?: string): void {
  if (error) replies.postMessage({ error });
  Atomics.store(flag, 0, error ? 2 : 1);
  Atomics.notify(flag, 0);
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
    locked(() => runCall(gpu, call)).then(() => done(), (e: Error) => done(e.message));
  });
  parentPort!.postMessage({ type: 'ready', adapter: gpu.gpu.adapterName, software: gpu.gpu.software });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: (e as Error).message });
}
