/**
 * Backend selection. `auto` picks the fastest backend that loads here; the others are tried in order
 * of expected speed and each failure is reported in one line by the caller.
 */
import type { Backend, BackendName } from './types.js';
import { jsBackend } from './js.js';
import { canAwaitThreadsBlocking } from './platform.js';

export type { Backend, BackendName } from './types.js';
export { jsBackend } from './js.js';
export { PLATFORM } from './platform.js';

export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'js', 'wasm', 'native'];

/** How a backend is loaded beyond its name. */
export interface LoadOptions {
  /** Kernel threads, the calling one included (wasm only; default: kernel-choice.ts decides). */
  threads?: number;
}

/** `explicit`: the user named this backend (so native may load even if its row-contract check failed). */
type Loader = (explicit: boolean, opts: LoadOptions) => Promise<Backend>;
/** Keyed by the thread count asked for ('default': kernel-choice's). */
const wasmInstances = new Map<number | 'default', Backend>();
let nativeInstance: Backend | undefined;
/** How each backend is loaded; lazy, so an unused backend costs nothing at start-up. */
const loaders = new Map<BackendName, Loader>([
  ['js', async () => jsBackend],
  // One shared instance per process and thread count: its memory holds the tensors. Its threads start on
  // first need in Node; a browser must have them running before the first kernel call (wasm-pool.ts).
  ['wasm', async (_explicit, opts) => {
    const key = opts.threads ?? 'default';
    let b = wasmInstances.get(key);
    if (!b) wasmInstances.set(key, (b = (await import('./wasm.js')).createWasmBackend({ threads: opts.threads })));
    if (!canAwaitThreadsBlocking) await (b as import('./wasm.js').WasmBackend).ready();
    return b;
  }],
  ['native', async (explicit) => {
    if (nativeInstance && (explicit || !nondeterminism(nativeInstance))) return nativeInstance;
    const { createNativeBackend } = await import('./native.js');
    return (nativeInstance = createNativeBackend({ allowNondeterministic: explicit }));
  }],
]);

/**
 * Why this backend's results may depend on threads or workers (its load-time row-contract check
 * failed), or undefined when the contract holds. Commands record it in config.json.
 */
export function nondeterminism(b: Backend): string | undefined {
  return (b as { nondeterministic?: string }).nondeterministic;
}


/** Preference order for `auto`: fastest first. */
const AUTO_ORDER: BackendName[] = ['native', 'wasm', 'js'];

export async function loadBackend(choice: BackendChoice = 'auto', onNote?: (line: string) => void, opts: LoadOptions = {}): Promise<Backend> {
  if (choice !== 'auto') {
    const load = loaders.get(choice);
    if (!load) throw new Error(`backend '${choice}' is not available in this build (available: ${[...loaders.keys()].join(', ')})`);
    const b = await load(true, opts);
    const why = nondeterminism(b);
    if (why) onNote?.(`warning: backend ${b.name} failed its row-contract check (${why}); proceeding because it was asked for, but results may differ with --workers and threads`);
    return b;
  }
  for (const name of AUTO_ORDER) {
    const load = loaders.get(name);
    if (!load) continue;
    try {
      return await load(false, opts);
    } catch (e) {
      onNote?.(`backend ${name} unavailable (${(e as Error).message}); trying the next one`);
    }
  }
  return jsBackend;
}
