import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { inference } from '../../src/es/population.js';
import { EvolutionStrategy } from '../../src/es/strategy.js';
import { initLm, lmSpecs, RecurrentLm, type LmConfig } from '../../src/reason/model.js';
import { initAdapters, parseTune, tunedCount, tunedSpecs } from '../../src/reason/tune.js';
import { OPTIONAL_DEFAULTS, resolveReasonConfig, populationOf, type ReasonRunConfig } from '../../src/reason/config.js';
import { ES_AUX, ReasonEsTask } from '../../src/reason/es-task.js';
import { Countdown } from '../../src/reason/tasks/index.js';
import { saveLm, loadLm } from '../../src/reason/weights.js';
import { runReason } from '../../src/reason/run.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { readJsonl } from '../../src/io/metrics.js';
import { InputError } from '../../src/io/input-error.js';
import { VOCAB_SIZE } from '../../src/reason/vocab.js';
import { tempDir } from '../helpers/temp.js';
import { evaluateWholeAndSliced } from '../helpers/reason-es.js';

const cfg: LmConfig = { dim: 16, hidden: 24, layers: 2, vocab: VOCAB_SIZE };
const V = VOCAB_SIZE;

test('tune choices: the tuned matrices, the adapters\' shapes and the dimension d', () => {
  const tuned = (t: string) => tunedSpecs(cfg, parseTune(t, cfg.layers)).filter((s) => s.mode !== 'frozen').map((s) => `${s.name}[${s.shape}]`);
  // Every matrix but the embedding, as EGGROLL has always perturbed them.
  assert.deepEqual(tuned('all'), lmSpecs(cfg).filter((s) => s.mode === 'lowrank').map((s) => `${s.name}[${s.shape}]`));
  assert.deepEqual(tuned('head'), [`head.w[${V},16]`]);
  assert.deepEqual(tuned('blocks:1'), ['b1.gru.w[32,16]', 'b1.mlp.w1[24,16]', 'b1.mlp.w2[16,24]', `head.w[${V},16]`]);
  assert.deepEqual(tuned('lora:2').slice(0, 2), ['b0.gru.w.lora.u[32,2]', 'b0.gru.w.lora.v[2,16]']);
  const lora = tunedSpecs(cfg, parseTune('lora:2', cfg.layers));
  // The base tensors keep their order (their noise ids), frozen; the adapters come after them.
  assert.deepEqual(lora.slice(0, lmSpecs(cfg).length).map((s) => s.name), lmSpecs(cfg).map((s) => s.name));
  assert.ok(lora.slice(0, lmSpecs(cfg).length).every((s) => s.mode === 'frozen'));
  // d = R · Σ (out + in) over the 7 matrices.
  const sides = 2 * ((32 + 16) + (24 + 16) + (16 + 24)) + (V + 16);
  assert.equal(tunedCount(lora), 2 * sides);
  assert.equal(tunedCount(tunedSpecs(cfg, parseTune('head', 2))), V * 16);
  for (const bad of ['some', 'blocks:0', 'blocks:3', 'lora:0', 'lora:x', 'head:1']) assert.throws(() => parseTune(bad, 2), InputError, bad);
  assert.throws(() => parseTune('blocks:3', 2), /K in \[1, 2\]/);
});

/** Logits of `rows` prompts (one token each, then a second) under the parameter set. */
function logits(params: ParamSet, c: LmConfig): Float32Array {
  const lm = new RecurrentLm(c, params, jsBackend, 3);
  const batch = inference(params, jsBackend).unperturbed(3);
  const out = new Float32Array(3 * c.vocab * 2);
  lm.step(batch, [1, 5, 9], out.subarray(0, 3 * c.vocab));
  lm.step(batch, [4, 2, 7], out.subarray(3 * c.vocab));
  return out;
}

test('lora:R starts exactly at the base model (U = 0) and moves away from it once U is not zero', () => {
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 3);
  const lora = new ParamSet(tunedSpecs(cfg, parseTune('lora:3', cfg.layers)), jsBackend);
  base.values.forEach((v, i) => lora.values[i].set(v));
  initAdapters(lora, 9);
  assert.ok(lora.get('b0.mlp.w1.lora.v').some((x) => x !== 0), 'V is random');
  assert.ok(lora.get('b0.mlp.w1.lora.u').every((x) => x === 0), 'U starts at zero');
  const a = logits(base, cfg), b = logits(lora, cfg);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  assert.equal(diff, 0);
  lora.get('b1.mlp.w2.lora.u')[5] = 0.5;
  const c = logits(lora, cfg);
  assert.ok(c.some((x, i) => x !== a[i]), 'a non-zero adapter changes the logits');
});

