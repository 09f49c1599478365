/**
 * The project's own transcendental functions: correctly rounded (round to nearest, ties to even), so
 * the answer is unique and the same in every JavaScript engine, the browser included — ECMAScript leaves
 * Math.sin/exp/log/pow… implementation-approximated, and V8 has changed their last bits between versions.
 *
 * Only +, −, ×, ÷ on doubles (exact in IEEE 754 in every engine), integer and bit operations and BigInt.
 * Each function has a fast path that computes the result as a double-double H + L with a relative error
 * far below the rounding step (bounds below, ~2^-70 to 2^-80), then Ziv's rounding test: when every point
 * of [H + L − err, H + L + err] rounds to the same double, that is the answer; otherwise (measured: 2–9 calls
 * in 10^5 for sin, cos, tan, tanh, fewer for the others) the slow path in exact.ts recomputes it in BigInt with
 * as many bits as it takes.
 *
 * Reductions: exp by k·ln2/256 (Cody–Waite, three-part constant) and a 256-entry table of 2^(j/256);
 * log by m·c ≈ 1 with a 192-entry table of c and −ln c over m ∈ [0.75, 1.5); sin/cos by q·π/2 (four-part
 * Cody–Waite for |x| < 2^20, otherwise the exact Payne–Hanek reduction in BigInt) and a table of sin and
 * cos at j/256; atan by (x − b)/(1 + x·b) with a table of atan(j/256). Tables come from exact.ts on first use.
 */
import { dyadicOf, ziv, reduceHalfPiDD, expDyadic, expm1Dyadic, logDyadic, onePlus, logBaseDyadic, trigDyadic, atan2Dyadic, hyperbolicDyadic, powDyadic, LN2, LN10, SINGLE, type Dyadic } from './exact.js';
import { sumErr, prodErr, sqrErr, splitHi, highWord, lowWord, fromWords, POW2, ldexp } from './eft.js';
import { getExpTable, getLogTable, getTrigTable, getAtanTable } from './tables.js';

const SHIFT = 6755399441055744; // 1.5·2^52: (t + SHIFT) − SHIFT rounds t to an integer, ties to even

// Results of the double-double kernels: registers in one Float64Array, so that no kernel allocates (a
// double stored in a module variable is boxed on every store in Node 20's V8). R[0] + R[1]: a kernel's
// result (hi, lo); R[2] + R[3]: e^r − 1 of the exp kernel; R[4] + R[5]: the reduced argument of sin/cos; R[6] + R[7]: z³/3 (cubeThird).
const R = new Float64Array(8);

// Constants (double-double or split so that k·part is exact), checked against exact.ts in the tests.
/** ln2/256 in three parts, the first two of 34 bits (k·part exact for |k| < 2^19). */
const L256_1 = 0.002707606173999011, L256_2 = 6.327543041506426e-14, L256_3 = 1.5629239639119998e-24;
/** ln 2 in three parts, the first two of 42 bits (k·part exact for |k| < 2^11). */
const LN2_1 = 0.6931471805598903, LN2_2 = 5.49792301870721e-14, LN2_3 = 1.1612227229362532e-26;
/** π/2 in four parts, the first three of 33 bits (q·part exact for |q| < 2^20). */
const PIO2_1 = 1.5707963267341256, PIO2_2 = 6.077100506303966e-11, PIO2_3 = 2.0222662487111665e-21, PIO2_4 = 8.4784276603689e-32;
const PIO2_H = 1.5707963267948966, PIO2_L = 6.123233995736766e-17;
const PI_H = 3.141592653589793, PI_L = 1.2246467991473532e-16;
const INV_LN2_H = 1.4426950408889634, INV_LN2_L = 2.0355273740931033e-17;
const INV_LN10_H = 0.4342944819032518, INV_LN10_L = 1.098319650216765e-17;
/** The literal constants above, for the test that recomputes them in BigInt (tables.ts getConstants). */
export const LIBM_CONSTANTS = {
  l256: [L256_1, L256_2, L256_3], ln2: [LN2_1, LN2_2, LN2_3], pio2: [PIO2_1, PIO2_2, PIO2_3, PIO2_4],
  pio2dd: [PIO2_H, PIO2_L], pidd: [PI_H, PI_L], invLn2: [INV_LN2_H, INV_LN2_L], invLn10: [INV_LN10_H, INV_LN10_L],
};
/** Relative error bounds for Ziv's test: 2^-74 … 2^-66. */
const E74 = 5.293955920339377e-23, E72 = 2.117582368135751e-22, E70 = 8.470329472543003e-22, E69 = 1.6940658945086007e-21;
const E68 = 3.3881317890172014e-21, E67 = 6.776263578034403e-21, E66 = 1.3552527156068805e-20;

