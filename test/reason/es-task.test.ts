import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy } from '../../src/es/strategy.js';
import { initLm, lmSpecs, type LmConfig } from '../../src/reason/model.js';
import { ES_AUX, ReasonEsTask } from '../../src/reason/es-task.js';
import { Countdown } from '../../src/reason/tasks/index.js';
import { VOCAB_SIZE } from '../../src/reason/vocab.js';

const cfg: LmConfig = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };

test("EGGROLL task: a member's fitness depends only on the member, not on the slice evaluated with it", () => {
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 7);
  const pop = 16;
  const task = new ReasonEsTask({ cfg, base: base.values, task: new Countdown(), popSize: pop, group: 4, temperature: 1, formatReward: 0.1, seed: 2 }, jsBackend);
  const params = new ParamSet(task.specs, jsBackend);
  task.init(params);
  const es = new EvolutionStrategy(params, jsBackend, { algo: 'eggroll', popSize: pop, rank: 1, sigma: 0.5, lr: 0.01, optimizer: { kind: 'adam' }, shaping: { kind: 'group', groupSize: 4 }, seed: 2 });
  const whole = new Float64Array(pop), wholeAux = new Float64Array(pop * ES_AUX);
  task.evaluate(es.ask(), whole, wholeAux);
  const parts = new Float64Array(pop), partsAux = new Float64Array(pop * ES_AUX);
  for (const [a, b] of [[0, 6], [6, 10], [10, 16]]) task.evaluate(es.ask(a, b), parts, partsAux);
  assert.deepEqual(parts, whole);
  assert.deepEqual(partsAux, wholeAux);
  for (let m = 0; m < pop; m++) {
    assert.ok(whole[m] === 0 || whole[m] === 0.1 || whole[m] === 1, `reward ${whole[m]}`);
    assert.ok(wholeAux[m * ES_AUX] >= 1, 'every member generated tokens');
  }
});