test('the adapted layer adds (x·Vᵀ)·Uᵀ: the engine model equals the base model with W + U·V merged', () => {
  const lora = new ParamSet(tunedSpecs(cfg, parseTune('lora:2', cfg.layers)), jsBackend);
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 5);
  base.values.forEach((v, i) => lora.values[i].set(v));
  initAdapters(lora, 1);
  for (const s of lora.specs) if (s.name.endsWith('.lora.u')) lora.get(s.name).forEach((_, j, u) => { u[j] = 0.05 * ((j % 7) - 3); });
  // Merge: W ← W + U·V, for every matrix.
  const merged = new ParamSet(lmSpecs(cfg), jsBackend);
  base.values.forEach((v, i) => merged.values[i].set(v));
  for (const s of lmSpecs(cfg).filter((x) => x.mode === 'lowrank')) {
    const [out, inp] = s.shape, W = merged.get(s.name), U = lora.get(`${s.name}.lora.u`), Vm = lora.get(`${s.name}.lora.v`);
    for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) { let t = 0; for (let r = 0; r < 2; r++) t += U[o * 2 + r] * Vm[r * inp + i]; W[o * inp + i] += t; }
  }
  const a = logits(lora, cfg), b = logits(merged, cfg);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4, `logit ${i}: ${a[i]} vs ${b[i]}`);
});

test('the tfjs twin with adapters gives the engine\'s log-probabilities, and GRPO differentiates only the tuned part', async () => {
  const { initTf, TfLm } = await import('../../src/reason/tf-model.js');
  const { gradients } = await import('../../src/reason/pretrain.js');
  await initTf();
  const specs = tunedSpecs(cfg, parseTune('lora:2', cfg.layers));
  const params = new ParamSet(specs, jsBackend);
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 5);
  base.values.forEach((v, i) => params.values[i].set(v));
  initAdapters(params, 1);
  for (const s of specs) if (s.name.endsWith('.lora.u')) params.get(s.name).forEach((_, j, u) => { u[j] = 0.03 * ((j % 5) - 2); });
  const model = new TfLm(cfg, params.values, specs);
  const tokens = Int32Array.from([1, 4, 5, 2, 9, 7]); // row r: the first and second tokens logits() feeds it
  const lp = await model.logprobs(tokens, 3, 2).data();
  const engine = logits(params, cfg); // logits after the first token of each row
  for (let r = 0; r < 3; r++) {
    const row = engine.subarray(r * V, r * V + V);
    let mx = -Infinity; for (const x of row) mx = Math.max(mx, x);
    let z = 0; for (const x of row) z += Math.exp(x - mx);
    const want = row[tokens[r * 2 + 1]] - mx - Math.log(z);
    assert.ok(Math.abs(lp[r] - want) < 1e-4, `row ${r}: ${lp[r]} vs ${want}`);
  }
  assert.equal(model.trainable.length, specs.filter((s) => s.mode !== 'frozen').length);
  const { grads } = await gradients(model, () => model.logprobs(tokens, 3, 2).sum().neg() as never, model.trainable);
  specs.forEach((s, i) => {
    if (s.mode === 'frozen') assert.ok(grads[i].every((g) => g === 0), `${s.name} is frozen`);
  });
  assert.ok(grads[specs.findIndex((s) => s.name === 'head.w.lora.u')].some((g) => g !== 0), 'the head adapter has a gradient');
  model.dispose();
});

test('ES with several prompts and samples per member: fitness is the mean reward of its rows, independent of the slice', () => {
  const pop = 8;
  const { fitness: whole, aux: wholeAux } = evaluateWholeAndSliced(cfg, { popSize: pop, group: 4, memberPrompts: 3, samples: 2, temperature: 1, formatReward: 0.1, seed: 2, tune: 'lora:1' }, [[0, 3], [3, 8]]);
  for (let m = 0; m < pop; m++) {
    // A mean of 6 rewards, each 0, 0.1 or 1: a multiple of 0.1/6 in [0, 1].
    assert.ok(whole[m] >= 0 && whole[m] <= 1);
    assert.ok(Math.abs(Math.round(whole[m] * 60) - whole[m] * 60) < 1e-9, `fitness ${whole[m]}`);
    assert.ok(wholeAux[m * ES_AUX + 1] <= 6 && wholeAux[m * ES_AUX] >= 6, 'six completions per member');
  }
});