/** Ziv's test: H + L with relative error ≤ eps rounds to H whatever the error. */
function settled(eps: number): boolean {
  const e = R[0] * eps;
  return R[0] + (R[1] + e) === R[0] + (R[1] - e);
}

const d = dyadicOf;

// ---- exp ---------------------------------------------------------------------------------------------

const INV_L256 = 369.3299304675746; // 256/ln2 (any nearby value works: it only picks k)

/** p = e^r − 1 for r = rh + rl (|r| ≤ ln2/512 + tiny) as PH + PL; error ≲ 2^-82·|r|-relative terms. */
function expm1Poly(rh: number, rl: number): void {
  // r² exactly (Dekker): q + qe = rh².
  const q = rh * rh;
  const qe = sqrErr(rh, q);
  const hq = 0.5 * q;
  const tail = rh * q * (0.16666666666666666 + rh * (0.041666666666666664 + rh * (0.008333333333333333
    + rh * (0.001388888888888889 + rh * 1.984126984126984e-4))));
  // rh + r²/2 + r³/6 + … with the low parts: rl, qe/2, rh·rl (from 2·rh·rl/2).
  const u = rh + hq;
  const ue = hq - (u - rh);
  R[2] = u;
  R[3] = ue + (rl + (0.5 * qe + rh * rl) + tail);
}

/**
 * e^(xh + xl) = 2^m · (H + L) for |xh| ≤ 746; returns m. Relative error < 2^-80: the reduction keeps r to
 * ~2^-100, the table is double-double, r³/6 and beyond are ≤ 2^-31 and rounded once or twice (≤ 2^-82).
 */
function expCore(xh: number, xl: number): number {
  const T = expTable ?? (expTable = getExpTable());
  const kf = (xh * INV_L256 + SHIFT) - SHIFT;
  const k = kf | 0;
  const r1 = xh - kf * L256_1; // exact: k·L1 has ≤ 53 bits and r1 is a Sterbenz difference
  const t2 = -kf * L256_2; // exact
  const rh0 = r1 + t2;
  let rl = sumErr(r1, t2) + (xl - kf * L256_3);
  const rh = rh0 + rl;
  rl -= rh - rh0;
  expm1Poly(rh, rl);
  const j = k & 255;
  const th = T.hi[j], tl = T.lo[j];
  // w + we = th·PH exactly (th pre-split).
  const w = th * R[2];
  const ph = splitHi(R[2]), pl = R[2] - ph;
  const we = ((T.hiH[j] * ph - w) + T.hiH[j] * pl + T.hiT[j] * ph) + T.hiT[j] * pl;
  const sum = th + w;
  const lo = (w - (sum - th)) + (we + th * R[3] + tl + tl * R[2]);
  R[0] = sum + lo;
  R[1] = lo - (R[0] - sum);
  return (k - j) / 256;
}
let expTable: ReturnType<typeof getExpTable> | null = null;

/** e^x, correctly rounded. */
export function exp(x: number): number {
  if (!(x < 709.78 && x > -708.39)) {
    if (x !== x) return x;
    if (x > 709.79) return Infinity;
    if (x < -745.2) return 0;
    return expSlow(x);
  }
  if (x < 2.7755575615628914e-17 && x > -2.7755575615628914e-17) return 1; // |x| < 2^-55
  const m = expCore(x, 0);
  if (settled(E74)) return ldexp(R[0], m);
  return expSlow(x);
}

/** e^x − 1 as H + L (|x| ≤ 709), relative error < 2^-72. */
function expm1DD(x: number): void {
  if (x < 0.0027 && x > -0.0027) { expm1Poly(x, 0); R[0] = R[2] + R[3]; R[1] = R[3] - (R[0] - R[2]); return; }
  const m = expCore(x, 0);
  const a = ldexp(R[0], m), b = ldexp(R[1], m);
  const s = a - 1;
  const lo = sumErr(a, -1) + b;
  R[0] = s + lo;
  R[1] = lo - (R[0] - s);
}

