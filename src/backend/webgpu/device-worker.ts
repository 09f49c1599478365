/**
 * The browser's device worker for the synchronous facade (sync.browser.ts): a Web Worker that owns the WebGPU device,
 * runs one call at a time (calls.ts runCall) and wakes the blocked caller through the shared control block — with
 * the error text written there too, since a blocked caller cannot receive a message. Bundled on its own as
 * dist/browser/eggroll-webgpu-device.js (scripts/build-browser.mjs).
 */
import { GpuKernels } from './compute.js';
import { ERROR_BYTES, runCall, type GpuCall } from './calls.js';

type Message = { type: 'open'; ctrl: SharedArrayBuffer } | { type: 'call'; call: GpuCall };

const scope = globalThis as unknown as { onmessage: ((e: { data: Message }) => void) | null; postMessage: (m: unknown) => void };
let flag: Int32Array | undefined;
let text: Uint8Array | undefined;
let gpu: GpuKernels | undefined;
/** Calls run one after another even if one is posted before the last finished (a caller blocks, so none is). */
let queue: Promise<void> = Promise.resolve();

function done(error?: string): void {
  if (error) {
    const bytes = new TextEncoder().encode(error).subarray(0, ERROR_BYTES);
    text!.set(bytes);
    Atomics.store(flag!, 1, bytes.length);
  }
  Atomics.store(flag!, 0, error ? 2 : 1);
  Atomics.notify(flag!, 0);
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'open') {
    flag = new Int32Array(m.ctrl, 0, 2);
    text = new Uint8Array(m.ctrl, 8, ERROR_BYTES);
    GpuKernels.open().then((g) => {
      gpu = g;
      scope.postMessage({ type: 'ready', adapter: g.gpu.adapterName, software: g.gpu.software });
    }, (err: Error) => scope.postMessage({ type: 'error', message: err.message }));
    return;
  }
  queue = queue.then(() => runCall(gpu!, m.call)).then(() => done(), (err: Error) => done(err.message));
};
