/**
 * What the backend needs from its host, in one module so a browser build can swap it whole
 * (platform.browser.ts; scripts/build-browser.mjs substitutes it): the environment variables the
 * kernel choice reads, whether this is the main thread and how many cores there are, the bytes of a
 * built wasm file, and the worker-thread class of the kernel pool. This is the Node version.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread as nodeIsMainThread, Worker } from 'node:worker_threads';

export const PLATFORM: 'node' | 'browser' = 'node';

/** The variables kernel-choice.ts reads (process.env). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

export const isMainThread: boolean = nodeIsMainThread;

export function cores(): number {
  return availableParallelism();
}

/** The bytes of a file made by `npm run build:wasm` (build/*.wasm), addressed by its URL. */
export function readBuiltFile(url: URL): Uint8Array {
  return readFileSync(url);
}

/** The kernel pool's thread class. */
export { Worker };
