/** The playground's settings → an RL run config, as `eggroll train` would resolve it (preset + overrides). */
import { resolveRlConfig, type RlRunConfig } from '../rl/config.js';
import type { Settings } from './protocol.js';

/**
 * Kernel threads are not part of a run's config: any count gives the same bits. The same resolution and checks as
 * `eggroll train` (an odd population, a rank above the policy's widest matrix: an InputError the page shows).
 */
export function configFor(s: Omit<Settings, 'threads'>): RlRunConfig {
  return resolveRlConfig(s.env, { algo: s.algo, pop: s.pop, rank: s.rank, sigma: s.sigma, lr: s.lr, seed: s.seed, gens: s.gens, workers: 1, backend: 'wasm' });
}
