/**
 * First half of src/rl/envs/planck.ts: planck reads Math.sin, Math.cos and Math.atan2 once, when its module
 * is evaluated (`var math_sin = Math.sin`), so for that moment the global Math carries the project's
 * correctly rounded functions; planck-math-off.ts puts the engine's back right after.
 */
import { sin, cos, atan2 } from '../../math/index.js';

export const engineMath = { sin: Math.sin, cos: Math.cos, atan2: Math.atan2 };
Math.sin = sin;
Math.cos = cos;
Math.atan2 = atan2;