/** e^x − 1, correctly rounded (accurate also for tiny x). */
export function expm1(x: number): number {
  if (!(x < 709.78 && x > -38)) {
    if (x !== x) return x;
    if (x <= -38) return -1;
    if (x > 709.79) return Infinity;
    return expm1Slow(x);
  }
  if (x < 5.551115123125783e-17 && x > -5.551115123125783e-17) return x; // |x| < 2^-54: x + x²/2 rounds to x
  expm1DD(x);
  if (settled(E70)) return R[0];
  return expm1Slow(x);
}

// ---- log ---------------------------------------------------------------------------------------------

/** z³/3 for z = zh + zl (|zl| ≤ ulp(zh)), given q + qe = zh², as R[6] + R[7] (relative error ~2^-100). */
function cubeThird(zh: number, zl: number, q: number, qe: number): void {
  const w = q * zh; // z³ = w + we + qe·zh + 3q·zl (+ negligible)
  const we = prodErr(q, zh, w);
  const w3 = w / 3;
  const u = 3 * w3;
  const ue = prodErr(3, w3, u);
  R[6] = w3;
  R[7] = ((w - u) - ue + we + qe * zh + 3 * q * zl) / 3;
}

/** ln(1 + z) for z = zh + zl, |z| ≤ 2^-7.9, as H + L; relative error < 2^-80 (t³/3 in double-double). */
function log1pSeries(zh: number, zl: number): void {
  const q = zh * zh;
  const qe = sqrErr(zh, q);
  cubeThird(zh, zl, q, qe);
  const w3 = R[6], w3l = R[7];
  const tail = q * q * (-0.25 + zh * (0.2 + zh * (-0.16666666666666666 + zh * (0.14285714285714285
    + zh * (-0.125 + zh * (0.1111111111111111 - zh * 0.1))))));
  const hq = -0.5 * q;
  const s1 = zh + hq;
  const e1 = hq - (s1 - zh);
  const s2 = s1 + w3;
  const e2 = w3 - (s2 - s1);
  const lo = e1 + e2 + (zl - (0.5 * qe + zh * zl) + w3l + tail);
  R[0] = s2 + lo;
  R[1] = lo - (R[0] - s2);
}

/** ln x for a positive finite x as H + L; relative error < 2^-78. */
function logCore(x: number): void {
  const T = logTable ?? (logTable = getLogTable());
  let k = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; k = -54; } // subnormal: scale by 2^54
  const hi = highWord(x);
  k += ((hi >>> 20) & 0x7ff) - 1023;
  let m = fromWords((hi & 0xfffff) | 0x3ff00000, lowWord(x)); // [1, 2)
  if (m >= 1.5) { m *= 0.5; k += 1; }
  const i = ((m * 256) | 0) - 192;
  const ci = T.c[i];
  let zh: number, zl: number;
  if (ci === 1) { zh = m - 1; zl = 0; }
  else {
    const p = m * ci;
    const pe = prodErr(m, ci, p);
    const z0 = p - 1; // exact (Sterbenz)
    zh = z0 + pe;
    zl = pe - (zh - z0);
  }
  log1pSeries(zh, zl);
  const a = k * LN2_1; // exact
  const t1 = a + T.hi[i];
  const f1 = sumErr(a, T.hi[i]);
  const t2 = t1 + R[0];
  const f2 = sumErr(t1, R[0]);
  const lo = f1 + f2 + (k * LN2_2 + (T.lo[i] + (k * LN2_3 + R[1])));
  R[0] = t2 + lo;
  R[1] = lo - (R[0] - t2);
}
let logTable: ReturnType<typeof getLogTable> | null = null;

function logSpecial(x: number): number {
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  return NaN; // NaN or negative
}

/** ln x, correctly rounded. */
export function log(x: number): number {
  if (!(x > 0 && x < Infinity)) return logSpecial(x);
  logCore(x);
  if (settled(E72)) return R[0];
  return logSlow(x);
}

/** ln(1 + x), correctly rounded (accurate also for tiny x). */
export function log1p(x: number): number {
  if (!(x > -1 && x < Infinity)) return x === -1 ? -Infinity : x === Infinity ? x : NaN;
  if (x < 5.551115123125783e-17 && x > -5.551115123125783e-17) return x;
  if (x < 0.0039 && x > -0.0039) log1pSeries(x, 0);
  else {
    const s = 1 + x;
    const se = sumErr(1, x);
    logCore(s);
    // ln(s + se) = ln s + se/s − …; (se/s)² ≤ 2^-106 is below the error bound.
    const lo = R[1] + se / s;
    const h = R[0];
    R[0] = h + lo;
    R[1] = lo - (R[0] - h);
  }
  if (settled(E72)) return R[0];
  return log1pSlow(x);
}

