/**
 * The integer primitives of EGG and their lookup tables. Every function here is exact integer
 * arithmetic (JS numbers used as exact integers far below 2^53); the tables are built once at load
 * from their float definitions, like the paper's precomputed tables, and are never consulted with a
 * float at run time.
 *
 *   I8(x)            saturate to [-127, 127] (−128 is never produced, as in the paper)
 *   EXP2[i]          round(16·2^(i/16)), i ∈ [0, 255]: softmax numerators in 1/16-bit units
 *   log2Fix16(s)     ≈ round(16·log2(s/16)) for 1 ≤ s < 2^31: the paper's LOG2 table (2^28 int32
 *                    entries, 1 GiB) replaced by a leading-bit normalisation and a 2^16-entry
 *                    mantissa table (256 KiB). Error bound: see log2Fix16.
 *   divTrunc(p, m)   trunc(p/m) for |p| < 2^14, 1 ≤ m ≤ 127, by a 128-entry reciprocal table instead
 *                    of the paper's 2^16 × 2^8 division table; exact (tested exhaustively).
 */
import { exp, log2 } from '../math/index.js';

/** Saturating cast to int8 without −128: the only nonlinearity of the model. */
export function i8(x: number): number {
  return x > 127 ? 127 : x < -127 ? -127 : x;
}

// ---------------------------------------------------------------------------------------------
// EXP2: 256 entries. y' = logit + 128 ∈ [1, 255], so Σ_256 EXP2[y'] < 256·EXP2[255] < 2^28.
// 2^(i/16) = 2^⌊i/16⌋ · 2^((i mod 16)/16), the second factor from √√√√2 and products: only IEEE-exact operations and
// cheap at load (test/egg/tables.test.ts checks every entry against the correctly rounded pow).
export const EXP2 = new Int32Array(256);
const ROOT16 = Math.sqrt(Math.sqrt(Math.sqrt(Math.sqrt(2))));
for (let i = 0, r = 1; i < 256; i++, r = (i & 15) === 0 ? 1 : r * ROOT16) EXP2[i] = Math.round(16 * r * 2 ** (i >> 4));

// ---------------------------------------------------------------------------------------------
// LOG2 by normalisation. For s ≥ 1 let e = ⌊log2 s⌋. The top 17 bits of s (its leading 1 and the
// next 16 bits) form m ∈ [2^16, 2^17); s ≥ m·2^(e−16) and s < (m+1)·2^(e−16), so
//   log2 s − log2(m·2^(e−16)) ∈ [0, log2(1 + 2^−16)) < 2.21e−5 bits.
// MANT[m − 2^16] = round(2^16 · 16·log2(m / 2^16)) holds the mantissa part in 1/16-bit units with 16
// fractional bits. The result before the final rounding is within 16·2.21e−5 + 2^−17 < 3.6e−4
// units (1/16 bit) of the exact 16·log2(s/16), so after rounding to an integer it equals the paper's
// LOG2[s] = round(16·log2(s/16)) except where that exact value lies within 3.6e−4 of a half-integer,
// and there it is off by exactly 1. For s < 2^17, m = s·2^(16−e) exactly and only the 2^−17 table
// rounding remains. test/egg/tables.test.ts measures the mismatch rate exhaustively for s < 2^22 and
// checks |error| ≤ 1 on a random sample of the full 28-bit range.
const MANT_BITS = 16;
let MANT: Int32Array | null = null;

/**
 * The MANT table, built on first use (65,536 logarithms: ≈ 20 ms, which a command that never runs the LM should not
 * pay at start-up). ln(1 + u) = 2·atanh(u/(2 + u)) by its series in plain double (relative error ~1e-16), so the
 * build is cheap and engine-independent; test/egg/tables.test.ts checks every entry against the correctly rounded
 * log2 of src/math.
 */
export function mantTable(): Int32Array {
  if (MANT) return MANT;
  const t = new Int32Array(1 << MANT_BITS);
  for (let j = 0; j < t.length; j++) {
    const u = j / 65536, s = u / (2 + u), s2 = s * s;
    let term = s, sum = 0;
    for (let k = 1; term > 1e-20 * sum || k === 1; k += 2) { sum += term / k; term *= s2; }
    t[j] = Math.round(65536 * 16 * ((2 * sum) / 0.6931471805599453));
  }
  return (MANT = t);
}

