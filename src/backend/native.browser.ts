/**
 * The browser's native.ts, put in its place by the browser bundle (scripts/build-browser.mjs): there is
 * no N-API addon in a page, so the native backend and the addon's kernels report themselves missing,
 * and `auto` and the noise kernels fall back to wasm (same bits).
 */
import type * as NodeNative from './native.js';

export type { NativeAddon } from './native.js';

const MISSING = 'the native backend is not available in the browser';

export function loadNativeAddon(): NodeNative.NativeAddon {
  throw new Error(MISSING);
}

export function createNativeBackend(): ReturnType<typeof NodeNative.createNativeBackend> {
  throw new Error(MISSING);
}

// Compile-time check that the names importers use exist with the same types.
type Api = Pick<typeof NodeNative, 'loadNativeAddon' | 'createNativeBackend'>;
const _sameApi: Api = { loadNativeAddon, createNativeBackend };
void _sameApi;