test('--shared-sampling: a group\'s members draw the same random numbers, so at a negligible σ they answer alike', () => {
  const base = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(base, 7);
  const pop = 16, group = 8;
  const fitnessOf = (sharedSampling: boolean) => {
    const task = new ReasonEsTask({ cfg, base: base.values, task: new Countdown(), popSize: pop, group, samples: 2, temperature: 1.5, formatReward: 0.1, seed: 5, sharedSampling }, jsBackend);
    const params = new ParamSet(task.specs, jsBackend);
    task.init(params);
    const es = new EvolutionStrategy(params, jsBackend, { algo: 'eggroll', popSize: pop, rank: 1, sigma: 1e-30, lr: 0.01, optimizer: { kind: 'adam' }, shaping: { kind: 'group', groupSize: group }, seed: 2 });
    const f = new Float64Array(pop), aux = new Float64Array(pop * ES_AUX);
    task.evaluate(es.ask(), f, aux);
    return Array.from(aux.filter((_, i) => i % ES_AUX === 0)); // completion tokens per member
  };
  const shared = fitnessOf(true), own = fitnessOf(false);
  for (let g = 0; g < pop; g += group) assert.equal(new Set(shared.slice(g, g + group)).size, 1, `group ${g / group}: ${shared}`);
  assert.ok(new Set(own).size > 2, `own streams differ: ${own}`);
});

test('settings: population, recipe and the checks between them', () => {
  const model = cfg;
  const s = {
    algo: 'eggroll' as const, task: 'countdown' as const, base: 'b', steps: 1, formatReward: 0.1, sigma: 0.02, sigmaDecay: 1, rank: 1, esLr: 0.001, esLrDecay: 1,
    esOptimizer: 'adam' as const, grpoLr: 1e-4, clip: 0.2, kl: 0, epochs: 2, evalEvery: 10, evalCount: 256, checkpointEvery: 10, seed: 1, backend: 'js' as const, workers: 1,
  };
  const c = resolveReasonConfig({ ...s, prompts: 32, memberPrompts: 4, group: 8 }, new Set(['prompts', 'memberPrompts', 'group']), model);
  assert.equal(populationOf(c), 64);
  const qiu = resolveReasonConfig({ ...s, recipe: 'qiu' }, new Set(['recipe']), model);
  assert.equal(populationOf(qiu), 30);
  assert.deepEqual([qiu.sigma, qiu.esOptimizer, qiu.antithetic, qiu.esShaping, qiu.memberPrompts, qiu.prompts, qiu.temperature], [0.001, 'sgd', false, 'zscore', 32, 32, 0]);
  // Their α = 5e-4 on (1/N)·Σ zε is our lr on σ/√N·Σ zε.
  assert.ok(Math.abs(qiu.esLr * qiu.sigma / Math.sqrt(30) - 5e-4 / 30) < 1e-15);
  // More prompts: still one group answering all of them.
  const wide = resolveReasonConfig({ ...s, recipe: 'qiu', prompts: 64 }, new Set(['recipe', 'prompts']), model);
  assert.deepEqual([populationOf(wide), wide.memberPrompts], [30, 64]);
  // A flag given beside the recipe wins.
  assert.equal(resolveReasonConfig({ ...s, recipe: 'qiu', sigma: 0.01 }, new Set(['recipe', 'sigma']), model).sigma, 0.01);
  assert.throws(() => resolveReasonConfig({ ...s, prompts: 30, memberPrompts: 4 }, new Set(['prompts', 'memberPrompts']), model), /multiple of --member-prompts/);
  assert.throws(() => resolveReasonConfig({ ...s, samples: 4 }, new Set(['samples']), model), /--samples 4 needs --temperature > 0/);
  assert.throws(() => resolveReasonConfig({ ...s, sharedSampling: true }, new Set(['sharedSampling']), model), /--shared-sampling needs --temperature > 0/);
  assert.throws(() => resolveReasonConfig({ ...s, algo: 'grpo', samples: 2 }, new Set(['samples']), model), /--samples applies to --algo eggroll or openes only/);
  assert.throws(() => resolveReasonConfig({ ...s, algo: 'openes', rank: 2 }, new Set(['rank']), model), /--rank applies to --algo eggroll only/);
  assert.throws(() => resolveReasonConfig({ ...s, tune: 'lora:1', rank: 2 }, new Set(['tune', 'rank']), model), /--rank must be in \[1, 1\]/);
  assert.throws(() => resolveReasonConfig({ ...s, tune: 'blocks:5' }, new Set(['tune']), model), /K in \[1, 2\]/);
  assert.throws(() => resolveReasonConfig({ ...s, tune: 'head', backend: 'webgpu' }, new Set(['tune', 'backend']), model), /--backend webgpu runs --algo eggroll with --tune all/);
});