/** H + L times the double-double c. */
function mulDD(ch: number, cl: number): void {
  const p = R[0] * ch;
  const pe = prodErr(R[0], ch, p);
  const lo = pe + (R[0] * cl + R[1] * ch);
  R[0] = p + lo;
  R[1] = lo - (R[0] - p);
}

/** log2 x, correctly rounded (exact for powers of two). */
export function log2(x: number): number {
  if (!(x > 0 && x < Infinity)) return logSpecial(x);
  const hw = highWord(x);
  if (lowWord(x) === 0 && (hw & 0xfffff) === 0 && x >= 2.2250738585072014e-308) return ((hw >>> 20) & 0x7ff) - 1023;
  logCore(x);
  mulDD(INV_LN2_H, INV_LN2_L);
  if (settled(E72)) return R[0];
  return log2Slow(x);
}

/** log10 x, correctly rounded. */
export function log10(x: number): number {
  if (!(x > 0 && x < Infinity)) return logSpecial(x);
  logCore(x);
  mulDD(INV_LN10_H, INV_LN10_L);
  if (settled(E72)) return R[0];
  return log10Slow(x);
}

// ---- pow ---------------------------------------------------------------------------------------------

function isInteger(y: number): boolean {
  return Math.floor(y) === y; // floor is exact in every engine
}
function isOddInteger(y: number): boolean {
  return y > -9007199254740992 && y < 9007199254740992 && isInteger(y) && (y % 2 !== 0);
}

/** x^y with ECMAScript's special cases (Number::exponentiate), correctly rounded. */
export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  const ax = x < 0 ? -x : x;
  if (y === Infinity || y === -Infinity) {
    if (ax === 1) return NaN;
    return (ax > 1) === (y > 0) ? Infinity : 0;
  }
  if (ax === Infinity || x === 0) {
    const big = ax === Infinity;
    const neg = x < 0 || Object.is(x, -0);
    const odd = neg && isOddInteger(y);
    const v = (big ? y > 0 : y < 0) ? Infinity : 0;
    return odd ? -v : v;
  }
  if (x < 0 && !isInteger(y)) return NaN;
  const sign = x < 0 && isOddInteger(y) ? -1 : 1;
  if (ax === 1) return sign;
  if (y === 1) return x;
  logCore(ax);
  const lh = R[0], ll = R[1];
  const th0 = y * lh;
  if (!(th0 < 709.78 && th0 > -708.39)) {
    if (th0 > 709.8) return sign * Infinity;
    if (th0 < -745.2) return sign * 0;
    return sign * powSlow(y, ax);
  }
  // y·ln|x| as th + tl exactly enough (|y| < 2^63 here since |ln|x|| ≥ 2^-53).
  const lo = prodErr(y, lh, th0) + y * ll;
  const th = th0 + lo;
  const tl = lo - (th - th0);
  const m = expCore(th, tl);
  if (settled(E66)) return sign * ldexp(R[0], m);
  return sign * powSlow(y, ax);
}

// ---- sin, cos, tan -----------------------------------------------------------------------------------

const INV_PIO2 = 0.6366197723675814;

/** x = q·π/2 + (RH + RL) with |RH| ≤ π/4 + tiny; returns q mod 4. Relative error of r < 2^-78. */
function reduce(x: number): number {
  if (x <= 0.7853981633974483 && x >= -0.7853981633974483) { R[4] = x; R[5] = 0; return 0; }
  if (x < 1048576 && x > -1048576) {
    const qf = (x * INV_PIO2 + SHIFT) - SHIFT;
    const r1 = x - qf * PIO2_1; // exact
    const b2 = -qf * PIO2_2; // exact
    const s = r1 + b2;
    const e = sumErr(r1, b2);
    const b3 = -qf * PIO2_3; // exact
    const s2 = s + b3;
    const e2 = sumErr(s, b3);
    const lo = e + e2 - qf * PIO2_4;
    R[4] = s2 + lo;
    R[5] = sumErr(s2, lo);
    return qf & 3;
  }
  return reduceSlow(x);
}

