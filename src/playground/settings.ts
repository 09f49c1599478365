/** The playground's settings → an RL run config, as `eggroll train` would resolve it (preset + overrides). */
import { BASE_PRESET, PRESETS } from '../rl/presets.js';
import type { RlRunConfig } from '../rl/config.js';
import type { Settings } from './protocol.js';

export function configFor(s: Settings): RlRunConfig {
  return { ...BASE_PRESET, ...PRESETS[s.env], env: s.env, algo: s.algo, pop: s.pop, rank: s.rank, sigma: s.sigma, lr: s.lr, seed: s.seed, gens: s.gens, workers: 1, backend: 'wasm' };
}
