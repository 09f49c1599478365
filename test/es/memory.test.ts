import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy } from '../../src/es/strategy.js';

test('generations give their noise buffers back: wasm kernel memory does not grow with the generation count', async (t) => {
  let backend;
  try {
    backend = await loadBackend('wasm');
  } catch {
    t.skip('wasm backend not built');
    return;
  }
  const params = new ParamSet([{ name: 'w', shape: [64, 64], mode: 'lowrank' }, { name: 'b', shape: [64], mode: 'full' }], backend);
  const run = (algo: 'eggroll' | 'openes', gens: number) => {
    const es = new EvolutionStrategy(params, backend, { algo, popSize: 128, rank: 2, sigma: 0.1, lr: 0.01, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 1 });
    const f = new Float64Array(128);
    for (let g = 0; g < gens; g++) {
      es.ask();
      es.ask(32, 96).release();
      es.ask(0, 64); // left to tell() to release
      for (let i = 0; i < 128; i++) f[i] = Math.sin(i + g);
      es.tell(f);
    }
  };
  run('openes', 5);
  run('eggroll', 5);
  const before = backend.allocF32(1).buffer.byteLength;
  // OpenES caches 64 pairs × 4160 floats ≈ 1 MiB of dense noise per generation: 300 generations would
  // add ~300 MiB if nothing were freed.
  run('openes', 300);
  run('eggroll', 300);
  const after = backend.allocF32(1).buffer.byteLength;
  assert.ok(after <= before + 8 * 2 ** 20, `kernel memory grew from ${before} to ${after} bytes`);
});