/** Payne–Hanek for |x| ≥ 2^20: the exact reduction in BigInt (exact.ts), r rounded to a double-double. */
function reduceSlow(x: number): number {
  const r = reduceHalfPiDD(x);
  R[4] = r.hi; R[5] = r.lo;
  return r.q;
}

let trig: ReturnType<typeof getTrigTable> | null = null;

/**
 * sin (cosine = false) or cos of r = rh + rl (|r| ≤ π/4 + tiny) as R[0] + R[1]: with a = j/256 the nearest
 * table point and t = r − a (|t| ≤ 2^-9), sin(a + t) = S + C·t + S·(cos t − 1) + C·(sin t − t) and
 * cos(a + t) = C − S·t + C·(cos t − 1) − S·(sin t − t). Only the first-order product is large enough to need
 * its rounding error (exact, from the table value's pre-split halves); cos t − 1 ≤ 2^-19 and sin t − t ≤ 2^-29.6
 * in plain double cost ≤ 2^-70 of the result, the table is double-double.
 */
function sinCosKernel(rh: number, rl: number, cosine: boolean): void {
  const T = trig ?? (trig = getTrigTable());
  let neg = false;
  if (rh < 0) { rh = -rh; rl = -rl; neg = !cosine; }
  const j = (rh * 256 + 0.5) | 0;
  const th = rh - j * 0.00390625; // exact
  const tl = rl;
  const q = th * th;
  const cm1 = q * (-0.5 + q * (0.041666666666666664 - q * 0.001388888888888889)) - th * tl; // cos t − 1
  const smt = th * q * (-0.16666666666666666 + q * (0.008333333333333333 - q * 1.984126984126984e-4)); // sin t − t
  const thh = splitHi(th), thl = th - thh;
  const S = T.sin[j], C = T.cos[j];
  let u: number, lo: number;
  if (!cosine) {
    const p1 = C * th; // |p1| ≤ 2^-9 ≤ S (or S = 0): S + p1 is a fast two-sum
    const e1 = ((T.cosH[j] * thh - p1) + T.cosH[j] * thl + T.cosT[j] * thh) + T.cosT[j] * thl;
    u = S + p1;
    lo = ((S - u) + p1) + (e1 + T.sinL[j] + C * tl + T.cosL[j] * th + S * cm1 + C * smt);
  } else {
    const p1 = S * th;
    const e1 = ((T.sinH[j] * thh - p1) + T.sinH[j] * thl + T.sinT[j] * thh) + T.sinT[j] * thl;
    u = C - p1;
    lo = ((C - u) - p1) + (-e1 + T.cosL[j] - S * tl - T.sinL[j] * th + C * cm1 - S * smt);
  }
  R[0] = u + lo; R[1] = lo - (R[0] - u);
  if (neg) { R[0] = -R[0]; R[1] = -R[1]; }
}

/** sin x, correctly rounded; any finite x (exact reduction for huge x). */
export function sin(x: number): number {
  if (x < 1.4901161193847656e-8 && x > -1.4901161193847656e-8) return x; // |x| < 2^-26: x − x³/6 rounds to x
  if (!(x < Infinity && x > -Infinity)) return NaN;
  const q = reduce(x);
  sinCosKernel(R[4], R[5], (q & 1) === 1);
  if (q & 2) { R[0] = -R[0]; R[1] = -R[1]; }
  if (settled(E69)) return R[0];
  return sinSlow(x);
}

/** cos x, correctly rounded; any finite x. */
export function cos(x: number): number {
  if (x < 7.450580596923828e-9 && x > -7.450580596923828e-9) return 1; // |x| < 2^-27: 1 − x²/2 rounds to 1
  if (!(x < Infinity && x > -Infinity)) return NaN;
  const q = reduce(x);
  sinCosKernel(R[4], R[5], (q & 1) === 0);
  if (((q + 1) & 2) !== 0) { R[0] = -R[0]; R[1] = -R[1]; }
  if (settled(E69)) return R[0];
  return cosSlow(x);
}

/**
 * sin x into out[o] and cos x into out[o + 1], correctly rounded, with one argument reduction: for code that
 * needs both (rotations, the environments' dynamics).
 */
