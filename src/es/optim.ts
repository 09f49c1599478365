/**
 * Optimisers that take the ES gradient estimate (an ascent direction: the fitness is maximised) and
 * move the parameters. Their state is plain typed arrays plus a step count, all of which a checkpoint
 * writes.
 */
import { pow } from '../math/index.js';
export type OptimizerConfig =
  | { kind: 'sgd'; momentum?: number }
  | { kind: 'adam'; beta1?: number; beta2?: number; eps?: number }
  | { kind: 'adamw'; beta1?: number; beta2?: number; eps?: number; weightDecay?: number };

export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;

export interface OptimizerState {
  step: number;
  /** First moment / momentum buffer per parameter (empty arrays where unused). */
  m: Float32Array[];
  /** Second moment per parameter (Adam only). */
  v: Float32Array[];
}

export function initOptimizerState(cfg: OptimizerConfig, sizes: number[]): OptimizerState {
  const usesM = cfg.kind !== 'sgd' || (cfg.momentum ?? 0) > 0;
  const usesV = cfg.kind !== 'sgd';
  return {
    step: 0,
    m: sizes.map((s) => new Float32Array(usesM ? s : 0)),
    v: sizes.map((s) => new Float32Array(usesV ? s : 0)),
  };
}

/** θ ← θ + lr·step(g) for one parameter tensor; call `finishStep` once after all tensors. */
export function applyUpdate(cfg: OptimizerConfig, state: OptimizerState, index: number, theta: Float32Array, g: Float32Array, lr: number): void {
  const t = state.step + 1;
  if (cfg.kind === 'sgd') {
    const mu = cfg.momentum ?? 0;
    if (mu > 0) {
      const m = state.m[index];
      for (let i = 0; i < theta.length; i++) { m[i] = mu * m[i] + g[i]; theta[i] += lr * m[i]; }
    } else {
      for (let i = 0; i < theta.length; i++) theta[i] += lr * g[i];
    }
    return;
  }
  const b1 = cfg.beta1 ?? 0.9, b2 = cfg.beta2 ?? 0.999, eps = cfg.eps ?? 1e-8;
  const wd = cfg.kind === 'adamw' ? cfg.weightDecay ?? 0.01 : 0;
  const c1 = 1 / (1 - pow(b1, t)), c2 = 1 / (1 - pow(b2, t));
  const m = state.m[index], v = state.v[index];
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    // Decoupled weight decay (AdamW) shrinks the parameter independently of the gradient.
    theta[i] += lr * ((m[i] * c1) / (Math.sqrt(v[i] * c2) + eps) - wd * theta[i]);
  }
}

export function finishStep(state: OptimizerState): void {
  state.step++;
}
