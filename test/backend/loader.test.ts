/**
 * loadBackend: each name loads the backend it names, `auto` prefers native and falls back to wasm with
 * one note per backend it skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackend } from '../../src/backend/index.js';
import { loadNativeAddon } from '../../src/backend/native.js';

let nativeAvailable = true;
try {
  loadNativeAddon();
} catch {
  nativeAvailable = false;
}

test('js and wasm load by name; the wasm instance is shared', async () => {
  assert.equal((await loadBackend('js')).name, 'js');
  const w = await loadBackend('wasm');
  assert.equal(w.name, 'wasm');
  assert.equal(await loadBackend('wasm'), w, 'wasm should be one instance per process');
});

test('auto picks native when the addon is built, else wasm with a note', async () => {
  const notes: string[] = [];
  const b = await loadBackend('auto', (l) => notes.push(l));
  if (nativeAvailable) {
    assert.equal(b.name, 'native');
    assert.deepEqual(notes, []);
  } else {
    assert.equal(b.name, 'wasm');
    assert.equal(notes.length, 1);
    assert.match(notes[0], /backend native unavailable \(native addon not built/);
  }
});

test('native by name loads or says how to get it', async () => {
  if (nativeAvailable) assert.equal((await loadBackend('native')).name, 'native');
  else await assert.rejects(loadBackend('native'), /native addon not built \(it needs a C compiler/);
});
