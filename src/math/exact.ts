/**
 * Multi-precision evaluation in BigInt: the slow path that makes the project's functions correctly
 * rounded, and the source of their tables. Only integer arithmetic, so every engine gives the same bits.
 *
 * A real is held as a dyadic m·2^e (m a bigint). The functions below return a dyadic within relative
 * 2^-p of the true value (each works with 64+ guard bits beyond what that needs, so the bound holds
 * with a wide margin); `ziv` asks for more bits until the rounding of every point in the error interval
 * agrees (Ziv's strategy). An exact midpoint never resolves: at 2048 bits the midpoint is taken as exact and
 * rounded to even — a non-exact value of these functions at a double is never that close to a midpoint
 * (the hardest cases known for double precision need about 2^-120).
 */

import { highWord, lowWord, ldexp } from './eft.js';

export interface Dyadic {
  readonly m: bigint;
  readonly e: number;
}

/** x (finite) as an exact dyadic. */
export function dyadicOf(x: number): Dyadic {
  const hi = highWord(x), lo = lowWord(x);
  const be = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (be === 0) e = -1074;
  else { m |= 1n << 52n; e = be - 1075; }
  return { m: hi >>> 31 ? -m : m, e };
}

export function bitLength(m: bigint): number {
  if (m < 0n) m = -m;
  if (m === 0n) return 0;
  // toString(16) is linear; fine for a slow path.
  const s = m.toString(16);
  return (s.length - 1) * 4 + (32 - Math.clz32(parseInt(s[0], 16)));
}

/** A binary format: significand bits and the smallest normal exponent and the largest finite one. */
export interface Format { readonly bits: number; readonly emin: number; readonly emax: number }
export const DOUBLE: Format = { bits: 53, emin: -1022, emax: 1023 };
export const SINGLE: Format = { bits: 24, emin: -126, emax: 127 };

/** m·2^e correctly rounded (to nearest, ties to even) to the format, with overflow and subnormals. */
export function roundDyadic(m: bigint, e: number, fmt: Format = DOUBLE): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  if (neg) m = -m;
  const L = bitLength(m);
  const lead = L - 1 + e; // exponent of the leading bit
  let shift = lead >= fmt.emin ? L - fmt.bits : fmt.emin - fmt.bits + 1 - e;
  let q: bigint;
  if (shift <= 0) q = m, shift = 0;
  else {
    q = m >> BigInt(shift);
    const rem = m - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const qe = e + shift;
  // Overflow: the rounded value reaches 2^(emax+1).
  if (bitLength(q) - 1 + qe > fmt.emax) return neg ? -Infinity : Infinity;
  const v = ldexp(Number(q), qe);
  return neg ? -v : v;
}

/**
 * Ziv's loop: approx(p) is within relative 2^-p of the true value; returns the value correctly rounded.
 * Where the result is an exact midpoint (some pow cases), the loop ends at 2048 bits and rounds it to even.
 */
export function ziv(approx: (p: number) => Dyadic, fmt: Format = DOUBLE): number {
  for (let p = 96; ; p *= 2) {
    let a = approx(p);
    if (a.m === 0n) return 0;
    // At least p + 2 bits in m, so that the one unit of slack below is negligible (an exact short result).
    const short = p + 2 - bitLength(a.m);
    if (short > 0) a = { m: a.m << BigInt(short), e: a.e - short };
    const err = ((a.m < 0n ? -a.m : a.m) >> BigInt(p)) + 1n;
    const lo = roundDyadic(a.m - err, a.e, fmt), hi = roundDyadic(a.m + err, a.e, fmt);
    if (Object.is(lo, hi)) return lo;
    if (p >= 2048) {
      // Taken as the exact midpoint between lo and hi: ties to even.
      return evenOf(lo, hi, fmt);
    }
  }
}

/** Whichever of two neighbours in the format has an even last significand bit. */
function evenOf(a: number, b: number, fmt: Format): number {
  const d = dyadicOf(a);
  const m = d.m < 0n ? -d.m : d.m;
  const lead = bitLength(m) - 1 + d.e;
  const last = Math.max(lead, fmt.emin) - fmt.bits + 1; // exponent of the last significand bit
  return ((m >> BigInt(last - d.e)) & 1n) === 0n ? a : b;
}

// ---- fixed point: a bigint X stands for X / 2^G -----------------------------------------------------

const B = (n: number): bigint => BigInt(n);

/** a·b / 2^G truncated toward zero (a floor would leave a negative series term at −1 for ever). */
function mulShift(a: bigint, b: bigint, G: number): bigint {
  const p = a * b;
  return p >= 0n ? p >> B(G) : -((-p) >> B(G));
}

/** The dyadic as fixed point with G fractional bits (floor). */
export function toFixed(d: Dyadic, G: number): bigint {
  const s = d.e + G;
  return s >= 0 ? d.m << B(s) : d.m >> B(-s);
}

