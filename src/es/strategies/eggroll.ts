/**
 * EGGROLL (arXiv 2511.16652): every 'lowrank' matrix perturbed by E = A·Bᵀ/√r (r = `rank`, at most min(m, n) of each
 * matrix), 'full' tensors by dense noise; the update is the full-rank Σ_p w_p A_p B_pᵀ, one GEMM per matrix.
 */
import type { StrategyPlugin } from './plugin.js';

export const eggroll: StrategyPlugin = {
  name: 'eggroll',
  description: 'low-rank perturbations A·Bᵀ/√r per matrix (dense noise for full tensors); full-rank update',
  validate(params, c) {
    // Each matrix uses min(r, m, n) (PerturbedNoiser.rankOf); a rank above every matrix's min(m, n) is an error.
    let widest: { name: string; shape: number[]; max: number } | undefined;
    for (const s of params.specs) {
      if (s.mode !== 'lowrank') continue;
      const max = Math.min(s.shape[0], s.shape[1]);
      if (!widest || max > widest.max) widest = { name: s.name, shape: s.shape, max };
    }
    if (widest && (!Number.isInteger(c.rank) || c.rank < 1 || c.rank > widest.max)) {
      throw new RangeError(`rank must be an integer in [1, ${widest.max}] (min(m, n) of the largest matrix '${widest.name}' ${widest.shape.join('×')}), got ${c.rank}`);
    }
  },
  noiseFor: (mode) => (mode === 'lowrank' ? 'lowrank' : 'dense'),
};
