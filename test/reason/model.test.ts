import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { loadBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { inference } from '../../src/es/population.js';
import { encodeSafetensors, decodeSafetensors } from '../../src/io/safetensors.js';
import { initLm, lmSpecs, RecurrentLm, type LmConfig } from '../../src/reason/model.js';
import { sampleBatch, sequenceLogprobs, drawToken } from '../../src/reason/sample.js';
import { initTf, padBatch, TfLm } from '../../src/reason/tf-model.js';
import { encode, EOS, VOCAB_SIZE } from '../../src/reason/vocab.js';

const cfg: LmConfig = { dim: 32, hidden: 48, layers: 2, vocab: VOCAB_SIZE };
const texts = ['3 5 7>22=3*5+7\n', '12+9=21\n', '4 4 9 2>17=(4+4)*2+', '1'];

test('the same weights give the same log-probabilities in the engine and in tfjs (through safetensors), to 1e-5', async () => {
  const backend = await loadBackend('auto');
  const params = new ParamSet(lmSpecs(cfg), backend);
  initLm(params, 11);
  // Through the file format both sides use.
  const bytes = encodeSafetensors(params.toTensors(), { model: JSON.stringify(cfg) });
  const loaded = decodeSafetensors(bytes);
  const engine = new ParamSet(lmSpecs(cfg), backend);
  engine.loadTensors(loaded.tensors);
  const seqs = texts.map(encode);
  const lm = new RecurrentLm(cfg, engine, backend, seqs.length);
  const ref = sequenceLogprobs(lm, inference(engine, backend).unperturbed(seqs.length), seqs);

  await initTf();
  const tfm = new TfLm(cfg, lmSpecs(cfg).map((s) => loaded.tensors[s.name].data as Float32Array));
  const { tokens, B, T } = padBatch(seqs, EOS);
  const lp = tfm.logprobs(tokens, B, T);
  const got = lp.arraySync() as number[][];
  lp.dispose();
  tfm.dispose();
  let worst = 0;
  seqs.forEach((s, b) => {
    assert.equal(ref[b].length, s.length - 1);
    for (let t = 0; t + 1 < s.length; t++) worst = Math.max(worst, Math.abs(got[b][t] - ref[b][t]));
  });
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
  assert.ok(ref[0].some((v) => v < -0.5), 'an untrained model is uncertain (the comparison is not trivial)');
});

test('sampling is a pure function of the seed and the row keys, whatever the batch', () => {
  const params = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(params, 3);
  const prompts = ['3 5 7>22=', '12+9=', '1 2 3 4>10='].map(encode);
  const run = (ps: Int32Array[], keys: number[], seed: number) => {
    const lm = new RecurrentLm(cfg, params, jsBackend, ps.length);
    return sampleBatch(lm, inference(params, jsBackend).unperturbed(ps.length), ps, { maxNew: 12, temperature: 1, seed, rowKey: (r) => [keys[r]] });
  };
  const a = run(prompts, [0, 1, 2], 5);
  const b = run(prompts, [0, 1, 2], 5);
  assert.deepEqual(a, b);
  // Row 2 alone, with its key, gives the same completion as in the batch of three.
  assert.deepEqual(run([prompts[2]], [2], 5).completions[0], a.completions[2]);
  assert.notDeepEqual(run(prompts, [0, 1, 2], 6).completions, a.completions);
  for (const c of a.completions) {
    assert.ok(c.length >= 1 && c.length <= 12);
    assert.ok(c.slice(0, -1).every((t) => t !== EOS), 'a completion stops at its first newline');
  }
  assert.equal(a.tokens, a.completions.reduce((s, c) => s + c.length, 0));
});

test('drawToken: greedy at temperature 0, inverse CDF otherwise', () => {
  const l = Float32Array.of(0, Math.log(3), 0); // probabilities 1/5, 3/5, 1/5
  assert.equal(drawToken(l, 0, 3, 0, 0.99), 1);
  assert.equal(drawToken(l, 0, 3, 1, 0.1), 0);
  assert.equal(drawToken(l, 0, 3, 1, 0.5), 1);
  assert.equal(drawToken(l, 0, 3, 1, 0.79), 1);
  assert.equal(drawToken(l, 0, 3, 1, 0.81), 2);
  // A high temperature flattens: 1/3 each.
  assert.equal(drawToken(l, 0, 3, 1e6, 0.3), 0);
  assert.equal(drawToken(l, 0, 3, 1e6, 0.34), 1);
});

test('the tfjs twin leaks no tensors across assign and logprobs', async () => {
  await initTf();
  const { tf } = await import('../../src/reason/tf-model.js');
  const p = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(p, 1);
  const m = new TfLm(cfg, p.values);
  const before = tf.memory().numTensors;
  for (let k = 0; k < 3; k++) {
    m.assign(p.values);
    const { tokens, B, T } = padBatch([encode('1+2=3\n')], EOS);
    m.logprobs(tokens, B, T).dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  m.dispose();
});