export function sinCos(x: number, out: Float64Array, o = 0): void {
  if (!(x < 7.450580596923828e-9 && x > -7.450580596923828e-9) && x < Infinity && x > -Infinity) {
    const q = reduce(x);
    const rh = R[4], rl = R[5];
    sinCosKernel(rh, rl, (q & 1) === 1);
    if (q & 2) { R[0] = -R[0]; R[1] = -R[1]; }
    out[o] = settled(E69) ? R[0] : sinSlow(x);
    sinCosKernel(rh, rl, (q & 1) === 0);
    if (((q + 1) & 2) !== 0) { R[0] = -R[0]; R[1] = -R[1]; }
    out[o + 1] = settled(E69) ? R[0] : cosSlow(x);
  } else {
    out[o] = sin(x);
    out[o + 1] = cos(x);
  }
}

/** tan x, correctly rounded; any finite x. */
export function tan(x: number): number {
  if (x < 7.450580596923828e-9 && x > -7.450580596923828e-9) return x; // |x| < 2^-27: x + x³/3 rounds to x
  if (!(x < Infinity && x > -Infinity)) return NaN;
  const q = reduce(x);
  const rh = R[4], rl = R[5];
  sinCosKernel(rh, rl, false);
  const sh = R[0], sl = R[1];
  sinCosKernel(rh, rl, true);
  // even q: sin/cos; odd: −cos/sin
  if (q & 1) divDD(-R[0], -R[1], sh, sl); else divDD(sh, sl, R[0], R[1]);
  if (settled(E67)) return R[0];
  return tanSlow(x);
}

/** (nh + nl)/(dh + dl) into H + L (relative error ~2^-104 plus the operands'). */
function divDD(nh: number, nl: number, dh: number, dl: number): void {
  const qh = nh / dh;
  const p = qh * dh;
  const pe = prodErr(qh, dh, p);
  const ql = ((nh - p) - pe + nl - qh * dl) / dh;
  R[0] = qh + ql;
  R[1] = ql - (R[0] - qh);
}

// ---- atan, atan2 -------------------------------------------------------------------------------------

let atanT: ReturnType<typeof getAtanTable> | null = null;

/** atan(xh + xl) for 0 ≤ xh ≤ 1 as H + L; relative error < 2^-90. */
function atanKernel(xh: number, xl: number): void {
  const T = atanT ?? (atanT = getAtanTable());
  const j = (xh * 256 + 0.5) | 0;
  const b = j * 0.00390625;
  const nh = xh - b; // exact
  // den = 1 + x·b as dh + dl
  const p = xh * b;
  const pe = prodErr(xh, b, p);
  const dh = 1 + p;
  const dl = (p - (dh - 1)) + pe + xl * b;
  divDD(nh, xl, dh, dl);
  const th = R[0], tl = R[1];
  // atan t = t − t³/3 + t⁵/5 − t⁷/7 + t⁹/9, |t| ≤ 2^-9; t³/3 in double-double.
  const q = th * th;
  const qe = sqrErr(th, q);
  cubeThird(th, tl, q, qe);
  const w3 = R[6], w3l = R[7];
  const tail = th * q * q * (0.2 - q * (0.14285714285714285 - q * 0.1111111111111111));
  const s = th - w3;
  const se = (th - s) - w3;
  const v = T.hi[j] + s;
  const ve = sumErr(T.hi[j], s);
  const lo = ve + T.lo[j] + (se + tl - w3l + tail);
  R[0] = v + lo;
  R[1] = lo - (R[0] - v);
}

/** a − (H + L) for a double-double constant a = ah + al, into H + L. */
function constMinus(ah: number, al: number): void {
  const s = ah - R[0];
  const lo = sumErr(ah, -R[0]) + al - R[1];
  R[0] = s + lo;
  R[1] = lo - (R[0] - s);
}

/** atan x, correctly rounded. */
export function atan(x: number): number {
  const a = x < 0 ? -x : x;
  if (!(a > 7.450580596923828e-9)) return x; // |x| < 2^-27 (and NaN, ±0): x − x³/3 rounds to x
  if (a > 1152921504606846976) return x < 0 ? -PIO2_H : PIO2_H; // |x| > 2^60: rounds to π/2
  if (a <= 1) atanKernel(a, 0);
  else {
    const yh = 1 / a;
    const p = yh * a;
    atanKernel(yh, ((1 - p) - prodErr(yh, a, p)) / a);
    constMinus(PIO2_H, PIO2_L);
  }
  if (x < 0) { R[0] = -R[0]; R[1] = -R[1]; }
  if (settled(E72)) return R[0];
  return atanSlow(x);
}

