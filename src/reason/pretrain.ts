/**
 * Pretraining the base model with backprop (tfjs): next-character prediction on generated lines of the
 * tasks' pretraining text (always well-formed answers, right only `solvedFraction` of the time), with
 * the engine's Adam (es/optim.ts) on the tfjs gradients, so every step is a deterministic function of
 * the seed. The result writes well-formed answers and solves some problems: the starting point that
 * RL (GRPO or EGGROLL) then improves. With a general text corpus (corpus.ts) a `textFraction` of every batch is
 * lines of that text, drawn at random, under the task lines: a base that has more than the task to draw on.
 */
import { ParamSet } from '../nn/params.js';
import { jsBackend } from '../backend/index.js';
import { applyUpdate, finishStep, initOptimizerState, type OptimizerConfig } from '../es/optim.js';
import { initLm, lmSpecs, type LmConfig } from './model.js';
import { initTf, padBatch, tf, TfLm } from './tf-model.js';
import { encodeIn, EOS } from './vocab.js';
import { makeTask, type TaskName } from './tasks/index.js';
import { cos } from '../math/index.js';
import { namedStream, PhiloxStream } from '../rng/stream.js';

export interface PretrainConfig {
  model: LmConfig;
  tasks: TaskName[];
  steps: number;
  batch: number;
  lr: number;
  /** Fraction of pretraining answers that are right. */
  solvedFraction: number;
  seed: number;
  /** Fraction of each batch's lines that are general text (0: task text only; needs the text lines, model.vocab TEXT_VOCAB_SIZE). */
  textFraction?: number;
}

export interface PretrainStep { step: number; loss: number; seconds: number }

/** How many of a batch's lines are general text. */
export function textLinesPerBatch(c: PretrainConfig): number {
  return Math.round((c.textFraction ?? 0) * c.batch);
}

/**
 * The lines of step `step`: first textLinesPerBatch(c) lines of `text` drawn uniformly (stream (seed, 'ptxt', step)),
 * then the task lines (task line i of the run is task i mod #tasks, line i of that task's text).
 */
export function pretrainBatch(c: PretrainConfig, step: number, text: readonly string[] = []): string[] {
  const tasks = c.tasks.map(makeTask);
  const nText = textLinesPerBatch(c);
  if (nText > 0 && text.length === 0) throw new RangeError('pretrainBatch: textFraction > 0 needs the text lines');
  const nTask = c.batch - nText;
  const rng = new PhiloxStream(namedStream(c.seed, 'ptxt', step));
  const lines = Array.from({ length: nText }, () => text[rng.below(text.length)]);
  for (let b = 0; b < nTask; b++) {
    const i = step * nTask + b;
    lines.push(tasks[i % tasks.length].pretrainLine(c.seed, Math.floor(i / tasks.length), c.solvedFraction));
  }
  return lines;
}

/**
 * Mean negative log-likelihood per predicted character of `lines` (padding excluded), as a scalar tensor.
 * Row b predicts positions 1..len−1 of its line.
 */
export function nllLoss(model: TfLm, lines: readonly string[]): tf.Scalar {
  const seqs = lines.map((l) => encodeIn(l, model.cfg.vocab));
  const { tokens, B, T } = padBatch(seqs, EOS);
  const mask = new Float32Array(B * (T - 1));
  let count = 0;
  seqs.forEach((s, b) => { for (let t = 0; t + 1 < s.length; t++) { mask[b * (T - 1) + t] = 1; count++; } });
  return tf.tidy(() => tf.div(tf.neg(tf.sum(tf.mul(model.logprobs(tokens, B, T), tf.tensor2d(mask, [B, T - 1])))), count)) as tf.Scalar;
}

/**
 * Gradient of `lossFn` for every variable of the model, as Float32Arrays in the model's spec order, and the loss (read
 * back asynchronously: tfjs's webgpu backend has no synchronous read in Node). Only the variables in `only` are
 * differentiated (a tune choice's trainable set); the others get zeros.
 */
export async function gradients(model: TfLm, lossFn: () => tf.Scalar, only: tf.Variable[] = model.vars): Promise<{ loss: number; grads: Float32Array[] }> {
  const { value, grads } = tf.variableGrads(lossFn, only);
  const out = await Promise.all(model.vars.map(async (v) => {
    const g = grads[v.name];
    return g ? Float32Array.from(await g.data() as Float32Array) : new Float32Array(v.size);
  }));
  const loss = (await value.data())[0];
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  return { loss, grads: out };
}

export const PRETRAIN_OPTIMIZER: OptimizerConfig = { kind: 'adam' };

/** Runs the whole pretraining; returns the final parameter values (lmSpecs order). */
export async function pretrain(c: PretrainConfig, onStep?: (s: PretrainStep) => void, text: readonly string[] = []): Promise<Float32Array[]> {
  await initTf();
  const params = new ParamSet(lmSpecs(c.model), jsBackend);
  initLm(params, c.seed);
  const model = new TfLm(c.model, params.values);
  const opt = initOptimizerState(PRETRAIN_OPTIMIZER, params.values.map((v) => v.length));
  const t0 = performance.now();
  try {
    for (let step = 0; step < c.steps; step++) {
      const lines = pretrainBatch(c, step, text);
      const { loss, grads } = await gradients(model, () => nllLoss(model, lines));
      // Cosine decay to 10%: the usual schedule for a short run.
      const lr = c.lr * (0.1 + 0.9 * 0.5 * (1 + cos((Math.PI * step) / c.steps)));
      grads.forEach((g, i) => {
        for (let j = 0; j < g.length; j++) g[j] = -g[j]; // the optimiser ascends; the loss descends
        applyUpdate(PRETRAIN_OPTIMIZER, opt, i, params.values[i], g, lr);
      });
      finishStep(opt);
      model.assign(params.values);
      onStep?.({ step, loss, seconds: (performance.now() - t0) / 1000 });
    }
    return params.values.map((v) => Float32Array.from(v));
  } finally {
    model.dispose();
  }
}
