import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LmConfig } from '../../src/reason/model.js';
import { ES_AUX } from '../../src/reason/es-task.js';
import { evaluateWholeAndSliced } from '../helpers/reason-es.js';
import { VOCAB_SIZE } from '../../src/reason/vocab.js';

const cfg: LmConfig = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };

test("EGGROLL task: a member's fitness depends only on the member, not on the slice evaluated with it", () => {
  const pop = 16;
  const { fitness: whole, aux: wholeAux } = evaluateWholeAndSliced(cfg, { popSize: pop, group: 4, temperature: 1, formatReward: 0.1, seed: 2 }, [[0, 6], [6, 10], [10, 16]]);
  for (let m = 0; m < pop; m++) {
    assert.ok(whole[m] === 0 || whole[m] === 0.1 || whole[m] === 1, `reward ${whole[m]}`);
    assert.ok(wholeAux[m * ES_AUX] >= 1, 'every member generated tokens');
  }
});