/** Approximately round(16·log2(s/16)) (the paper's LOG2 table) for integer 1 ≤ s < 2^31. */
export function log2Fix16(s: number): number {
  const e = 31 - Math.clz32(s);
  // m: the 17 leading bits of s; shifting left when s is short is exact.
  const m = e >= MANT_BITS ? s >>> (e - MANT_BITS) : s << (MANT_BITS - e);
  // 16·(e − 4) whole units (the −4 is log2 of the 1/16 inside the log), plus the mantissa part.
  const fixed = (16 * (e - 4)) * 65536 + (MANT ?? mantTable())[m - 65536];
  // Round half up; `fixed` may be negative for s < 16, so floor through Math.floor on the exact value.
  return Math.floor((fixed + 32768) / 65536);
}

/** The paper's definition, in floating point: the reference the tests measure log2Fix16 against. */
export function log2Reference(s: number): number {
  return Math.round(16 * log2(s / 16));
}

// ---------------------------------------------------------------------------------------------
// Division for the L1 layer norm: q = trunc(p / m), |p| ≤ 127·127 < 2^14, 1 ≤ m ≤ 127.
// RECIP[m] = ceil(2^21 / m). For 0 ≤ p < 2^14: p·RECIP[m]/2^21 = p/m + p·ε/(m·2^21) with
// 0 ≤ ε < m, so the excess is < p/2^21 < 2^−7 < 1/m ≤ the gap between p/m and the next integer:
// ⌊p·RECIP[m]/2^21⌋ = ⌊p/m⌋ exactly. The product is < 2^35, exact in a double.
const RECIP = new Float64Array(128);
for (let m = 1; m < 128; m++) RECIP[m] = Math.ceil(2 ** 21 / m);
const INV_2_21 = 1 / 2 ** 21; // exact power of two
/** RECIP as int32 (every entry ≤ 2^21), for the wasm kernels. */
export const RECIP_I32 = Int32Array.from(RECIP);

/** trunc(p / m) for |p| < 2^14 and 1 ≤ m ≤ 127, through the reciprocal table. */
export function divTrunc(p: number, m: number): number {
  const q = Math.floor((p < 0 ? -p : p) * RECIP[m] * INV_2_21);
  return p < 0 ? -q : q;
}

// ---------------------------------------------------------------------------------------------
// Integer Gaussian noise: round(16·N(0,1)) as int8, from one uniform u32 word by inversion.
// CDF_U32[k] = ⌊2^32 · P(round(16Z) ≤ k − 127)⌋ for k = 0..253; a value v = k − 127 is produced when
// CDF_U32[k−1] ≤ u < CDF_U32[k]. START[u >>> 20] is the first k whose interval can contain a word
// with those top 12 bits, so the scan below takes 0–2 steps. The largest |v| reachable is where the
// tail mass drops below 2^−32 (|v| = 100), so clipping at ±127 never binds.
const NORM_LEVELS = 255; // values −127..127
export const CDF_U32 = new Float64Array(NORM_LEVELS); // exact integers ≤ 2^32
{
  // The lower half from Φ at negative arguments (small, accurate numbers); the upper half mirrors it,
  // P(X ≤ v) = 1 − P(X ≤ −v−1), so the integer distribution is exactly symmetric (mean 0).
  for (let k = 0; k < 127; k++) CDF_U32[k] = Math.floor(4294967296 * normalCdf((k - 127 + 0.5) / 16));
  for (let k = 127; k < NORM_LEVELS - 1; k++) CDF_U32[k] = 4294967296 - CDF_U32[NORM_LEVELS - 2 - k];
  CDF_U32[NORM_LEVELS - 1] = 4294967296;
}
/** START[u ≫ 20]: the first CDF index a word with those top 12 bits can map to (normalI8's scan start). */
export const START = new Uint8Array(4096);
{
  let k = 0;
  for (let top = 0; top < 4096; top++) {
    const lo = top * 1048576; // smallest word with these top 12 bits
    while (CDF_U32[k] <= lo) k++;
    START[top] = k;
  }
}

/** Maps one uniform u32 word to round(16·N(0,1)) ∈ [−127, 127] by inverting the tabulated CDF. */
export function normalI8(u: number): number {
  let k = START[u >>> 20];
  while (u >= CDF_U32[k]) k++;
  return k - 127;
}

/** Φ(x) for the table build only: erfc by the Numerical Recipes Chebyshev fit (|rel err| < 1.2e−7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

/** Largest integer t with Φ(t/16) ≤ q (for the z-test threshold of the integer update). */
export function probitFix16(q: number): number {
  let t = -2048;
  while (t < 2048 && normalCdf((t + 1) / 16) <= q) t++;
  return t;
}

/** ⌊√n⌋ for a non-negative integer n < 2^52. */
export function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}
