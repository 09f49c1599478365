/**
 * Error-free transformations of doubles (Knuth, Dekker): the rounding error of a sum or a product is itself a
 * double, computed exactly with +, −, × alone (no FMA in JavaScript: products split a factor into two 26-bit
 * halves, Veltkamp). The bit helpers read a double's exponent and build powers of two exactly.
 */

const SPLIT = 134217729; // 2^27 + 1

/** a + b = fl(a + b) + sumErr(a, b) exactly. */
export function sumErr(a: number, b: number): number {
  const s = a + b, bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/** The high half of a (a = hi + (a − hi) exactly, each with ≤ 26 significant bits); |a| < 2^996. */
export function splitHi(a: number): number {
  const t = SPLIT * a;
  return t - (t - a);
}

/** a·b = p + prodErr(a, b, p) exactly, where p = fl(a·b); |a|, |b| < 2^996 and no underflow. */
export function prodErr(a: number, b: number, p: number): number {
  const ah = splitHi(a), al = a - ah, bh = splitHi(b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** a² = q + sqrErr(a, q) exactly, where q = fl(a²). */
export function sqrErr(a: number, q: number): number {
  const ah = splitHi(a), al = a - ah;
  return ((ah * ah - q) + 2 * ah * al) + al * al;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of a float64's high 32-bit word in u32 (platform endianness). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The high and low 32-bit words of x's bits. */
export function highWord(x: number): number { f64[0] = x; return u32[HI]; }
export function lowWord(x: number): number { f64[0] = x; return u32[1 - HI]; }
/** The double with these two words. */
export function fromWords(hi: number, lo: number): number { u32[HI] = hi; u32[1 - HI] = lo; return f64[0]; }

/** 2^k for −1074 ≤ k ≤ 1023, exact: POW2[k + 1074]. */
export const POW2 = new Float64Array(2098);
for (let k = -1074, v = 4.9406564584124654e-324; k <= 1023; k++, v *= 2) POW2[k + 1074] = v;

/** x·2^k, exact whenever x·2^k is representable (for |x| < 2^54 and −1128 ≤ k ≤ 2046). */
export function ldexp(x: number, k: number): number {
  if (k > 1000) return x * POW2[k - 600 + 1074] * POW2[600 + 1074];
  if (k < -1000) return x * POW2[k + 600 + 1074] * POW2[-600 + 1074];
  return x * POW2[k + 1074];
}