/** atan2(y, x) with ECMAScript's special cases, correctly rounded. */
export function atan2(y: number, x: number): number {
  if (y !== y || x !== x) return NaN;
  const pi = PI_H, pio2 = PIO2_H;
  const ay = y < 0 ? -y : y, ax = x < 0 ? -x : x;
  const negY = y < 0 || Object.is(y, -0);
  const signed = (v: number): number => (negY ? -v : v);
  if (ay === 0) return x > 0 || Object.is(x, 0) ? y : signed(pi);
  if (ax === 0) return signed(pio2);
  if (ay === Infinity) return signed(ax === Infinity ? (x > 0 ? 0.5 * pio2 : threeQuarterPi()) : pio2);
  if (ax === Infinity) return x > 0 ? (negY ? -0 : 0) : signed(pi);
  const swap = ay > ax;
  let n = swap ? ax : ay, dd = swap ? ay : ax;
  // Scale both (exactly) so the division's error term neither overflows nor underflows.
  if (dd > 1e300 || dd < 1e-300) { const s = POW2[1023 - ((highWord(dd) >>> 20) & 0x7ff) + 1074]; n *= s; dd *= s; }
  const th = n / dd;
  if (!(th > 1e-290) || dd !== dd || !(dd < Infinity)) return atan2Slow(x, y);
  divDD(n, 0, dd, 0);
  atanKernel(R[0], R[1]);
  if (swap) constMinus(PIO2_H, PIO2_L);
  if (x < 0) constMinus(PI_H, PI_L);
  if (negY) { R[0] = -R[0]; R[1] = -R[1]; }
  if (settled(E70)) return R[0];
  return atan2Slow(x, y);
}

/** 3π/4 correctly rounded: π − π/4 in double-double (π/4 is π/2's halves, exact). */
function threeQuarterPi(): number {
  R[0] = 0.5 * PIO2_H; R[1] = 0.5 * PIO2_L;
  constMinus(PI_H, PI_L);
  return R[0];
}

// ---- sinh, cosh, tanh --------------------------------------------------------------------------------

/** tanh x, correctly rounded. */
export function tanh(x: number): number {
  const a = x < 0 ? -x : x;
  if (!(a > 7.450580596923828e-9)) return x; // |x| < 2^-27, ±0, NaN
  if (a >= 19.1) return x < 0 ? -1 : 1;
  expm1DD(2 * a);
  const uh = R[0], ul = R[1];
  const dh = uh + 2, dl = sumErr(uh, 2) + ul;
  divDD(uh, ul, dh, dl);
  if (x < 0) { R[0] = -R[0]; R[1] = -R[1]; }
  if (settled(E68)) return R[0];
  return tanhSlow(x);
}

/** sinh x, correctly rounded. */
export function sinh(x: number): number {
  const a = x < 0 ? -x : x;
  if (!(a > 1.4901161193847656e-8)) return x; // |x| < 2^-26, ±0, NaN
  if (a === Infinity) return x;
  if (a > 36) {
    if (a > 710.48) return x < 0 ? -Infinity : Infinity;
    if (a > 709.7) return sinhSlow(x);
    const m = expCore(a, 0);
    if (!settled(E74)) return sinhSlow(x);
    const v = ldexp(R[0], m - 1);
    return x < 0 ? -v : v;
  }
  // (u + u/(u + 1))/2 with u = e^a − 1
  expm1DD(a);
  const uh = R[0], ul = R[1];
  const vh = uh + 1, vl = sumErr(uh, 1) + ul;
  divDD(uh, ul, vh, vl);
  const s = uh + R[0], lo = sumErr(uh, R[0]) + ul + R[1];
  R[0] = 0.5 * (s + lo); R[1] = 0.5 * (lo - (s + lo - s));
  if (x < 0) { R[0] = -R[0]; R[1] = -R[1]; }
  if (settled(E67)) return R[0];
  return sinhSlow(x);
}

