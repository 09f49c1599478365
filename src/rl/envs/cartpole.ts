/**
 * CartPole-v1, as Gymnasium's classic_control/cartpole.py (Barto, Sutton & Anderson 1983; the
 * equations of Florian 2007): explicit Euler with τ = 0.02 s, force ±10 N, reward 1 on every step
 * including the terminating one, termination when |x| > 2.4 or |θ| > 12°, truncation at 500 steps.
 * Arithmetic follows the Python expression order so that each step rounds the same way.
 */
import type { EnvDefinition } from './types.js';

const GRAVITY = 9.8;
const MASSCART = 1.0;
const MASSPOLE = 0.1;
const TOTAL_MASS = MASSPOLE + MASSCART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASSPOLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
export const CARTPOLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const CARTPOLE_X_THRESHOLD = 2.4;
const F32_MAX = 3.4028234663852886e38;

export const cartPole: EnvDefinition = {
  id: 'CartPole-v1',
  aliases: ['cartpole'],
  description: 'balance a pole on a cart by pushing it left or right (2 actions, 500 steps)',
  observationSpace: {
    kind: 'box',
    dim: 4,
    low: [-CARTPOLE_X_THRESHOLD * 2, -F32_MAX, -CARTPOLE_THETA_THRESHOLD * 2, -F32_MAX],
    high: [CARTPOLE_X_THRESHOLD * 2, F32_MAX, CARTPOLE_THETA_THRESHOLD * 2, F32_MAX],
  },
  actionSpace: { kind: 'discrete', n: 2 },
  maxSteps: 500,
  rewardThreshold: 475,
  solvedThreshold: 475,
  stateDim: 4,
  resetUniforms: 4,

  // x, ẋ, θ, θ̇ each uniform in [−0.05, 0.05).
  reset(s, n, i, u) {
    for (let k = 0; k < 4; k++) s[k * n + i] = -0.05 + (0.05 - -0.05) * u[k];
  },

  step(s, n, active, count, actions, reward, terminated) {
    for (let j = 0; j < count; j++) {
      const i = active[j];
      let x = s[i];
      let xDot = s[n + i];
      let theta = s[2 * n + i];
      let thetaDot = s[3 * n + i];
      const force = actions[i] === 1 ? FORCE_MAG : -FORCE_MAG;
      const cosTheta = Math.cos(theta);
      const sinTheta = Math.sin(theta);
      const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
      const thetaAcc = (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASSPOLE * (cosTheta * cosTheta)) / TOTAL_MASS));
      const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
      x = x + TAU * xDot;
      xDot = xDot + TAU * xAcc;
      theta = theta + TAU * thetaDot;
      thetaDot = thetaDot + TAU * thetaAcc;
      s[i] = x;
      s[n + i] = xDot;
      s[2 * n + i] = theta;
      s[3 * n + i] = thetaDot;
      terminated[i] = x < -CARTPOLE_X_THRESHOLD || x > CARTPOLE_X_THRESHOLD || theta < -CARTPOLE_THETA_THRESHOLD || theta > CARTPOLE_THETA_THRESHOLD ? 1 : 0;
      // Gymnasium ≥ 1.0 (sutton_barto_reward=False): +1 on every step, the terminating one included.
      reward[i] = 1;
    }
  },

  observe(s, n, i, obs, o) {
    obs[o] = s[i];
    obs[o + 1] = s[n + i];
    obs[o + 2] = s[2 * n + i];
    obs[o + 3] = s[3 * n + i];
  },
};
