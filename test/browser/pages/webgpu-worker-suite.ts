/**
 * A module Web Worker of the WebGPU page test: `loadBackend('webgpu')` there (the synchronous facade, its device in a
 * nested worker: sync.browser.ts) and the whole conformance suite on that Backend; posts the adapter and each case's
 * result to the page.
 */
import { jsBackend, loadBackend } from '../../../src/backend/index.js';
import { conformanceCases, runCases } from '../../helpers/conformance-cases.js';

const scope = globalThis as unknown as { postMessage: (m: unknown) => void };

try {
  const be = await loadBackend('webgpu');
  const results = await runCases(conformanceCases(be, jsBackend, true));
  scope.postMessage({ backend: be.name, adapter: (be as unknown as { adapter: string }).adapter, results });
} catch (e) {
  scope.postMessage({ error: (e as Error).message });
}
