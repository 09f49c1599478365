/**
 * Adding an environment: implement `EnvDefinition` (src/rl/envs/types.ts) and register it.
 *
 * The batch driver does the rest: seeded resets per (seed, member, episode), step counting and the
 * time limit, the list of members still running, episode returns. Your functions only see a
 * struct-of-arrays state, where variable k of member i lives at state[k * size + i].
 *
 * Run it:  npx tsx examples/custom-env.ts
 */
import { pathToFileURL } from 'node:url';
import { makeEnv, registerEnv, type EnvDefinition } from '../src/rl/envs/index.js';

/**
 * PointMass-v0: a point on a line in [−1, 1] moves by 0.1·clip(a, −1, 1) per step and must reach the
 * target at 0 (|x| < 0.1 ends the episode). Reward −|x| per step, so faster is better.
 */
export const pointMass: EnvDefinition = {
  id: 'PointMass-v0',
  aliases: ['point-mass'],
  description: 'move a point on a line to the origin (1 continuous action in [-1, 1], 50 steps)',
  observationSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
  actionSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
  maxSteps: 50,
  rewardThreshold: null,
  solvedThreshold: -3,
  stateDim: 1, // just x
  resetUniforms: 1, // one uniform in [0, 1) per member and episode

  reset(state, size, i, u) {
    state[i] = -1 + 2 * u[0];
  },

  step(state, size, active, count, actions, reward, terminated) {
    // Loop over the active members only; everything else in the batch must stay untouched.
    for (let j = 0; j < count; j++) {
      const i = active[j];
      const push = Math.min(Math.max(actions[i], -1), 1);
      const x = Math.min(Math.max(state[i] + 0.1 * push, -1), 1);
      state[i] = x;
      reward[i] = -Math.abs(x);
      terminated[i] = Math.abs(x) < 0.1 ? 1 : 0;
    }
  },

  observe(state, size, i, obs, offset) {
    obs[offset] = state[i];
  },
};

/** Registers the environment and runs 4 members with a hand-written policy. */
export function demo(): void {
  registerEnv(pointMass);
  const env = makeEnv('point-mass', 4);
  env.reset(/* seed */ 1, /* episode */ 0);
  const actions = new Float32Array(env.size * env.actionDim);
  while (!env.done) {
    // Only the active rows matter; a real policy would evaluate just those (env.gatherActiveObs).
    for (let j = 0; j < env.activeCount; j++) {
      const i = env.active[j];
      actions[i] = env.obs[i] < 0 ? 1 : -1;
    }
    env.step(actions);
  }
  for (let i = 0; i < env.size; i++) {
    console.log(`member ${i}: return ${env.episodeReturn[i].toFixed(3)} in ${env.episodeLength[i]} steps${env.terminated[i] ? ' (reached the target)' : ''}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) demo();
