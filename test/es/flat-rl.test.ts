/**
 * The flat strategies on a model (es/flat-evolution.ts) through the Trainer: every one of CMA-ES, Sep-CMA-ES, SNES,
 * PGPE and ARS gives the same parameters, strategy state and fitness for 1 and 3 worker threads, and after a resume;
 * a member is evaluated at its candidate (θ + Δ_k = x_k to float32 rounding); `train --algo snes` learns CartPole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsBackend } from '../../src/backend/js.js';
import { Trainer } from '../../src/parallel/trainer.js';
import { FLAT_ALGOS, FlatEvolution } from '../../src/es/flat-evolution.js';
import { ParamSet } from '../../src/nn/params.js';
import type { StrategyConfig } from '../../src/es/strategy.js';
import { createTask } from '../fixtures/regression-task.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const options = { popSize: 16, batch: 8 };
const taskRef = { module: new URL('../fixtures/regression-task.ts', import.meta.url).href, options };
const config = (algo: string): StrategyConfig => ({ algo, popSize: 16, rank: 1, sigma: 0.05, lr: 0.02, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 5 });

async function run(algo: string, workers: number, gens: number, resumeFrom?: string, saveTo?: string) {
  const trainer = await Trainer.create({ task: createTask(options, jsBackend), taskRef, strategy: config(algo), backend: jsBackend, backendChoice: 'js', workers });
  if (resumeFrom) trainer.resume(resumeFrom);
  const fit: number[] = [];
  while (trainer.generation < gens) fit.push((await trainer.step()).meanFitness);
  if (saveTo) trainer.save(saveTo);
  await trainer.close();
  const flat = trainer.es instanceof FlatEvolution ? Object.fromEntries(Object.entries(trainer.es.exportState()).map(([k, v]) => [k, Array.from(v)])) : {};
  return { values: trainer.params.values.map((v) => Array.from(v)), flat, fit };
}

for (const algo of FLAT_ALGOS) {
  test(`${algo} through the Trainer: 1 and 3 workers bit-identical; a resumed run equals a straight one; the fitness improves`, async () => {
    const a = await run(algo, 1, 6), b = await run(algo, 3, 6);
    assert.deepEqual(b.values, a.values);
    assert.deepEqual(b.flat, a.flat);
    assert.deepEqual(b.fit, a.fit);
    assert.ok(Math.max(...a.fit.slice(3)) > a.fit[0], `${algo}: fitness ${a.fit}`);
    const dir = tempDir(`flat-${algo}-`);
    await run(algo, 1, 3, undefined, dir);
    const resumed = await run(algo, 2, 6, dir);
    assert.deepEqual(resumed.values, a.values);
    assert.deepEqual(resumed.flat, a.flat);
  });
}

test('a member is evaluated at its candidate: θ + Δ_k is the strategy\'s x_k to float32 rounding; frozen tensors are left out', () => {
  const params = new ParamSet([{ name: 'w', shape: [2, 3], mode: 'full' }, { name: 'b', shape: [2], mode: 'frozen' }, { name: 'c', shape: [4], mode: 'full' }], jsBackend);
  params.values[0].set([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]);
  const es = new FlatEvolution(params, jsBackend, config('sep-cma-es'));
  assert.equal(es.D, 10);
  const pop = es.ask();
  const noiser = pop.noiser as unknown as { denseFor(pid: number, member: number): Float32Array };
  // The strategy's own candidates (its ask() arrays are the ones FlatEvolution read).
  const xs = (es.strategy as unknown as { xBuf: Float64Array[] }).xBuf;
  for (let k = 0; k < 16; k++) {
    const w = noiser.denseFor(0, k), c = noiser.denseFor(2, k);
    const near = (a: number, x: number) => assert.ok(Math.abs(a - x) <= 2 ** -23 * (Math.abs(x) + 1e-30) * 2, `${a} vs ${x}`);
    for (let i = 0; i < 6; i++) near(params.values[0][i] + w[i], xs[k][i]);
    for (let i = 0; i < 4; i++) near(params.values[2][i] + c[i], xs[k][6 + i]);
  }
  assert.throws(() => new FlatEvolution(new ParamSet([{ name: 'b', shape: [2], mode: 'frozen' }], jsBackend), jsBackend, config('snes')), /no evolved parameters/);
});

test('eggroll train cartpole --algo snes learns (evaluation ≥ 400 in 30 generations); a checkpoint holds the strategy\'s state', async () => {
  const dir = tempDir('flat-cartpole-');
  const r = await runCli(['train', 'cartpole', '--algo', 'snes', '--pop', '32', '--gens', '30', '--hidden', '8', '--eval-episodes', '5', '--quiet', '--json', '--out', dir]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(s.algo, 'snes');
  assert.ok(s.eval_mean_return >= 400, `evaluation ${s.eval_mean_return}`);
  const latest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8'));
  const header = readFileSync(join(dir, 'checkpoints', latest.file ?? latest.latest ?? 'gen-0000030.safetensors'));
  assert.ok(header.includes('flat/sigmas') && header.includes('flat/mean'), 'the strategy state is in the checkpoint');
  const bad = await runCli(['train', 'cartpole', '--algo', 'cmaes', '--gens', '1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--algo: must be one of eggroll, openes, cma-es, sep-cma-es, snes, pgpe, ars/);
});
