/**
 * An EGGROLL generation of the reasoning task evaluated whole and in slices (as worker threads would): the test of the
 * Task contract that a member's fitness depends only on the member. Asserts the two agree and returns the whole one.
 */
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy } from '../../src/es/strategy.js';
import { initLm, lmSpecs, type LmConfig } from '../../src/reason/model.js';
import { ES_AUX, ReasonEsTask, type EsTaskOptions } from '../../src/reason/es-task.js';
import { Countdown } from '../../src/reason/tasks/index.js';

export function evaluateWholeAndSliced(cfg: LmConfig, o: Omit<EsTaskOptions, 'cfg' | 'base' | 'task'>, slices: [number, number][]): { fitness: Float64Array; aux: Float64Array } {
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 7);
  const task = new ReasonEsTask({ ...o, cfg, base: base.values, task: new Countdown() }, jsBackend);
  const params = new ParamSet(task.specs, jsBackend);
  task.init(params);
  const es = new EvolutionStrategy(params, jsBackend, { algo: 'eggroll', popSize: o.popSize, rank: 1, sigma: 0.5, lr: 0.01, optimizer: { kind: 'adam' }, shaping: { kind: 'group', groupSize: o.group }, seed: 2 });
  const fitness = new Float64Array(o.popSize), aux = new Float64Array(o.popSize * ES_AUX);
  task.evaluate(es.ask(), fitness, aux);
  const parts = new Float64Array(o.popSize), partsAux = new Float64Array(o.popSize * ES_AUX);
  for (const [a, b] of slices) task.evaluate(es.ask(a, b), parts, partsAux);
  assert.deepEqual(parts, fitness);
  assert.deepEqual(partsAux, aux);
  return { fitness, aux };
}
