/**
 * A custom environment works with worker threads (issue 28 item 7): registered with { module: import.meta.url },
 * each worker imports that module before building the task, and the training is bit-identical to one thread; a
 * custom environment registered without it is refused with one line saying how, instead of a worker's
 * "unknown environment".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../examples/point-mass-env.js';
import { loadBackend } from '../../src/backend/index.js';
import { Trainer } from '../../src/parallel/trainer.js';
import { BASE_PRESET } from '../../src/rl/presets.js';
import { createTask, registerEnv, rlTaskRef, strategyFor, taskOptionsFor, type RlRunConfig, type EnvDefinition } from '../../src/rl/index.js';
import { pointMass } from '../../examples/custom-env.js';

const config: RlRunConfig = { ...BASE_PRESET, env: 'PointMass-v0', seed: 3, workers: 2, backend: 'wasm', pop: 32, hidden: [8], gens: 2 };

async function train(workers: number): Promise<number[]> {
  const backend = await loadBackend('wasm');
  const options = taskOptionsFor(config);
  const trainer = await Trainer.create({ task: createTask(options, backend), taskRef: rlTaskRef(options), strategy: strategyFor(config), backend, backendChoice: 'wasm', workers });
  try {
    const means: number[] = [];
    for (let g = 0; g < 3; g++) means.push((await trainer.step()).meanFitness);
    return means;
  } finally {
    await trainer.close();
  }
}

test('a custom environment registered with its module trains on 2 worker threads, bit-identical to 1', async () => {
  const two = await train(2);
  assert.deepEqual(two, await train(1));
  assert.ok(two.every(Number.isFinite));
});

test('a custom environment registered without its module: a clear error before any worker starts', () => {
  const copy: EnvDefinition = { ...pointMass, id: 'PointMassNoModule-v0', aliases: [] };
  registerEnv(copy);
  assert.throws(() => rlTaskRef(taskOptionsFor({ ...config, env: 'PointMassNoModule-v0' })), /registered without \{ module \}.*registerEnv\(def, \{ module: import\.meta\.url \}\)/);
});
