import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../examples/ask-tell.js';

test('the ask/tell example learns its regression', async () => {
  const { before, after } = await main(60, () => {});
  assert.ok(after < 0.5 * before, `mse ${before} → ${after}`);
});

test('the black-box example minimises a non-differentiable objective of a flat vector', async () => {
  const { main: blackBox } = await import('../examples/black-box.js');
  const { before, after } = await blackBox(200, () => {});
  assert.ok(after < 0.05 * before, `f ${before} → ${after}`);
});

test('a wrong schedule object is named by its field (issue 28 item 8)', async () => {
  const { loadBackend, ParamSet, EvolutionStrategy } = await import('../src/index.js');
  const backend = await loadBackend('js');
  const params = new ParamSet([{ name: 'x', shape: [4], mode: 'full' }], backend);
  const cfg = { algo: 'openes', popSize: 8, rank: 1, lr: 0.01, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 0 } as const;
  assert.throws(() => new EvolutionStrategy(params, backend, { ...cfg, sigma: { kind: 'exp', start: 0.1, decay: 0.99 } as never }), /sigma\.value must be a finite number > 0, got undefined/);
  assert.throws(() => new EvolutionStrategy(params, backend, { ...cfg, sigma: { kind: 'cosine', value: 0.1 } as never }), /sigma\.kind must be 'constant', 'exp' or 'linear', got 'cosine'/);
});

test('the optimize example: the three-line call reaches its target; bounds and integers find 3 layers at lr 0.003', async () => {
  const { main: opt } = await import('../examples/optimize.js');
  const r = await opt(() => {});
  assert.ok(r.first <= 1e-10, `first ${r.first}`);
  assert.equal(r.x[0], 3);
  assert.ok(Math.abs(10 ** r.x[1] - 0.003) < 1e-4, `lr ${10 ** r.x[1]}`);
});
