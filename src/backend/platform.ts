/**
 * What the backend needs from its host, in one module so a browser build can swap it whole
 * (platform.browser.ts; scripts/build-browser.mjs substitutes it): the environment variables the
 * kernel choice reads, whether this is the main thread and how many cores there are, the bytes of a
 * built wasm file, and how the kernel pool starts a thread. This is the Node version.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { getEnvironmentData, isMainThread as nodeIsMainThread, setEnvironmentData, Worker } from 'node:worker_threads';

export const PLATFORM: 'node' | 'browser' = 'node';

/** The variables kernel-choice.ts reads (process.env). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

export const isMainThread: boolean = nodeIsMainThread;

export function cores(): number {
  return availableParallelism();
}

const DEVICE_LOCK = 'eggroll:webgpu-device-lock';

/**
 * One lock word for every thread of this process that drives a WebGPU device (webgpu/sync.ts takes it around each
 * call). Dawn with a device per thread, used from several threads at once, hands a call the results of another
 * thread's call or zeros (seen with SwiftShader under --workers 8: ~1 call in 200 wrong). Shared through Node's
 * environment data, which every worker started after this module loads inherits — the main thread loads it before
 * any pool starts, since the backend layer imports it.
 */
export const deviceLock: Int32Array = (() => {
  let sab = getEnvironmentData(DEVICE_LOCK) as SharedArrayBuffer | undefined;
  if (!(sab instanceof SharedArrayBuffer)) {
    sab = new SharedArrayBuffer(4);
    setEnvironmentData(DEVICE_LOCK, sab);
  }
  return new Int32Array(sab);
})();

/** The bytes of a file made by `npm run build:wasm` (build/*.wasm), addressed by its URL. */
export function readBuiltFile(url: URL): Uint8Array {
  return readFileSync(url);
}

/** No limit beyond what kernel-choice.ts decides (EGGROLL_THREADS, the cores). */
export function kernelThreadLimit(): number {
  return Infinity;
}

/**
 * Node may block the calling thread until its kernel threads have started (Atomics.wait): a
 * worker_thread starts without help from its parent's event loop.
 */
export const canAwaitThreadsBlocking: boolean = true;

/** What a kernel thread is started with (structured-cloned to it). */
export interface KernelThreadData {
  readonly module: unknown;
  readonly memory: unknown;
  readonly ctrl: SharedArrayBuffer;
  readonly ops: string[];
  readonly addonPath?: string;
}

export interface KernelThread {
  terminate(): Promise<unknown> | void;
}

/**
 * Starts a kernel thread running `jobLoop` (plain JavaScript defining `runJobs(data, load)`), given
 * `data` and `require` to load the native addon with. `onError` is not used here: a Node worker's
 * failure surfaces as the process's own error, as it always has.
 */
export function startKernelThread(jobLoop: string, data: KernelThreadData, _onError: (message: string) => void): KernelThread {
  const worker = new Worker(`${jobLoop}\nrunJobs(require('node:worker_threads').workerData, require);`, {
    eval: true,
    workerData: data,
    // The worker needs no loader hooks (tsx) and must not inherit --inspect and the like.
    execArgv: [],
    stdout: false,
    stderr: false,
  });
  // Workers block in Atomics.wait between jobs; unref'd, they never keep the process alive.
  worker.unref();
  return worker;
}