/** Cached constants: the value at the largest precision asked so far, shifted down on request. */
function cached(compute: (G: number) => bigint): (G: number) => bigint {
  let best = 0, val = 0n;
  return (G) => {
    if (G > best) { best = G + 256; val = compute(best); }
    return val >> B(best - G);
  };
}

/** Σ_k sign^k x^(2k+1)/(2k+1) for fixed x (|x| < 1): atan (sign −1) or atanh (sign +1). */
function oddSeries(x: bigint, G: number, alternate: boolean): bigint {
  const x2 = (x * x) >> B(G);
  let term = x, sum = 0n;
  for (let k = 0; term !== 0n; k++) {
    const t = term / B(2 * k + 1);
    sum += alternate && k % 2 === 1 ? -t : t;
    term = mulShift(term, x2, G);
  }
  return sum;
}

/** atan(1/n) for integer n ≥ 2 at G bits. */
function atanInv(n: number, G: number): bigint {
  const nn = B(n * n);
  let term = (1n << B(G)) / B(n), sum = 0n;
  for (let k = 0; term !== 0n; k++) {
    const t = term / B(2 * k + 1);
    sum += k % 2 === 1 ? -t : t;
    term /= nn;
  }
  return sum;
}

export const LN2 = cached((G) => (2n * oddSeries((1n << B(G + 8)) / 3n, G + 8, false)) >> 8n);
export const PI = cached((G) => (16n * atanInv(5, G + 8) - 4n * atanInv(239, G + 8)) >> 8n);
const TWO_OVER_PI = cached((G) => (1n << B(2 * G + 1)) / PI(G));
export const LN10 = cached((G) => logFixedOfDyadic({ m: 10n, e: 0 }, G));

/** exp of fixed X (G bits, |X| ≤ 1): Taylor on X/2^8, then 8 squarings. */
function expSmall(X: bigint, G: number): bigint {
  const S = 8, H = G + S + 16;
  const one = 1n << B(H);
  const y = (X << B(H - G)) >> B(S);
  let term = one, sum = one;
  for (let n = 1; term !== 0n; n++) {
    term = mulShift(term, y, H) / B(n);
    sum += term;
  }
  for (let i = 0; i < S; i++) sum = (sum * sum) >> B(H);
  return sum >> B(H - G);
}

/** exp(x) as m·2^e, relative error < 2^-(G − 40) for |x| < 2^11; G fractional bits internally. */
function expDyadicG(x: Dyadic, G: number): Dyadic {
  const X = toFixed(x, G);
  const l2 = LN2(G);
  let k = X / l2;
  let R = X - k * l2;
  // Round k to nearest so |R| ≤ ln2/2.
  if (2n * R > l2) { k += 1n; R -= l2; } else if (2n * R < -l2) { k -= 1n; R += l2; }
  return { m: expSmall(R, G), e: Number(k) - G };
}

/** Bits of x's magnitude below 1: how many leading fractional zeros (0 for |x| ≥ 1/2). */
function leadingZeros(x: Dyadic): number {
  if (x.m === 0n) return 0;
  return Math.max(0, -(bitLength(x.m) + x.e));
}

export function expDyadic(x: Dyadic, p: number): Dyadic {
  return expDyadicG(x, p + 64);
}

/** exp(x) − 1 with relative precision, also for tiny x. */
export function expm1Dyadic(x: Dyadic, p: number): Dyadic {
  const G = p + 64 + leadingZeros(x);
  const r = expDyadicG(x, G); // r.m·2^(k−G)
  const k = r.e + G;
  return G - k >= 0 ? { m: r.m - (1n << B(G - k)), e: r.e } : { m: (r.m << B(k - G)) - 1n, e: 0 };
}

/** ln(y) for fixed Y ∈ [0.75, 1.5] (G bits): 2·atanh((Y − 1)/(Y + 1)). */
function logNearOne(Y: bigint, G: number): bigint {
  const one = 1n << B(G);
  const z = ((Y - one) << B(G)) / (Y + one);
  return 2n * oddSeries(z, G, false);
}

/** ln(x) for a positive dyadic, as fixed point with G bits (absolute error a few units). */
function logFixedOfDyadic(x: Dyadic, G: number): bigint {
  const L = bitLength(x.m);
  let k = L - 1 + x.e; // x = y·2^k with y ∈ [1, 2)
  let Y = toFixed({ m: x.m, e: -(L - 1) }, G);
  const one = 1n << B(G);
  if (2n * Y > 3n * one) { k += 1; Y >>= 1n; }
  return B(k) * LN2(G) + logNearOne(Y, G);
}

