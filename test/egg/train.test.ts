import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBackend } from '../../src/backend/index.js';
import { EggTrainer, findCheckpoint, type EggConfig } from '../../src/egg/train.js';
import { splitMembers } from '../../src/egg/pool.js';
import { generatePairs, noiseKey } from '../../src/egg/noise.js';
import { tempDir } from '../helpers/temp.js';

const text = new TextEncoder().encode(('\0' + 'In the beginning was the Word, and the Word was with God. ').repeat(40));
const cfg: EggConfig = { layers: 1, width: 16, pop: 16, groupSize: 4, tokens: 12, sigmaShift: 4, alpha: 4, seed: 5 };

async function run(workers: number, steps: number, resumeFrom?: string, saveTo?: string) {
  const backend = await loadBackend('wasm');
  const tr = new EggTrainer(cfg, backend, 'wasm', text, workers);
  if (resumeFrom) {
    const found = findCheckpoint(resumeFrom)!;
    tr.loadModel(found.model, found.file);
  }
  const results = [];
  try {
    while (tr.step < steps) results.push(await tr.trainStep());
  } finally {
    await tr.close();
  }
  if (saveTo) tr.saveCheckpoint(saveTo);
  return { tr, results };
}

test('member ranges are pair-aligned and cover the population', () => {
  assert.deepEqual(splitMembers(16, 3), [[0, 4], [4, 10], [10, 16]]);
  assert.deepEqual(splitMembers(4, 8), [[0, 2], [2, 4]]);
});

test('training is identical for 1 and 2 workers (weights, states, losses)', async () => {
  const a = await run(1, 3), b = await run(2, 3);
  assert.deepEqual(a.tr.params, b.tr.params);
  assert.deepEqual(a.tr.states, b.tr.states);
  assert.deepEqual(a.results.map((r) => [r.pop_bpb, r.moved, r.ties]), b.results.map((r) => [r.pop_bpb, r.moved, r.ties]));
  // The run actually changes the model.
  assert.ok(a.results[0].moved > 0);
  // The noise the update used (written by the evaluations, in workers for b) is the pure function's.
  const want = new Int8Array(a.tr.noiseAll.length);
  generatePairs(a.tr.arch.noise, noiseKey(cfg.seed, 2), 2, 0, cfg.pop / 2, want);
  assert.deepEqual(new Int8Array(a.tr.noiseAll), want);
  assert.deepEqual(new Int8Array(b.tr.noiseAll), want);
});

test('resume is bit-identical: 2 steps + checkpoint + 2 more equals 4 straight', async () => {
  const dir = tempDir('egg-resume-');
  await run(1, 2, undefined, dir);
  const resumed = await run(1, 4, dir);
  const straight = await run(1, 4);
  assert.equal(resumed.tr.step, 4);
  assert.deepEqual(resumed.tr.params, straight.tr.params);
  assert.deepEqual(resumed.tr.states, straight.tr.states);
  assert.deepEqual(resumed.results.map((r) => r.pop_bpb), straight.results.slice(2).map((r) => r.pop_bpb));
});

test('a backend that failed its row-contract check is recorded in config.json as nondeterministic', async () => {
  const { runEgg } = await import('../../src/egg/run.js');
  const { loadCorpus } = await import('../../src/egg/data.js');
  const { jsBackend } = await import('../../src/backend/js.js');
  const { writeFileSync, readFileSync } = await import('node:fs');
  const dir = tempDir('egg-nondet-');
  const text = Array.from({ length: 40 }, (_, i) => `Verse ${i}. In the beginning was the Word, and the Word was with God.`).join('\n\n');
  writeFileSync(join(dir, 'tiny.txt'), text);
  const cfg = { data: join(dir, 'tiny.txt'), layers: 1, width: 4, pop: 4, groupSize: 2, tokens: 4, sigmaShift: 4, alpha: 3, seed: 1, steps: 1, evalEvery: 1, evalBytes: 64, ckptEvery: 1 };
  const backend = { ...jsBackend, nondeterministic: 'sgemm NN 23×19×37, split at row 1: element 0 differs' };
  await runEgg(cfg, join(dir, 'run'), { backend, backendChoice: 'js', workers: 1, corpus: loadCorpus(cfg.data) });
  const written = JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8'));
  assert.match(written.nondeterministic, /split at row 1/);
});
