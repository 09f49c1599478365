/**
 * The test arguments of the project's math functions, one fixed list per function: the edge cases the
 * issue names (±0, subnormals, ±Inf, NaN, the largest finite values, arguments near multiples of π/2,
 * exp/log near overflow and 1) and seeded random arguments over each function's interesting range
 * (uniform in value and in exponent). The accuracy test and the browser test use the same lists.
 */
export const UNARY = ['sin', 'cos', 'tan', 'atan', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'tanh', 'sinh', 'cosh'] as const;
export type Unary = (typeof UNARY)[number];

/** xorshift128+ in doubles-free integer arithmetic: the same stream on every engine. */
class Rand {
  private s = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x12345678];
  constructor(seed: number) { for (let i = 0; i < 4; i++) this.s[i] ^= Math.imul(seed + i, 0x85ebca6b); for (let i = 0; i < 16; i++) this.u32(); }
  u32(): number {
    const s = this.s;
    let t = s[3];
    t ^= t << 11; t ^= t >>> 8;
    s[3] = s[2]; s[2] = s[1]; s[1] = s[0];
    t ^= s[0] ^ (s[0] >>> 19);
    s[0] = t >>> 0;
    return s[0];
  }
  /** uniform in [0, 1) with 53 random bits */
  uniform(): number { return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992; }
  /** a random double with a uniformly random exponent in [lo, hi) and random significand, random sign if signed */
  logUniform(lo: number, hi: number, signed: boolean): number {
    const v = (1 + this.uniform()) * 2 ** Math.floor(lo + this.uniform() * (hi - lo));
    return signed && (this.u32() & 1) ? -v : v;
  }
}

const EDGE = [0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308,
  -2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5, 2, 1e-300, 1e300, Number.EPSILON, 1 - Number.EPSILON / 2];

/** Doubles next to k·π/2 (from the correctly rounded value and its neighbours), and known hard reductions. */
function nearHalfPi(): number[] {
  const out: number[] = [];
  const pio2 = 1.5707963267948966;
  for (const k of [1, 2, 3, 4, 5, 6, 10, 100, 355, 1000, 102943, 1e6, 1e9, 2 ** 40, 2 ** 60]) {
    const v = k * pio2;
    out.push(v, -v, v * (1 + Number.EPSILON), v * (1 - Number.EPSILON / 2));
  }
  // 6381956970095103·2^797 is the double closest to a multiple of π/2 (Muller, "Elementary Functions").
  out.push(6381956970095103 * 2 ** 797, 5.319372648326541e255, 1e22, 2 ** 1023, 1.5707963267948966, 3.141592653589793, 4.71238898038469);
  return out;
}

const EXTRA: Record<Unary, number[]> = {
  sin: nearHalfPi(), cos: nearHalfPi(), tan: nearHalfPi(),
  atan: [1, -1, 2 ** 60, 2 ** 53, 2 ** -27, 2 ** -26, 1e308, 0.99999999, 1.0000001],
  exp: [709.782712893384, 709.7827128933841, 709.78, 709.79, 710, -708.3964185322641, -708.4, -745.1332191019411, -745.1332191019412, -745.2, 2 ** -55, -(2 ** -55), 1e-20, 0.6931471805599453],
  expm1: [709.78, 709.79, -38, -37.4, 2 ** -54, 1e-10, -1e-10, 0.0027, -0.0027, 0.6931471805599453],
  log: [1 + Number.EPSILON, 1 - Number.EPSILON / 2, 1 + 2 ** -30, 1 - 2 ** -30, 0.75, 1.5, 1.4999999999999998, 2 ** 1023, 2 ** -1074, 10, 0.1],
  log1p: [-1, -0.9999999999999999, 1e-300, -1e-300, 2 ** -54, 0.0039, -0.0039, 1e308],
  log2: [8, 0.125, 2 ** -1074, 2 ** -1030, 3, 1 + Number.EPSILON],
  log10: [10, 100, 1000, 1e22, 1e-5, 1e300, 3],
  tanh: [19.1, 19.09, -19.1, 2 ** -27, 0.5],
  sinh: [710.47, 710.48, 709.7, 709.8, 36, 36.000001, 2 ** -26, -1],
  cosh: [710.47, 710.48, 709.7, 709.8, 36, 36.000001, 2 ** -26, -1],
};

/** [lo, hi) exponent ranges (base 2) for each function's log-uniform arguments, and a uniform range. */
const RANGES: Record<Unary, { exp: [number, number]; uniform: [number, number]; signed: boolean }> = {
  sin: { exp: [-30, 70], uniform: [-10, 10], signed: true },
  cos: { exp: [-30, 70], uniform: [-10, 10], signed: true },
  tan: { exp: [-30, 40], uniform: [-4, 4], signed: true },
  atan: { exp: [-40, 70], uniform: [-4, 4], signed: true },
  exp: { exp: [-60, 10], uniform: [-745, 710], signed: true },
  expm1: { exp: [-60, 10], uniform: [-40, 40], signed: true },
  log: { exp: [-1074, 1024], uniform: [0, 4], signed: false },
  log1p: { exp: [-60, 60], uniform: [-1, 3], signed: false },
  log2: { exp: [-1074, 1024], uniform: [0, 4], signed: false },
  log10: { exp: [-1074, 1024], uniform: [0, 4], signed: false },
  tanh: { exp: [-30, 5], uniform: [-20, 20], signed: true },
  sinh: { exp: [-30, 9], uniform: [-40, 40], signed: true },
  cosh: { exp: [-30, 9], uniform: [-40, 40], signed: true },
};

/** n arguments for fn: its edge cases, then seeded ones (half log-uniform, half uniform). */
export function argumentsFor(fn: Unary, n: number): Float64Array {
  const r = new Rand(UNARY.indexOf(fn) + 1);
  const fixed = [...EDGE, ...EXTRA[fn]];
  const out = new Float64Array(n);
  const { exp, uniform, signed } = RANGES[fn];
  for (let i = 0; i < n; i++) {
    if (i < fixed.length) { out[i] = fixed[i]; continue; }
    out[i] = i % 2 ? r.logUniform(exp[0], exp[1], signed) : uniform[0] + (uniform[1] - uniform[0]) * r.uniform();
    if (fn === 'log1p' && out[i] <= -1) out[i] = -1 + r.uniform();
  }
  return out;
}

/** n (x, y) pairs for pow and atan2 (interleaved), with their special cases first. */
export function pairsFor(fn: 'pow' | 'atan2', n: number): Float64Array {
  const r = new Rand(fn === 'pow' ? 101 : 102);
  const specials = [0, -0, 1, -1, 2, -2, 0.5, 3, -3, Infinity, -Infinity, NaN, 1e-320, 1e308];
  const out: number[] = [];
  for (const x of specials) for (const y of specials) out.push(x, y);
  if (fn === 'pow') out.push(2, 0.5, 4, 0.5, 10, 22, 10, 23, 3, 3, 2, 1023, 2, 1024, 2, -1074, 2, -1075, 262145, 3, 2.5, -3, -8, 1 / 3);
  while (out.length < 2 * n) {
    if (fn === 'pow') {
      const x = r.logUniform(-20, 20, false), y = (r.uniform() - 0.5) * 60;
      out.push(out.length % 8 === 0 ? -x : x, out.length % 8 === 0 ? Math.round(y) : y);
    } else {
      out.push(r.logUniform(-40, 40, true), r.logUniform(-40, 40, true));
    }
  }
  return Float64Array.from(out.slice(0, 2 * n));
}