/** How many leading zero bits ln(x) has below 1 when x is near 1 (so the precision is relative). */
function logCancellation(x: Dyadic): number {
  const L = bitLength(x.m);
  if (L - 1 + x.e !== 0 && L + x.e !== 0) return 0;
  // x − 1 exactly
  const d = x.e >= 0 ? (x.m << B(x.e)) - 1n : x.m - (1n << B(-x.e));
  return leadingZeros({ m: d, e: Math.min(0, x.e) });
}

export function logDyadic(x: Dyadic, p: number): Dyadic {
  const G = p + 64 + logCancellation(x);
  return { m: logFixedOfDyadic(x, G), e: -G };
}

/** 1 + x, exact. */
export function onePlus(x: Dyadic): Dyadic {
  return x.e >= 0 ? { m: (x.m << B(x.e)) + 1n, e: 0 } : { m: x.m + (1n << B(-x.e)), e: x.e };
}

/** log_b(x) = ln x / ln b for a constant ln b (fixed-point function of G). */
export function logBaseDyadic(x: Dyadic, p: number, lnBase: (G: number) => bigint): Dyadic {
  const G = p + 64 + logCancellation(x);
  return { m: (logFixedOfDyadic(x, G) << B(G)) / lnBase(G), e: -G };
}

// ---- trigonometric ------------------------------------------------------------------------------------

/** sin and cos of fixed R (G bits, |R| ≤ 1) by Taylor series. */
function sinCosFixed(R: bigint, G: number): [bigint, bigint] {
  const r2 = (R * R) >> B(G);
  let s = R, ts = R, c = 1n << B(G), tc = c;
  for (let n = 1; ts !== 0n || tc !== 0n; n++) {
    tc = -mulShift(tc, r2, G) / B((2 * n - 1) * (2 * n));
    ts = -mulShift(ts, r2, G) / B(2 * n * (2 * n + 1));
    c += tc; s += ts;
  }
  return [s, c];
}

/**
 * x = q·π/2 + r exactly enough: q mod 4 and r as fixed point with G bits and at least p + 64 significant
 * bits (the precision grows until r has them, so arguments near a multiple of π/2 keep full relative
 * precision). Payne–Hanek in spirit: x times 2/π to as many bits as x's exponent needs.
 */
function reduceHalfPi(x: Dyadic, p: number): { q: number; R: bigint; G: number } {
  if (x.m === 0n) return { q: 0, R: 0n, G: p };
  for (let G = p + 128; ; G += p + 128) {
    const top = Math.max(0, bitLength(x.m) + x.e);
    const Q = G + top + 64;
    const P = x.m * TWO_OVER_PI(Q); // x·(2/π)·2^(Q − e)
    const U = toFixed({ m: P, e: x.e - Q }, G);
    const half = 1n << B(G - 1);
    const q = (U + half) >> B(G);
    const f = U - (q << B(G));
    const R = mulShift(f, PI(G), G + 1); // f·π/2
    if (bitLength(R) >= p + 72) return { q: Number(q & 3n), R, G };
  }
}

/** sin, cos or tan (which = 0, 1, 2) of x. */
export function trigDyadic(x: Dyadic, p: number, which: 0 | 1 | 2): Dyadic {
  const { q, R, G } = reduceHalfPi(x, p);
  const [s, c] = sinCosFixed(R, G);
  let m: bigint;
  if (which === 2) m = q % 2 === 0 ? (s << B(G)) / c : -((c << B(G)) / s);
  else {
    const k = (q + which) % 4; // cos x = sin(x + π/2)
    m = k === 0 ? s : k === 1 ? c : k === 2 ? -s : -c;
  }
  return { m, e: -G };
}

/** atan of fixed X (G bits, |X| ≤ 1): two argument halvings, then the series. */
function atanFixed(X: bigint, G: number): bigint {
  const one = 1n << B(G);
  for (let i = 0; i < 2; i++) {
    const s = sqrtBig((one << B(G)) + X * X); // √(1 + x²) at G bits
    X = (X << B(G)) / (one + s);
  }
  return 4n * oddSeries(X, G, true);
}

