/**
 * A third strategy, as a user would add one: this file and one registerStrategy line (in the test, or in the module
 * itself when it is --import'ed). Sign ES: dense noise on every tensor like OpenES, but the step is the sign of the
 * gradient estimate (each entry moves by exactly lr under SGD), and its state counts the directions it built.
 */
import { registerStrategy, type StrategyPlugin } from '../../src/es/strategies/index.js';
import { denseDirection } from '../../src/es/strategies/directions.js';

export const signEs: StrategyPlugin<{ directions: number }> = {
  name: 'sign-es',
  description: 'sign of the dense ES gradient estimate (test plug-in)',
  init: () => ({ directions: 0 }),
  noiseFor: () => 'dense',
  direction(ctx, state, noiser, pid, w, sigma, g) {
    denseDirection(ctx, noiser, pid, w, sigma, g);
    for (let i = 0; i < g.length; i++) g[i] = Math.sign(g[i]);
    state.directions++;
  },
};

registerStrategy(signEs, { module: import.meta.url });
