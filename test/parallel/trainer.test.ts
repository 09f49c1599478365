import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js.js';
import { Trainer } from '../../src/parallel/trainer.js';
import type { StrategyConfig } from '../../src/es/strategy.js';
import { createTask } from '../fixtures/regression-task.js';
import { splitMembers } from '../../src/parallel/pool.js';
import { tempDir } from '../helpers/temp.js';

const options = { popSize: 16, batch: 8 };
const strategy: StrategyConfig = { algo: 'eggroll', popSize: 16, rank: 2, sigma: 0.05, lr: 0.03, optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed: 5 };
const taskRef = { module: new URL('../fixtures/regression-task.ts', import.meta.url).href, options };

async function run(workers: number, gens: number, resumeFrom?: string, saveTo?: string) {
  const trainer = await Trainer.create({ task: createTask(options, jsBackend), taskRef, strategy, backend: jsBackend, backendChoice: 'js', workers });
  if (resumeFrom) trainer.resume(resumeFrom);
  const fit: number[] = [];
  while (trainer.generation < gens) fit.push((await trainer.step()).meanFitness);
  if (saveTo) trainer.save(saveTo);
  await trainer.close();
  return { values: trainer.params.values.map((v) => Array.from(v)), state: Array.from(trainer.setup.task.state()), fit };
}

test('member ranges split on pair boundaries and cover the population', () => {
  assert.deepEqual(splitMembers(10, 3, 2), [[0, 2], [2, 6], [6, 10]]);
  assert.deepEqual(splitMembers(4, 8, 2), [[0, 2], [2, 4]]);
  assert.deepEqual(splitMembers(7, 2, 1), [[0, 3], [3, 7]]);
});

test('1 worker and 2 workers give bit-identical parameters and task state', async () => {
  const a = await run(1, 4);
  const b = await run(2, 4);
  assert.deepEqual(b.values, a.values);
  assert.deepEqual(b.state, a.state);
  assert.ok(a.fit[3] > a.fit[0], `fitness improves: ${a.fit}`);
});

test('resuming from a checkpoint reaches the same parameters as an uninterrupted run', async () => {
  const dir = tempDir('trainer-');
  const straight = await run(1, 6);
  await run(1, 3, undefined, dir);
  const resumed = await run(2, 6, dir);
  assert.deepEqual(resumed.values, straight.values);
  assert.deepEqual(resumed.state, straight.state);
});
