/**
 * The Gymnasium-shaped API beside the batched one: `make`, `makeVec`, `Env`, `SyncVectorEnv` (next-step
 * autoreset) and the spaces. Dynamics are the batched environments' (Gymnasium's, bit for bit); seeded
 * start states come from Philox streams, not NumPy's PCG64, so they differ from Gymnasium's for the same seed.
 *
 *   const env = gym.make('CartPole-v1', { sutton_barto_reward: true });
 *   let { obs } = env.reset({ seed: 42 });
 *   const { obs: next, reward, terminated, truncated } = env.step(env.actionSpace.sample());
 */
export { Env, type EnvSpec, type Info, type ResetArgs, type ResetResult, type StepResult } from './env.js';
export { SyncVectorEnv, type VectorResetArgs, type VectorStepResult } from './vector.js';
export { make, makeVec, makeDefinition } from './make.js';
export { Box, Discrete, MultiDiscrete, type Space } from './spaces.js';
