/** GRPO as a reasoning-run method (run.ts): engine sampling, tfjs gradients, the engine's Adam; loaded only for GRPO runs. */
import type { Backend } from '../backend/types.js';
import { saveCheckpoint, loadCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import { ParamSet } from '../nn/params.js';
import { inference, type Population } from '../es/population.js';
import { applyUpdate, finishStep, initOptimizerState, type OptimizerConfig, type OptimizerState } from '../es/optim.js';
import { checkTensors, modelTensorsExpected } from '../parallel/trainer.js';
import { RecurrentLm, type LmConfig } from './model.js';
import { initAdapters, parseTune, tunedSpecs } from './tune.js';
import { sampleBatch } from './sample.js';
import { decode, encode } from './vocab.js';
import { rewardOf, type ReasonTask } from './tasks/index.js';
import type { Problem } from './tasks/types.js';
import { stepProblems } from './es-task.js';
import { groupAdvantages, grpoBatch, grpoLoss, tokenLogprobs } from './grpo.js';
import { gradients } from './pretrain.js';
import { initTf, TfLm } from './tf-model.js';
import type { ReasonRunConfig } from './config.js';
import type { Method } from './method.js';

const GRPO_OPTIMIZER: OptimizerConfig = { kind: 'adam' };

export interface GroupSamples {
  /** Prompt tokens per row (row r answers problem ⌊r / group⌋). */
  prompts: Int32Array[];
  completions: Int32Array[];
  tokens: number;
  rewards: number[];
  correct: number;
}

/**
 * Rollouts of `problems` × c.group completions each, sampled on the engine (the same code and settings as
 * EGGROLL's members, unperturbed) with the sampling stream keyed by (c.seed, step, row), and their verified rewards.
 */
export function sampleGroups(lm: RecurrentLm, pop: Population, task: ReasonTask, problems: readonly Problem[],
  c: Pick<ReasonRunConfig, 'seed' | 'group' | 'temperature' | 'formatReward'>, step: number): GroupSamples {
  const rows = problems.length * c.group;
  const prompts = Array.from({ length: rows }, (_, r) => encode(problems[Math.floor(r / c.group)].prompt));
  const { completions, tokens } = sampleBatch(lm, pop.unperturbed(rows), prompts, {
    maxNew: task.maxNewTokens, temperature: c.temperature, seed: c.seed, rowKey: (r) => [step, r],
  });
  let correct = 0;
  const rewards = completions.map((comp, r) => {
    const v = task.verify(problems[Math.floor(r / c.group)], decode(comp));
    if (v.correct) correct++;
    return rewardOf(v, c.formatReward);
  });
  return { prompts, completions, tokens, rewards, correct };
}

export async function grpoMethod(c: ReasonRunConfig, cfg: LmConfig, base: Float32Array[], task: ReasonTask, backend: Backend): Promise<Method> {
  // The gradient step on tfjs: its own WebGPU backend (on the same adapter) with --backend webgpu, else wasm.
  await initTf(c.backend === 'webgpu' ? 'webgpu' : 'wasm');
  // Only the tune choice's part is differentiated and updated (the same part EGGROLL perturbs).
  const specs = tunedSpecs(cfg, parseTune(c.tune, cfg.layers));
  const params = new ParamSet(specs, backend);
  base.forEach((v, i) => params.values[i].set(v));
  initAdapters(params, c.seed);
  const model = new TfLm(cfg, params.values, specs);
  const trainable = model.trainable;
  // The reference is the starting model (with zero-product adapters it equals the base).
  const ref = c.kl > 0 ? new TfLm(cfg, params.values, specs) : undefined;
  const opt: OptimizerState = initOptimizerState(GRPO_OPTIMIZER, params.values.map((v) => v.length));
  const rows = c.prompts * c.group;
  const lm = new RecurrentLm(cfg, params, backend, rows);
  const pop = inference(params, backend);
  const want = modelTensorsExpected(specs, 0);
  specs.forEach((s, i) => {
    want.set(`opt/m/${s.name}`, { dtype: 'F32', count: opt.m[i].length });
    want.set(`opt/v/${s.name}`, { dtype: 'F32', count: opt.v[i].length });
  });
  return {
    params,
    async step(step) {
      const { prompts, completions, tokens, rewards, correct } = sampleGroups(lm, pop, task, stepProblems(task, c.seed, step, c.prompts), c, step);
      const adv = groupAdvantages(rewards, c.group);
      const batch = grpoBatch(prompts, completions, adv);
      let loss = 0, updates = 0;
      if (adv.some((a) => a !== 0)) {
        const old = await tokenLogprobs(model, batch);
        const refLp = ref ? await tokenLogprobs(ref, batch) : undefined;
        for (let e = 0; e < c.epochs; e++) {
          const g = await gradients(model, () => grpoLoss(model, batch, old, refLp, c.clip, c.kl), trainable);
          loss = g.loss;
          g.grads.forEach((gi, i) => {
            if (specs[i].mode === 'frozen') return;
            for (let j = 0; j < gi.length; j++) gi[j] = -gi[j]; // the optimiser ascends
            applyUpdate(GRPO_OPTIMIZER, opt, i, params.values[i], gi, c.grpoLr);
          });
          finishStep(opt);
          model.assign(params.values);
          updates++;
        }
      }
      return { reward: rewards.reduce((a, b) => a + b, 0), correct, tokens, extra: { loss, updates } };
    },
    save(dir, step, state) {
      const tensors = params.toTensors('param/');
      specs.forEach((s, i) => {
        tensors[`opt/m/${s.name}`] = { dtype: 'F32', shape: [opt.m[i].length], data: opt.m[i] };
        tensors[`opt/v/${s.name}`] = { dtype: 'F32', shape: [opt.v[i].length], data: opt.v[i] };
      });
      saveCheckpoint(dir, { generation: step, state: { ...state, optimizerStep: opt.step, seed: c.seed }, tensors });
    },
    resume(dir, log) {
      const ck: Checkpoint = loadCheckpoint(dir, { check: (k, f) => checkTensors(k, f, want), log });
      params.loadTensors(ck.tensors, 'param/');
      specs.forEach((s, i) => {
        opt.m[i].set(ck.tensors[`opt/m/${s.name}`].data as Float32Array);
        opt.v[i].set(ck.tensors[`opt/v/${s.name}`].data as Float32Array);
      });
      opt.step = Number(ck.state.optimizerStep ?? 0);
      model.assign(params.values);
      return { step: ck.generation, state: ck.state };
    },
    async close() {
      model.dispose();
      ref?.dispose();
    },
  };
}
