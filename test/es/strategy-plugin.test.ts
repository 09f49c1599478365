/**
 * Strategies are plug-ins (issue 29): EGGROLL and OpenES are two registered plug-ins, and a third (test/es/
 * sign-strategy.ts) works everywhere by registration alone — EvolutionStrategy, the Trainer with worker threads,
 * `eggroll train --algo` through --import — with no edit anywhere else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy, strategyNames } from '../../src/es/strategy.js';
import { strategyPlugin } from '../../src/es/strategies/index.js';
import type { PerturbedNoiser } from '../../src/es/noiser.js';
import { signEs } from './sign-strategy.js';
import { runCli } from '../helpers/cli.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from '../helpers/temp.js';

const cfg = (algo: string) => ({ algo, popSize: 32, rank: 1, sigma: 0.1, lr: 0.01, optimizer: { kind: 'sgd' as const }, shaping: { kind: 'centered-rank' as const }, seed: 3 });

test('the registry holds eggroll, openes and the test plug-in; an unknown name lists them', () => {
  assert.deepEqual(strategyNames().slice(0, 2), ['eggroll', 'openes']);
  assert.ok(strategyNames().includes('sign-es'));
  assert.equal(strategyPlugin('sign-es'), signEs);
  const params = new ParamSet([{ name: 'x', shape: [4], mode: 'full' }], jsBackend);
  assert.throws(() => new EvolutionStrategy(params, jsBackend, cfg('cma')), /unknown strategy 'cma'; registered: eggroll, openes, sign-es/);
});

test('a plug-in strategy steers ask/tell: its own direction (every entry moves by exactly lr) and its own state', () => {
  const params = new ParamSet([{ name: 'x', shape: [8], mode: 'full' }, { name: 'w', shape: [3, 5], mode: 'lowrank' }], jsBackend);
  const es = new EvolutionStrategy(params, jsBackend, cfg('sign-es'));
  const before = params.values.map((v) => Float32Array.from(v));
  const pop = es.ask();
  assert.ok((pop.noiser as PerturbedNoiser).isDense(1), "the matrix gets the plug-in's dense noise, not EGGROLL's low rank");
  const x = new Float32Array(8);
  const fitness = Float64Array.from({ length: 32 }, (_, m) => -pop.all().vectorFor(0, m, x).reduce((s, v) => s + (v - 1) ** 2, 0));
  es.tell(fitness);
  params.values.forEach((v, pid) => v.forEach((after, i) => assert.ok(Math.abs(Math.abs(after - before[pid][i]) - 0.01) < 1e-6, `param ${pid}[${i}] moved by ${after - before[pid][i]}`)));
  assert.equal((es as unknown as { pluginState: { directions: number } }).pluginState.directions, 2, 'one direction per evolved tensor');
});

test('the built-in plug-ins give the bits they gave before the registry (a fixed-seed EGGROLL and OpenES step)', () => {
  // The parameters' bytes after one tell, from the switch-based strategy this registry replaced (commit d5ddb56).
  const before: Record<string, string[]> = {
    'eggroll': [
      '60c8ff3e29b2ff3e641d003fc9c9ff3ef5eaff3ee6c2ff3e5b1d003fad34003ff112003f4522003f1632003f9b07003f3d0b003fb4c1ff3e05bfff3ecafeff3ee6f8ff3e8ee6ff3ec416003f1ad7ff3eb902003f6a00003f0728003fed18003f',
      'be2b003ff12b003f6128003f1f4b003f'
    ],
    'openes': [
      '52f1ff3e871c003fb3b4ff3e0920003f7ac1ff3e8d36003f5017003ff6b4ff3e501c003f9c0f003f06b6ff3e26f9ff3ea93c003fcee9ff3ee7d0ff3ef0c5ff3e25fbff3eb0e7ff3e5927003fbdfaff3e47f9ff3e790d003f4215003fffdeff3e',
      'be2b003ff12b003f6128003f1f4b003f'
    ]
  };
  for (const algo of ['eggroll', 'openes']) {
    const params = new ParamSet([{ name: 'w', shape: [6, 4], mode: 'lowrank' }, { name: 'b', shape: [4], mode: 'full' }], jsBackend);
    params.values.forEach((v) => v.fill(0.5));
    const es = new EvolutionStrategy(params, jsBackend, { ...cfg(algo), rank: 2 });
    const pop = es.ask();
    const out = new Float32Array(4);
    const fitness = Float64Array.from({ length: 32 }, (_, m) => pop.all().vectorFor(1, m, out).reduce((s, v, i) => s + v * (i + 1), 0));
    es.tell(fitness);
    assert.deepEqual(params.values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')), before[algo], algo);
  }
});

test('eggroll train --algo sign-es --import: the plug-in trains on two worker threads with the bits of one thread', async () => {
  const root = tempDir('eggroll-plugin-');
  const args = ['train', 'cartpole', '--algo', 'sign-es', '--import', 'test/es/sign-strategy.ts', '--pop', '16', '--gens', '2', '--hidden', '4', '--eval-episodes', '1', '--quiet', '--json'];
  const one = await runCli([...args, '--out', join(root, 'one')]);
  assert.equal(one.code, 0, one.stderr);
  const two = await runCli([...args, '--workers', '2', '--out', join(root, 'two')]);
  assert.equal(two.code, 0, two.stderr);
  const a = loadCheckpoint(join(root, 'one', 'checkpoints')).tensors, b = loadCheckpoint(join(root, 'two', 'checkpoints')).tensors;
  for (const k of Object.keys(a)) assert.deepEqual(Buffer.from(a[k].data.buffer), Buffer.from(b[k].data.buffer), k);
});
