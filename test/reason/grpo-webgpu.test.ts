/**
 * GRPO with --backend webgpu: tfjs's own WebGPU backend (@tensorflow/tfjs-backend-webgpu, optional) on this process's
 * adapter — in Node Dawn's, SwiftShader here — for the gradient step. The tfjs loss equals the plain reference, a
 * step raises the rewarded completion's likelihood, and a short `runReason` with GRPO on webgpu repeats bit for bit.
 * Its own file: tfjs's backend is chosen once per process (the other reason tests run it on wasm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jsBackend, openWebGpu } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { initLm, lmSpecs, type LmConfig } from '../../src/reason/model.js';
import { ADV_EPS, groupAdvantages, grpoBatch, grpoLoss, grpoLossRef, tokenLogprobs } from '../../src/reason/grpo.js';
import { initTf, TfLm } from '../../src/reason/tf-model.js';
import { gradients } from '../../src/reason/pretrain.js';
import { encode, VOCAB_SIZE } from '../../src/reason/vocab.js';
import { saveLm } from '../../src/reason/weights.js';
import { runReason } from '../../src/reason/run.js';
import { readJsonl } from '../../src/io/metrics.js';
import { OPTIONAL_DEFAULTS, type ReasonRunConfig } from '../../src/reason/config.js';
import { tempDir } from '../helpers/temp.js';

let why = '';
const gpu = await openWebGpu().catch((e: Error) => { why = e.message; return undefined; });
const skip = gpu ? false : `no WebGPU adapter here: ${why}`;
const cfg: LmConfig = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };
void ADV_EPS;

test('tfjs runs GRPO on its webgpu backend: the loss equals the reference, a step raises the rewarded answer, a run repeats bit for bit', { skip, timeout: 240_000 }, async () => {
  assert.equal(await initTf('webgpu'), 'webgpu');
  assert.throws(() => initTf('wasm'), /tfjs already runs on its webgpu backend in this process; asked for wasm/);
  const p = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(p, 9);
  const model = new TfLm(cfg, p.values);
  const b = grpoBatch([encode('4+4='), encode('4+4=')], [encode('8\n'), encode('9\n')], groupAdvantages([1, 0], 2));
  const before = await tokenLogprobs(model, b);
  const old = before.map((v, i) => v + (i % 2 ? 0.3 : -0.3));
  const loss = grpoLoss(model, b, old, undefined, 0.2, 0);
  const want = grpoLossRef(b, before, old, undefined, 0.2, 0);
  const got = (await loss.data())[0];
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  loss.dispose();
  const { grads } = await gradients(model, () => grpoLoss(model, b, before, undefined, 0.2, 0));
  p.values.forEach((v, i) => { for (let j = 0; j < v.length; j++) v[j] -= 0.05 * grads[i][j]; });
  model.assign(p.values);
  const after = await tokenLogprobs(model, b);
  const W = b.T - 1;
  assert.ok(after[3] > before[3], 'the rewarded answer became more likely');
  assert.ok(after[W + 3] < before[W + 3], 'the unrewarded answer became less likely');
  model.dispose();

  // A short run through the CLI's path (sampling on the engine's webgpu facade, the step on tfjs-webgpu), twice.
  const root = tempDir('reason-grpo-webgpu-');
  const basePath = join(root, 'base.safetensors');
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 4);
  saveLm(basePath, cfg, base.values, { made_by: 'test' });
  const config: ReasonRunConfig = {
    algo: 'grpo', task: 'addition', base: basePath, steps: 2, prompts: 2, group: 4, temperature: 1, formatReward: 0.1,
    sigma: 0.05, sigmaDecay: 1, rank: 1, esLr: 0.01, esLrDecay: 1, esOptimizer: 'adam', grpoLr: 0.01, clip: 0.2, kl: 0.01, epochs: 2,
    evalEvery: 2, evalCount: 4, checkpointEvery: 2, seed: 3, backend: 'webgpu', workers: 1, ...OPTIONAL_DEFAULTS,
  };
  const rows = (d: string) => readJsonl(join(d, 'metrics.jsonl')).map(({ seconds: _s, rss_mb: _r, ...rest }) => rest);
  await runReason(config, join(root, 'a'), false);
  await runReason(config, join(root, 'b'), false);
  assert.deepEqual(rows(join(root, 'a')), rows(join(root, 'b')));
});
