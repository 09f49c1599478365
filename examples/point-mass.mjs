/**
 * A custom environment for the command line: `eggroll train point-mass --import examples/point-mass.mjs --workers 2`.
 * Plain JavaScript importing 'eggroll' (the same copy the CLI runs), registering when imported; the CLI records this
 * file so that worker threads, and `eggroll worker --import` on a cluster, register it too. The TypeScript form, for
 * the library, is examples/custom-env.ts (step by step) and examples/point-mass-env.ts.
 */
import { rl } from 'eggroll';

rl.registerEnv({
  id: 'PointMass-v0',
  aliases: ['point-mass'],
  description: 'move a point on a line to the origin (1 continuous action in [-1, 1], 50 steps)',
  observationSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
  actionSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
  maxSteps: 50,
  rewardThreshold: null,
  solvedThreshold: -3,
  stateDim: 1, // x; member i's variable k lives at state[k * size + i]
  resetUniforms: 1,
  reset(state, size, i, u) {
    state[i] = -1 + 2 * u[0];
  },
  step(state, size, active, count, actions, reward, terminated) {
    for (let j = 0; j < count; j++) {
      const i = active[j];
      const x = Math.min(Math.max(state[i] + 0.1 * Math.min(Math.max(actions[i], -1), 1), -1), 1);
      state[i] = x;
      reward[i] = -Math.abs(x);
      terminated[i] = Math.abs(x) < 0.1 ? 1 : 0;
    }
  },
  observe(state, size, i, obs, offset) {
    obs[offset] = state[i];
  },
});
