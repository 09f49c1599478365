/**
 * The browser's platform.ts, put in its place by the browser bundle (scripts/build-browser.mjs). The
 * wasm files are inlined into the bundle (esbuild's binary loader), so nothing is fetched or read at
 * run time, and there are no environment variables. Kernel threads are Web Workers started from a Blob
 * URL, each running the pool's job loop on the same shared memory; they need SharedArrayBuffer (a
 * cross-origin isolated page) and a calling thread that may Atomics.wait (a Web Worker, not the page).
 */
import kernelsWasm from '../../build/kernels.wasm';
import noiseWasm from '../../build/noise.wasm';
import eggWasm from '../../build/egg.wasm';
import type * as NodePlatform from './platform.js';
import type { KernelThread, KernelThreadData } from './platform.js';

export type { KernelThread, KernelThreadData } from './platform.js';

export const PLATFORM: 'node' | 'browser' = 'browser';

const NO_ENV: Readonly<Record<string, string | undefined>> = Object.freeze({});

export function environment(): Readonly<Record<string, string | undefined>> {
  return NO_ENV;
}

/**
 * True: no engine worker pool runs above the backend in a page (the thread that trains is the one that
 * owns the run), so the kernel choice may use all cores — within kernelThreadLimit().
 */
export const isMainThread: boolean = true;

interface BrowserGlobals {
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
}
const g = globalThis as unknown as BrowserGlobals;

export function cores(): number {
  return g.navigator?.hardwareConcurrency ?? 1;
}

/** At most this many kernel threads per backend in a page: the page's own thread and the browser need cores too. */
export const BROWSER_THREAD_CAP = 4;

/**
 * Kernel threads need shared memory between Web Workers (only in a cross-origin isolated page) and a
 * calling thread allowed to Atomics.wait (a worker: the page's main thread may not block). Else 1.
 */
export function kernelThreadLimit(): number {
  return g.crossOriginIsolated === true && g.WorkerGlobalScope !== undefined ? BROWSER_THREAD_CAP : 1;
}

/**
 * False: a browser starts a nested Worker only when its creating thread returns to its event loop, so
 * blocking until the kernel threads are ready would never end. The pool's readiness is awaited
 * (WasmBackend.ready(); loadBackend does it) before any job.
 */
export const canAwaitThreadsBlocking: boolean = false;

const BUILT: Record<string, Uint8Array> = { 'kernels.wasm': kernelsWasm, 'noise.wasm': noiseWasm, 'egg.wasm': eggWasm };

export function readBuiltFile(url: URL): Uint8Array {
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const bytes = BUILT[name];
  if (!bytes) throw new Error(`${name} is not part of the browser bundle`);
  return bytes;
}

interface WebWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
}
interface WebGlobals {
  Worker: new (url: string) => WebWorker;
  Blob: new (parts: string[], opts: { type: string }) => unknown;
  URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
}

let jobLoopUrl: { source: string; url: string } | undefined;

/**
 * A Web Worker running `jobLoop` from a Blob URL (one per source, made once); the module, the shared
 * memory and the control block arrive by postMessage (a WebAssembly.Module and a shared Memory can be
 * posted). The native addon does not exist here (`load` is null).
 */
export function startKernelThread(jobLoop: string, data: KernelThreadData, onError: (message: string) => void): KernelThread {
  const w = globalThis as unknown as WebGlobals;
  if (jobLoopUrl?.source !== jobLoop) {
    const source = `${jobLoop}\nself.onmessage = (e) => { self.onmessage = null; runJobs(e.data, null); };`;
    jobLoopUrl = { source: jobLoop, url: w.URL.createObjectURL(new w.Blob([source], { type: 'text/javascript' })) };
  }
  const worker = new w.Worker(jobLoopUrl.url);
  worker.onerror = (e) => {
    e.preventDefault?.();
    onError(e.message || 'a kernel thread failed to start');
  };
  worker.postMessage(data);
  return worker;
}

// Compile-time check that this module offers what the Node one does (no run-time import).
type Api = Pick<typeof NodePlatform, 'environment' | 'cores' | 'readBuiltFile' | 'PLATFORM' | 'isMainThread' | 'kernelThreadLimit' | 'canAwaitThreadsBlocking' | 'startKernelThread'>;
const _sameApi: Api = { environment, cores, readBuiltFile, PLATFORM, isMainThread, kernelThreadLimit, canAwaitThreadsBlocking, startKernelThread };
void _sameApi;