/** cosh x, correctly rounded. */
export function cosh(x: number): number {
  const a = x < 0 ? -x : x;
  if (!(a >= 1.4901161193847656e-8)) return a === a ? 1 : NaN; // |x| < 2^-26: 1 + x²/2 rounds to 1
  if (a === Infinity) return Infinity;
  if (a > 36) {
    if (a > 710.48) return Infinity;
    if (a > 709.7) return coshSlow(x);
    const m = expCore(a, 0);
    if (!settled(E74)) return coshSlow(x);
    return ldexp(R[0], m - 1);
  }
  const m = expCore(a, 0);
  const eh = ldexp(R[0], m), el = ldexp(R[1], m);
  divDD(1, 0, eh, el);
  const s = eh + R[0], lo = sumErr(eh, R[0]) + el + R[1];
  R[0] = 0.5 * (s + lo); R[1] = 0.5 * (lo - (s + lo - s));
  if (settled(E70)) return R[0];
  return coshSlow(x);
}

// ---- float32 forms -----------------------------------------------------------------------------------

/**
 * The float32 result from the correctly rounded double r: Math.fround(r) is correctly rounded unless r is
 * itself a float32 midpoint (then the double rounding may have gone either way) or a float32 subnormal;
 * those rare cases are recomputed in BigInt at float32's width.
 */
function toF32(r: number, exact: (p: number) => Dyadic): number {
  const f = Math.fround(r);
  if (f === r || r !== r) return f;
  const a = r < 0 ? -r : r;
  if ((lowWord(r) & 0x1fffffff) === 0x10000000 || a < 1.1754943508222875e-38) return ziv(exact, SINGLE);
  return f;
}

export const expf = (x: number): number => toF32(exp(x), (p) => expDyadic(d(x), p));
export const expm1f = (x: number): number => toF32(expm1(x), (p) => expm1Dyadic(d(x), p));
export const logf = (x: number): number => toF32(log(x), (p) => logDyadic(d(x), p));
export const log1pf = (x: number): number => toF32(log1p(x), (p) => logDyadic(onePlus(d(x)), p));
export const log2f = (x: number): number => toF32(log2(x), (p) => logBaseDyadic(d(x), p, LN2));
export const sinf = (x: number): number => toF32(sin(x), (p) => trigDyadic(d(x), p, 0));
export const cosf = (x: number): number => toF32(cos(x), (p) => trigDyadic(d(x), p, 1));
export const tanf = (x: number): number => toF32(tan(x), (p) => trigDyadic(d(x), p, 2));
export const atanf = (x: number): number => toF32(atan(x), (p) => atan2Dyadic(d(x), d(1), p));
export const tanhf = (x: number): number => toF32(tanh(x), (p) => hyperbolicDyadic(d(x), p, 2));
export const powf = (x: number, y: number): number => toF32(pow(x, y), (p) => {
  const r = powDyadic(d(x), d(y), p);
  return x < 0 && isOddInteger(y) ? { m: -r.m, e: r.e } : r;
});

// The slow paths, each its own function: a closure inside the fast function would make V8 allocate a
// context for every call.
function expSlow(x: number): number { return ziv((p) => expDyadic(d(x), p)); }
function expm1Slow(x: number): number { return ziv((p) => expm1Dyadic(d(x), p)); }
function logSlow(x: number): number { return ziv((p) => logDyadic(d(x), p)); }
function log2Slow(x: number): number { return ziv((p) => logBaseDyadic(d(x), p, LN2)); }
function log10Slow(x: number): number { return ziv((p) => logBaseDyadic(d(x), p, LN10)); }
function powSlow(y: number, ax: number): number { return ziv((p) => powDyadic(d(ax), d(y), p)); }
function sinSlow(x: number): number { return ziv((p) => trigDyadic(d(x), p, 0)); }
function cosSlow(x: number): number { return ziv((p) => trigDyadic(d(x), p, 1)); }
function tanSlow(x: number): number { return ziv((p) => trigDyadic(d(x), p, 2)); }
function atanSlow(x: number): number { return ziv((p) => atan2Dyadic(d(x), d(1), p)); }
function atan2Slow(x: number, y: number): number { return ziv((p) => atan2Dyadic(d(y), d(x), p)); }
function tanhSlow(x: number): number { return ziv((p) => hyperbolicDyadic(d(x), p, 2)); }
function sinhSlow(x: number): number { return ziv((p) => hyperbolicDyadic(d(x), p, 0)); }
function coshSlow(x: number): number { return ziv((p) => hyperbolicDyadic(d(x), p, 1)); }
function log1pSlow(x: number): number { return ziv((p) => logDyadic(onePlus(d(x)), p)); }
