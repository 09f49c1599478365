/** OpenES (Salimans et al. 2017): dense N(0, I) noise on every evolved tensor, matrices included; `rank` unused. */
import type { StrategyPlugin } from './plugin.js';

export const openes: StrategyPlugin = {
  name: 'openes',
  description: 'dense Gaussian noise per member on every tensor (full-rank OpenES)',
  noiseFor: () => 'dense',
};
