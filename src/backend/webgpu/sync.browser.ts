/**
 * `loadBackend('webgpu')` in a browser: the synchronous facade (calls.ts) with the device in a Web Worker of its own
 * (device-worker.ts, bundled beside the library as eggroll-webgpu-device.js). The caller blocks on a shared word
 * (Atomics.wait) while that worker runs each call, which a browser allows only off the page's main thread and with
 * SharedArrayBuffer, i.e. in a Web Worker of a cross-origin-isolated page (COOP/COEP headers; `eggroll serve` sends
 * them). On a page's main thread use the device-resident API instead (openWebGpu, DeviceEggroll), which never blocks.
 */
import { CTRL_BYTES, facadeBackend, type GpuCall, type WebGpuBackend } from './calls.js';

export type { WebGpuBackend } from './calls.js';

/** The device worker's file, next to the library's bundle (scripts/build-browser.mjs ENTRY_POINTS). */
const DEVICE_WORKER = './eggroll-webgpu-device.js';

/** The parts of a Web Worker used here (this project's tsconfig has no DOM library). */
interface WebWorker {
  onmessage: ((e: { data: { type: string; adapter?: string; software?: boolean; message?: string } }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(m: unknown): void;
  terminate(): void;
}
type WorkerConstructor = new (url: URL, opts: { type: 'module'; name: string }) => WebWorker;

export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  const g = globalThis as { WorkerGlobalScope?: unknown; crossOriginIsolated?: boolean; document?: unknown; Worker?: WorkerConstructor };
  if (g.WorkerGlobalScope === undefined || g.document !== undefined) {
    throw new Error("backend 'webgpu' blocks its caller until the GPU answers, which a page's main thread may not do: load it in a Web Worker, or use the device-resident API (openWebGpu, DeviceEggroll) on the page");
  }
  if (!g.crossOriginIsolated) throw new Error("backend 'webgpu' needs SharedArrayBuffer: serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp; eggroll serve does)");
  const ctrl = new SharedArrayBuffer(CTRL_BYTES);
  const flag = new Int32Array(ctrl, 0, 2);
  if (!g.Worker) throw new Error("backend 'webgpu' starts its device in a nested Web Worker, and this worker cannot start one");
  const worker = new g.Worker(new URL(DEVICE_WORKER, import.meta.url), { type: 'module', name: 'eggroll-webgpu-device' });
  const ready = await new Promise<{ adapter: string; software: boolean }>((resolve, reject) => {
    worker.onmessage = (e) => {
      if (e.data.type === 'ready') resolve({ adapter: e.data.adapter!, software: e.data.software! });
      else reject(new Error(`webgpu: ${e.data.message}`));
    };
    worker.onerror = (e) => reject(new Error(`webgpu: the device worker (${DEVICE_WORKER}) did not start: ${e.message || 'not found next to the library bundle?'}`));
    worker.postMessage({ type: 'open', ctrl });
  });
  worker.onmessage = null;
  const call = (c: GpuCall) => {
    Atomics.store(flag, 0, 0);
    worker.postMessage({ type: 'call', call: c });
    Atomics.wait(flag, 0, 0);
    if (Atomics.load(flag, 0) === 2) {
      const text = new TextDecoder().decode(new Uint8Array(ctrl, 8, Atomics.load(flag, 1)).slice());
      throw new Error(`webgpu: ${text || 'the device worker failed'}`);
    }
  };
  return facadeBackend(ready, call, async () => worker.terminate());
}