function sqrtBig(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << B((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** atan2(y, x) for finite y, x not both 0 (ECMAScript's quadrants); atan(y) is atan2(y, 1). */
export function atan2Dyadic(y: Dyadic, x: Dyadic, p: number): Dyadic {
  const ay = y.m < 0n ? -y.m : y.m, ax = x.m < 0n ? -x.m : x.m;
  // t = min/max of |y|, |x| as a fixed-point fraction, precise relative to itself.
  const yBig = bitLength(ay) + y.e > bitLength(ax) + x.e || (bitLength(ay) + y.e === bitLength(ax) + x.e && compareMag(y, x) > 0);
  const [num, den] = yBig ? [{ m: ax, e: x.e }, { m: ay, e: y.e }] : [{ m: ay, e: y.e }, { m: ax, e: x.e }];
  const lz = Math.max(0, (bitLength(den.m) + den.e) - (bitLength(num.m) + num.e));
  const G = p + 64 + lz;
  // num/den·2^G = num.m·2^(num.e − den.e + G) / den.m
  const s = num.e - den.e + G;
  const T = s >= 0 ? (num.m << B(s)) / den.m : (num.m >> B(-s)) / den.m;
  let a = atanFixed(T, G); // in [0, π/4]
  const pi = PI(G);
  if (yBig) a = (pi >> 1n) - a;
  if (x.m < 0n) a = pi - a;
  return { m: y.m < 0n ? -a : a, e: -G };
}

function compareMag(a: Dyadic, b: Dyadic): number {
  const e = Math.min(a.e, b.e);
  const am = (a.m < 0n ? -a.m : a.m) << B(a.e - e), bm = (b.m < 0n ? -b.m : b.m) << B(b.e - e);
  return am > bm ? 1 : am < bm ? -1 : 0;
}

// ---- hyperbolic and power -----------------------------------------------------------------------------

/** sinh (which 0), cosh (1) or tanh (2) of x, via expm1 so that small arguments keep their precision. */
export function hyperbolicDyadic(x: Dyadic, p: number, which: 0 | 1 | 2): Dyadic {
  if (x.m < 0n) {
    // sinh and tanh are odd, cosh even: work with |x| (e^{-|x|} − 1 stays away from −1).
    const r = hyperbolicDyadic({ m: -x.m, e: x.e }, p, which);
    return which === 1 ? r : { m: -r.m, e: r.e };
  }
  const G = p + 64;
  if (which === 2) {
    const u = expm1Dyadic({ m: x.m, e: x.e + 1 }, p + 8); // e^{2x} − 1
    const H = G + Math.max(0, -(bitLength(u.m) + u.e));
    const U = toFixed(u, H);
    return { m: (U << B(H)) / (U + (2n << B(H))), e: -H };
  }
  const u = expm1Dyadic(x, p + 8); // e^x − 1
  const H = G + Math.max(0, -(bitLength(u.m) + u.e));
  const U = toFixed(u, H), one = 1n << B(H);
  // e^{-x} − 1 = −u/(u + 1)
  const V = -((U << B(H)) / (U + one));
  // sinh = (u − v)/2, cosh = 1 + (u + v)/2
  return which === 0 ? { m: U - V, e: -H - 1 } : { m: (one << 1n) + U + V, e: -H - 1 };
}

/** The same dyadic with an odd m (or 0). */
function normalized(d: Dyadic): Dyadic {
  let { m, e } = d;
  if (m === 0n) return d;
  while ((m & 0xffffn) === 0n) { m >>= 16n; e += 16; }
  while ((m & 1n) === 0n) { m >>= 1n; e += 1; }
  return { m, e };
}

/** |x|^y for finite x ≠ 0 and finite y (the sign is the caller's). */
export function powDyadic(x: Dyadic, y: Dyadic, p: number): Dyadic {
  const ax = { m: x.m < 0n ? -x.m : x.m, e: x.e };
  y = normalized(y);
  // Small integer exponents: exact.
  if (y.e >= 0 && bitLength(y.m) + y.e <= 7) {
    const n = Number(y.m) * 2 ** y.e;
    const k = B(Math.abs(n));
    const m = ax.m ** k, e = ax.e * Math.abs(n);
    if (n >= 0) return { m, e };
    const G = p + 64 + bitLength(m);
    return { m: (1n << B(G)) / m, e: -G - e };
  }
  // y·ln|x| to absolute precision 2^-(p + 16), then exp.
  const ySize = Math.max(0, bitLength(y.m) + y.e);
  const G = p + 80 + ySize + logCancellation(ax);
  const l = logFixedOfDyadic(ax, G);
  return expDyadicG({ m: y.m * l, e: y.e - G }, p + 64);
}

// ---- what the fast paths' tables are made of ----------------------------------------------------------

/** exp(X) for fixed X (G bits, |X| ≤ 1). */
export const expOfFixed = expSmall;
/** [sin X, cos X] for fixed X (G bits, |X| ≤ 1). */
export const sinCosOfFixed = sinCosFixed;
/** atan(X) for fixed X (G bits, |X| ≤ 1). */
export const atanOfFixed = atanFixed;
/** ln(x) of a positive dyadic as fixed point (G bits). */
export const logOfDyadicFixed = logFixedOfDyadic;

/** x = q·π/2 + (hi + lo) exactly reduced (Payne–Hanek in BigInt); q mod 4. */
export function reduceHalfPiDD(x: number): { q: number; hi: number; lo: number } {
  const { q, R, G } = reduceHalfPi(dyadicOf(x), 120);
  const hi = roundDyadic(R, -G);
  return { q, hi, lo: roundDyadic(R - toFixed(dyadicOf(hi), G), -G) };
}
