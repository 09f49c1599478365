/** The playground's settings → an RL run config, as `eggroll train` would resolve it (preset + overrides). */
import { resolveRlConfig, type RlRunConfig } from '../rl/config.js';
import type { Settings } from './protocol.js';

/**
 * Kernel threads and the device are not part of a run's config: any thread count gives the same bits, and the GPU
 * the CPU's within float32 rounding. The same resolution and checks as
 * `eggroll train` (an odd population, a rank above the policy's widest matrix: an InputError the page shows).
 */
export function configFor(s: Omit<Settings, 'threads' | 'device'>): RlRunConfig {
  return resolveRlConfig(s.env, { algo: s.algo, pop: s.pop, rank: s.rank, sigma: s.sigma, lr: s.lr, seed: s.seed, gens: s.gens, workers: 1, backend: 'wasm' });
}
