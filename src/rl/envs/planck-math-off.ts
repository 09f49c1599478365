/** Second half of src/rl/envs/planck.ts: the engine's Math functions back once planck has captured ours. */
import { engineMath } from './planck-math-on.js';

Math.sin = engineMath.sin;
Math.cos = engineMath.cos;
Math.atan2 = engineMath.atan2;
