/**
 * `--backend webgpu` (Node): the `Backend` interface on a WebGPU device. The interface is synchronous and a GPU's
 * results arrive asynchronously, so the device lives on a thread of its own (thread.ts) and each call blocks on a
 * shared word until that thread has run it (calls.ts: the staging and the calls, shared with the browser's
 * sync.browser.ts). Every call is a round trip — a correctness path that lets any Backend user run on the GPU's
 * arithmetic; the device-resident runs (es/device-eggroll.ts, egg/device.ts) are the fast path.
 */
import { receiveMessageOnPort, MessageChannel, Worker } from 'node:worker_threads';
import { facadeBackend, type GpuCall, type WebGpuBackend } from './calls.js';
import { prepareVulkanEnvironment } from './gpu.js';

export type { WebGpuBackend } from './calls.js';

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
  return facadeBackend(ready, call, async () => {
    port1.close();
    await worker.terminate();
  });
}
