/**
 * Acrobot-v1, as Gymnasium's classic_control/acrobot.py with the book dynamics (Sutton & Barto; the
 * `book_or_nips = "book"` default): two links, torque −1/0/+1 on the middle joint, one RK4 step of
 * dt = 0.2 per action (Gymnasium's `rk4` over t = [0, dt]), angles wrapped to [−π, π], velocities
 * clipped to ±4π and ±9π. Reward −1 per step and 0 on the step that reaches the target height
 * −cos θ₁ − cos(θ₁ + θ₂) > 1, which terminates; truncated at 500 steps.
 * `makeAcrobot({ bookOrNips: 'nips' })` selects the NIPS-paper equation for θ̈₂ (Gymnasium's
 * `book_or_nips` class attribute, default "book").
 */
import { parseLowHigh } from './reset-bounds.js';
import type { EnvDefinition, ResetBounds } from './types.js';
import { cos, sinCos } from '../../math/index.js';

const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
const LINK_MOI = 1.0;
export const ACROBOT_MAX_VEL_1 = 4 * Math.PI;
export const ACROBOT_MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0];
const PI = Math.PI;

/**
 * The equations of motion: writes (θ̇₁, θ̇₂, θ̈₁, θ̈₂) into out. Transcribed term by term from
 * Gymnasium's `_dsdt`, in the same order, so that rounding matches; `nips` drops the
 * −m₂l₁l_c2·θ̇₁²·sin θ₂ term from θ̈₂ as the NIPS paper writes it.
 */
export function acrobotDerivs(theta1: number, theta2: number, dtheta1: number, dtheta2: number, a: number, out: Float64Array, nips = false): void {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const I1 = LINK_MOI;
  const I2 = LINK_MOI;
  const g = 9.8;
  // sin θ₂ and cos θ₂ once, from one reduction: Gymnasium calls them more often, with the same (correctly rounded) values.
  sinCos(theta2, SC);
  const sinT2 = SC[0], cosT2 = SC[1];
  const d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cosT2) + I1 + I2;
  const d2 = m2 * (lc2 * lc2 + l1 * lc2 * cosT2) + I2;
  const phi2 = m2 * lc2 * g * cos(theta1 + theta2 - PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sinT2 -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinT2 +
    (m1 * lc1 + m2 * l1) * g * cos(theta1 - PI / 2) +
    phi2;
  const ddtheta2 = nips
    ? (a + (d2 / d1) * phi1 - phi2) / (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1)
    : (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sinT2 - phi2) /
      (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
}

const SC = new Float64Array(2);

/** Gymnasium's wrap(): shifts x by whole periods until m ≤ x ≤ M. */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

const k1 = new Float64Array(4);
const k2 = new Float64Array(4);
const k3 = new Float64Array(4);
const k4 = new Float64Array(4);

const DEFAULT_BOUNDS: ResetBounds = { low: [-0.1, -0.1, -0.1, -0.1], high: [0.1, 0.1, 0.1, 0.1] };

export interface AcrobotOptions {
  /** Gymnasium's `book_or_nips`: which equation of motion to use. Default 'book'. */
  readonly bookOrNips?: 'book' | 'nips';
}

/** Acrobot-v1 with Gymnasium's options; `acrobot` is the default one. */
export function makeAcrobot(options: AcrobotOptions = {}): EnvDefinition {
  const mode = options.bookOrNips ?? 'book';
  if (mode !== 'book' && mode !== 'nips') throw new RangeError(`Acrobot-v1: book_or_nips must be 'book' or 'nips', got '${String(mode)}'`);
  const nips = mode === 'nips';
  return {
    id: 'Acrobot-v1',
    aliases: ['acrobot'],
    description: 'swing the tip of a two-link arm above a line by torquing the middle joint (3 actions, 500 steps)',
    observationSpace: {
      kind: 'box',
      dim: 6,
      low: [-1, -1, -1, -1, -ACROBOT_MAX_VEL_1, -ACROBOT_MAX_VEL_2],
      high: [1, 1, 1, 1, ACROBOT_MAX_VEL_1, ACROBOT_MAX_VEL_2],
    },
    actionSpace: { kind: 'discrete', n: 3 },
    maxSteps: 500,
    rewardThreshold: -100,
    solvedThreshold: -100,
    stateDim: 4,
    resetUniforms: 4,

    // θ₁, θ₂, θ̇₁, θ̇₂ uniform in [low, high) (default [−0.1, 0.1)), then cast to float32 as Gymnasium does (`.astype(np.float32)`).
    reset(s, n, i, u, b = DEFAULT_BOUNDS) {
      for (let k = 0; k < 4; k++) s[k * n + i] = Math.fround(b.low[k] + (b.high[k] - b.low[k]) * u[k]);
    },

    resetBounds: (options) => parseLowHigh(options, -0.1, 0.1, 4, 'Acrobot-v1'),

    step(s, n, active, count, actions, reward, terminated) {
      const dt = DT - 0;
      const dt2 = dt / 2.0;
      const dt6 = dt / 6.0;
      for (let j = 0; j < count; j++) {
        const i = active[j];
        const y0 = s[i];
        const y1 = s[n + i];
        const y2 = s[2 * n + i];
        const y3 = s[3 * n + i];
        const torque = AVAIL_TORQUE[actions[i]];
        // rk4 on the state augmented with the torque, whose derivative is 0 (so it stays `torque`).
        acrobotDerivs(y0, y1, y2, y3, torque, k1, nips);
        acrobotDerivs(y0 + dt2 * k1[0], y1 + dt2 * k1[1], y2 + dt2 * k1[2], y3 + dt2 * k1[3], torque, k2, nips);
        acrobotDerivs(y0 + dt2 * k2[0], y1 + dt2 * k2[1], y2 + dt2 * k2[2], y3 + dt2 * k2[3], torque, k3, nips);
        acrobotDerivs(y0 + dt * k3[0], y1 + dt * k3[1], y2 + dt * k3[2], y3 + dt * k3[3], torque, k4, nips);
        const t1 = wrap(y0 + dt6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]), -PI, PI);
        const t2 = wrap(y1 + dt6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]), -PI, PI);
        const v1 = Math.min(Math.max(y2 + dt6 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]), -ACROBOT_MAX_VEL_1), ACROBOT_MAX_VEL_1);
        const v2 = Math.min(Math.max(y3 + dt6 * (k1[3] + 2 * k2[3] + 2 * k3[3] + k4[3]), -ACROBOT_MAX_VEL_2), ACROBOT_MAX_VEL_2);
        s[i] = t1;
        s[n + i] = t2;
        s[2 * n + i] = v1;
        s[3 * n + i] = v2;
        const done = -cos(t1) - cos(t2 + t1) > 1.0;
        terminated[i] = done ? 1 : 0;
        reward[i] = done ? 0.0 : -1.0;
      }
    },

    observe(s, n, i, obs, o) {
      const t1 = s[i];
      const t2 = s[n + i];
      sinCos(t1, SC);
      obs[o] = SC[1];
      obs[o + 1] = SC[0];
      sinCos(t2, SC);
      obs[o + 2] = SC[1];
      obs[o + 3] = SC[0];
      obs[o + 4] = s[2 * n + i];
      obs[o + 5] = s[3 * n + i];
    },
  };
}

export const acrobot: EnvDefinition = makeAcrobot();
