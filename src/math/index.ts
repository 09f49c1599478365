/**
 * The project's math: correctly rounded transcendental functions (libm.ts fast paths, exact.ts BigInt slow
 * path) that give the same bits in every JavaScript engine. Result paths call these, never Math.sin/exp/…
 * (test/architecture/math.test.ts enforces it).
 */
export { sin, cos, sinCos, tan, atan, atan2, exp, expm1, log, log1p, log2, log10, pow, tanh, sinh, cosh,
  expf, expm1f, logf, log1pf, log2f, sinf, cosf, tanf, atanf, tanhf, powf } from './libm.js';