const root = tempDir('reason-tune-');
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const small: LmConfig = { dim: 16, hidden: 24, layers: 2, vocab: VOCAB_SIZE };
const basePath = join(root, 'base.safetensors');
{
  const p = new ParamSet(lmSpecs(small), jsBackend);
  initLm(p, 4);
  saveLm(basePath, small, p.values, { made_by: 'test' });
}
const config = (algo: 'eggroll' | 'openes' | 'grpo', steps: number, extra: Partial<ReasonRunConfig> = {}): ReasonRunConfig => ({
  algo, task: 'addition', base: basePath, steps, prompts: 2, group: 4, temperature: 1, formatReward: 0.1,
  sigma: 0.05, sigmaDecay: 1, rank: 1, esLr: 0.01, esLrDecay: 1, esOptimizer: 'adam', grpoLr: 0.01, clip: 0.2, kl: 0, epochs: 1,
  evalEvery: 2, evalCount: 4, checkpointEvery: 2, seed: 3, backend: 'js', workers: 1, ...OPTIONAL_DEFAULTS, ...extra,
});
function outputs(dir: string) {
  const rows = readJsonl(join(dir, 'metrics.jsonl')).map(({ seconds: _s, rss_mb: _r, ...rest }) => rest);
  const ck = loadCheckpoint(join(dir, 'checkpoints'));
  const params = Object.fromEntries(Object.entries(ck.tensors).filter(([k]) => k.startsWith('param/')).map(([k, t]) => [k.slice(6), Array.from(t.data as Float32Array)]));
  return { rows, params, generation: ck.generation };
}
/** Names of the checkpoint's parameters that differ from the base model's (adapters: from their start). */
function moved(dir: string): string[] {
  const base = loadLm(basePath);
  const names = lmSpecs(base.cfg).map((s) => s.name);
  const p = outputs(dir).params;
  return Object.keys(p).filter((k) => {
    const i = names.indexOf(k);
    return i >= 0 ? p[k].some((x, j) => x !== base.values[i][j]) : k.endsWith('.lora.u') && p[k].some((x) => x !== 0);
  }).sort();
}

for (const [algo, tune] of [['eggroll', 'blocks:1'], ['grpo', 'head'], ['eggroll', 'lora:1'], ['grpo', 'lora:2'], ['openes', 'head']] as const) {
  test(`${algo} --tune ${tune}: only the tuned part moves; a resumed run equals a straight one`, async () => {
    const a = join(root, `${algo}-${tune}-a`), c = join(root, `${algo}-${tune}-c`);
    const extra = { tune, ...(algo === 'grpo' ? {} : { memberPrompts: 2, samples: 2 }) };
    await runReason(config(algo, 4, extra), a, false);
    await runReason(config(algo, 2, extra), c, false);
    await runReason(config(algo, 4, extra), c, true);
    assert.deepEqual(outputs(c), outputs(a));
    const m = moved(a);
    const want = tune === 'head' ? ['head.w'] : tune === 'blocks:1' ? ['b1.gru.w', 'b1.mlp.w1', 'b1.mlp.w2', 'head.w'] : null;
    if (want) assert.deepEqual(m, [...want].sort());
    else {
      assert.ok(m.length > 0 && m.every((k) => k.endsWith('.lora.u')), `only adapters move: ${m}`);
      // The adapters are saved with the run.
      assert.ok(Object.keys(outputs(a).params).includes('head.w.lora.v'));
    }
  });
}

test('ES with --tune lora, prompts and samples per member on 2 worker threads gives the 1-thread run, bit for bit', async () => {
  const d1 = join(root, 'w1'), d2 = join(root, 'w2');
  const c = config('eggroll', 2, { tune: 'lora:1', prompts: 6, memberPrompts: 2, samples: 2 });
  await runReason(c, d1, false);
  await runReason({ ...c, workers: 2 }, d2, false);
  assert.deepEqual(outputs(d2), outputs(d1));
});
