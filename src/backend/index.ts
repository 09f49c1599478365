/**
 * Backend selection. `auto` picks the fastest backend that loads here; the others are tried in order
 * of expected speed and each failure is reported in one line by the caller.
 */
import type { Backend, BackendName } from './types.js';
import { jsBackend } from './js.js';

export type { Backend, BackendName } from './types.js';
export { jsBackend } from './js.js';

export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'js', 'wasm', 'native'];

type Loader = () => Promise<Backend>;
let wasmInstance: Backend | undefined;
let nativeInstance: Backend | undefined;
/** How each backend is loaded; lazy, so an unused backend costs nothing at start-up. */
const loaders = new Map<BackendName, Loader>([
  ['js', async () => jsBackend],
  // One shared instance per process: its memory holds the tensors, its threads start on first need.
  ['wasm', async () => (wasmInstance ??= (await import('./wasm.js')).createWasmBackend())],
  ['native', async () => (nativeInstance ??= (await import('./native.js')).createNativeBackend())],
]);


/** Preference order for `auto`: fastest first. */
const AUTO_ORDER: BackendName[] = ['native', 'wasm', 'js'];

export async function loadBackend(choice: BackendChoice = 'auto', onNote?: (line: string) => void): Promise<Backend> {
  if (choice !== 'auto') {
    const load = loaders.get(choice);
    if (!load) throw new Error(`backend '${choice}' is not available in this build (available: ${[...loaders.keys()].join(', ')})`);
    return load();
  }
  for (const name of AUTO_ORDER) {
    const load = loaders.get(name);
    if (!load) continue;
    try {
      return await load();
    } catch (e) {
      onNote?.(`backend ${name} unavailable (${(e as Error).message}); trying the next one`);
    }
  }
  return jsBackend;
}
