/**
 * Pendulum-v1, as Gymnasium's classic_control/pendulum.py: swing a pendulum up and hold it. Semi-implicit
 * Euler with dt = 0.05, g = 10, m = l = 1, torque clipped to ±2, speed clipped to ±8; cost
 * θ̂² + 0.1·θ̇² + 0.001·u² with θ̂ the angle normalised to [−π, π); never terminates, truncated at 200.
 * `makePendulum({ g })` is Gymnasium's constructor option (default 10.0).
 */
import { checkOptionKeys, optionNumber } from './reset-bounds.js';
import type { EnvDefinition, ResetBounds } from './types.js';
import { sin, sinCos } from '../../math/index.js';

const SC = new Float64Array(2);

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const DEFAULT_G = 10.0;
const M = 1.0;
const L = 1.0;

/** Python's float modulo (result has the divisor's sign), which NumPy's % also follows. */
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Gymnasium's angle_normalize: ((x + π) mod 2π) − π. */
export function angleNormalize(x: number): number {
  return pyMod(x + Math.PI, 2 * Math.PI) - Math.PI;
}

/** Gymnasium's DEFAULT_X and DEFAULT_Y: θ in [−π, π), θ̇ in [−1, 1). */
const DEFAULT_BOUNDS: ResetBounds = { low: [-Math.PI, -1.0], high: [Math.PI, 1.0] };

export interface PendulumOptions {
  /** Gymnasium's `g`, the gravitational acceleration. Default 10.0. */
  readonly g?: number;
}

/** Pendulum-v1 with Gymnasium's constructor options; `pendulum` is the default one. */
export function makePendulum(options: PendulumOptions = {}): EnvDefinition {
  const G = options.g ?? DEFAULT_G;
  if (!Number.isFinite(G)) throw new RangeError(`Pendulum-v1: g must be a finite number, got ${G}`);
  return {
    id: 'Pendulum-v1',
    aliases: ['pendulum'],
    description: 'swing a pendulum upright and keep it there (1 continuous torque in [-2, 2], 200 steps)',
    observationSpace: { kind: 'box', dim: 3, low: [-1, -1, -MAX_SPEED], high: [1, 1, MAX_SPEED] },
    actionSpace: { kind: 'box', dim: 1, low: [-MAX_TORQUE], high: [MAX_TORQUE] },
    maxSteps: 200,
    rewardThreshold: null,
    solvedThreshold: -250,
    stateDim: 2,
    resetUniforms: 2,

    // θ uniform in [−x_init, x_init), θ̇ in [−y_init, y_init); by default x_init = π, y_init = 1.
    reset(s, n, i, u, b = DEFAULT_BOUNDS) {
      s[i] = b.low[0] + (b.high[0] - b.low[0]) * u[0];
      s[n + i] = b.low[1] + (b.high[1] - b.low[1]) * u[1];
    },

    // Gymnasium's Pendulum takes { x_init, y_init } (symmetric limits), not low/high.
    resetBounds(options) {
      checkOptionKeys(options, ['x_init', 'y_init'], 'Pendulum-v1');
      const x = optionNumber(options, 'x_init', Math.PI, 'Pendulum-v1');
      const y = optionNumber(options, 'y_init', 1.0, 'Pendulum-v1');
      return { low: [-x, -y], high: [x, y] };
    },

    step(s, n, active, count, actions, reward, terminated) {
      for (let j = 0; j < count; j++) {
        const i = active[j];
        const th = s[i];
        const thdot = s[n + i];
        const u = Math.min(Math.max(actions[i], -MAX_TORQUE), MAX_TORQUE);
        const an = angleNormalize(th);
        const costs = an * an + 0.1 * (thdot * thdot) + 0.001 * (u * u);
        let newthdot = thdot + (((3 * G) / (2 * L)) * sin(th) + (3.0 / (M * (L * L))) * u) * DT;
        newthdot = Math.min(Math.max(newthdot, -MAX_SPEED), MAX_SPEED);
        s[i] = th + newthdot * DT;
        s[n + i] = newthdot;
        reward[i] = -costs;
        terminated[i] = 0;
      }
    },

    observe(s, n, i, obs, o) {
      const th = s[i];
      sinCos(th, SC);
      obs[o] = SC[1];
      obs[o + 1] = SC[0];
      obs[o + 2] = s[n + i];
    },
  };
}

export const pendulum: EnvDefinition = makePendulum();
