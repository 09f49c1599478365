/**
 * GRPO (Shao et al. 2024, DeepSeekMath) on tfjs gradients: for each prompt, G completions are sampled;
 * each completion's advantage is its reward minus its group's mean, over the group's standard deviation;
 * the policy maximises the clipped surrogate  min(ρ·A, clip(ρ, 1−ε, 1+ε)·A)  per completion token,
 * ρ = π(o_t)/π_old(o_t), averaged over each completion's tokens and then over completions, minus
 * β·KL(π ‖ π_base) with the k3 estimator exp(r) − r − 1, r = log π_base − log π (the paper's choices).
 * The plain functions below are the reference the tfjs loss is tested against.
 */
import { tf, padBatch, type TfLm } from './tf-model.js';
import { EOS } from './vocab.js';
import { exp } from '../math/index.js';

/** Added to each group's standard deviation (as TRL does), so an all-equal group gives 0, not NaN. */
export const ADV_EPS = 1e-4;

/**
 * Group-relative advantages: rewards in consecutive groups of G; A = (r − mean_g)/(std_g + ADV_EPS) with the
 * sample standard deviation (n − 1), as in DeepSeekMath's and TRL's implementations.
 */
export function groupAdvantages(rewards: ArrayLike<number>, G: number): Float64Array {
  if (!Number.isInteger(G) || G < 2 || rewards.length % G !== 0) throw new RangeError(`groupAdvantages: ${rewards.length} rewards do not split into groups of ${G} (G ≥ 2)`);
  const out = new Float64Array(rewards.length);
  for (let g = 0; g < rewards.length; g += G) {
    let mean = 0;
    for (let i = g; i < g + G; i++) mean += rewards[i];
    mean /= G;
    let v = 0;
    for (let i = g; i < g + G; i++) v += (rewards[i] - mean) ** 2;
    const std = Math.sqrt(v / (G - 1));
    for (let i = g; i < g + G; i++) out[i] = (rewards[i] - mean) / (std + ADV_EPS);
  }
  return out;
}

/** PPO's clipped surrogate for one token: min(ρA, clip(ρ, 1−ε, 1+ε)A). */
export function clippedSurrogate(ratio: number, advantage: number, eps: number): number {
  const clipped = Math.min(Math.max(ratio, 1 - eps), 1 + eps);
  return Math.min(ratio * advantage, clipped * advantage);
}

/** The k3 estimator of KL(π ‖ π_ref) at one token: exp(ref − lp) − (ref − lp) − 1 (≥ 0, unbiased). */
export function klK3(lp: number, refLp: number): number {
  const r = refLp - lp;
  return exp(r) - r - 1;
}

/** A batch of completions laid out for the loss: padded sequences (prompt + completion) and per-token weights. */
export interface GrpoBatch {
  tokens: Int32Array;
  B: number;
  T: number;
  /** B×(T−1): 1/|o_b| at positions predicting completion tokens of row b, else 0 (so a row's weights sum to 1). */
  weight: Float32Array;
  /** B: each completion's advantage. */
  advantage: Float32Array;
}

export function grpoBatch(prompts: readonly Int32Array[], completions: readonly Int32Array[], advantages: ArrayLike<number>): GrpoBatch {
  const seqs = prompts.map((p, b) => {
    const s = new Int32Array(p.length + completions[b].length);
    s.set(p);
    s.set(completions[b], p.length);
    return s;
  });
  const { tokens, B, T } = padBatch(seqs, EOS);
  const weight = new Float32Array(B * (T - 1));
  prompts.forEach((p, b) => {
    const n = completions[b].length;
    // Position t predicts token t+1: the completion occupies tokens p.length … p.length+n−1.
    for (let t = p.length - 1; t < p.length - 1 + n; t++) weight[b * (T - 1) + t] = 1 / n;
  });
  return { tokens, B, T, weight, advantage: Float32Array.from(advantages) };
}

/**
 * The plain reference of the GRPO loss (to minimise): −(1/B) Σ_b Σ_t w_bt·[min(ρA_b, clip(ρ)A_b) − β·k3],
 * with per-token log-probabilities lp, old and ref as B×(T−1) arrays.
 */
export function grpoLossRef(b: GrpoBatch, lp: ArrayLike<number>, old: ArrayLike<number>, ref: ArrayLike<number> | undefined, clip: number, beta: number): number {
  let s = 0;
  const W = b.T - 1;
  for (let r = 0; r < b.B; r++) {
    for (let t = 0; t < W; t++) {
      const w = b.weight[r * W + t];
      if (w === 0) continue;
      const i = r * W + t;
      let v = clippedSurrogate(exp(lp[i] - old[i]), b.advantage[r], clip);
      if (beta > 0 && ref) v -= beta * klK3(lp[i], ref[i]);
      s += w * v;
    }
  }
  return -s / b.B;
}

/** The same loss as a tfjs scalar, differentiable in the model's variables (old and ref are constants). */
export function grpoLoss(model: TfLm, b: GrpoBatch, old: Float32Array, ref: Float32Array | undefined, clip: number, beta: number): tf.Scalar {
  return tf.tidy(() => {
    const W = b.T - 1;
    const lp = model.logprobs(b.tokens, b.B, b.T);
    const ratio = tf.exp(tf.sub(lp, tf.tensor2d(old, [b.B, W])));
    const adv = tf.tensor2d(b.advantage, [b.B, 1]);
    const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), adv));
    let perToken: tf.Tensor = surrogate;
    if (beta > 0 && ref) {
      const r = tf.sub(tf.tensor2d(ref, [b.B, W]), lp);
      perToken = tf.sub(surrogate, tf.mul(beta, tf.sub(tf.sub(tf.exp(r), r), 1)));
    }
    return tf.div(tf.neg(tf.sum(tf.mul(perToken, tf.tensor2d(b.weight, [b.B, W])))), b.B) as tf.Scalar;
  });
}

/**
 * Per-token log-probabilities of a batch under `model`, as a B×(T−1) Float32Array (no gradient kept). Read back
 * asynchronously: tfjs's webgpu backend has no synchronous read in Node.
 */
export async function tokenLogprobs(model: TfLm, b: GrpoBatch): Promise<Float32Array> {
  const lp = model.logprobs(b.tokens, b.B, b.T);
  const out = Float32Array.from(await lp.data() as Float32Array);
  lp.dispose();
  return out;
}
