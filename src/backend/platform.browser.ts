/**
 * The browser's platform.ts, put in its place by the browser bundle (scripts/build-browser.mjs). The
 * wasm files are inlined into the bundle (esbuild's binary loader), so nothing is fetched or read at
 * run time; there are no environment variables, and the backend runs its kernels on the calling
 * thread only (kernel threads over Web Workers are not built yet: with `isMainThread` false the kernel
 * choice gives one thread).
 */
import kernelsWasm from '../../build/kernels.wasm';
import noiseWasm from '../../build/noise.wasm';
import eggWasm from '../../build/egg.wasm';
import type * as NodePlatform from './platform.js';

export const PLATFORM: 'node' | 'browser' = 'browser';

const NO_ENV: Readonly<Record<string, string | undefined>> = Object.freeze({});

export function environment(): Readonly<Record<string, string | undefined>> {
  return NO_ENV;
}

/** False: the kernel choice then uses one kernel thread (see above). */
export const isMainThread: boolean = false;

export function cores(): number {
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

const BUILT: Record<string, Uint8Array> = { 'kernels.wasm': kernelsWasm, 'noise.wasm': noiseWasm, 'egg.wasm': eggWasm };

export function readBuiltFile(url: URL): Uint8Array {
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const bytes = BUILT[name];
  if (!bytes) throw new Error(`${name} is not part of the browser bundle`);
  return bytes;
}

/** The kernel pool never starts a thread here (one kernel thread); constructing one is a bug. */
export class Worker {
  constructor() {
    throw new Error('kernel worker threads are not available in the browser build');
  }
}

// Compile-time check that this module offers what the Node one does (no run-time import).
type Api = Pick<typeof NodePlatform, 'environment' | 'cores' | 'readBuiltFile' | 'PLATFORM' | 'isMainThread'>;
const _sameApi: Api = { environment, cores, readBuiltFile, PLATFORM, isMainThread };
void _sameApi;
