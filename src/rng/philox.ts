/**
 * Philox4x32-10, the counter-based generator of Salmon et al. (2011), "Parallel random numbers: as easy
 * as 1, 2, 3" (Random123). A pure function of a 128-bit counter and a 64-bit key: any block of any
 * stream can be produced by any process without state, which is what lets ES regenerate noise instead
 * of storing it.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/**
 * High 32 bits of the 64-bit product a·b (both unsigned 32-bit), by schoolbook multiplication of 16-bit
 * halves: every partial product is below 2^32, so it stays on V8's fast integer/double paths.
 */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl;
  const m1 = ah * bl;
  const m2 = al * bh;
  const carry = ((ll >>> 16) + (m1 & 0xffff) + (m2 & 0xffff)) >>> 16;
  return (ah * bh + (m1 >>> 16) + (m2 >>> 16) + carry) >>> 0;
}

/**
 * Writes Philox4x32-10(counter = (c0, c1, c2, c3), key = (k0, k1)) into out[offset .. offset+3].
 * All inputs are treated as unsigned 32-bit integers.
 */
export function philox4x32(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array, offset = 0,
): void {
  c0 >>>= 0; c1 >>>= 0; c2 >>>= 0; c3 >>>= 0; k0 >>>= 0; k1 >>>= 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(c0, M0);
    const lo0 = Math.imul(c0, M0) >>> 0;
    const hi1 = mulhi32(c2, M1);
    const lo1 = Math.imul(c2, M1) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[offset] = c0; out[offset + 1] = c1; out[offset + 2] = c2; out[offset + 3] = c3;
}

/**
 * Mixes arbitrary non-negative integers (a run seed, a parameter id, …) into one 32-bit word with a
 * murmur3-style finaliser. Used to derive Philox keys; not a cryptographic hash.
 */
export function mix32(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    // Split values above 2^32 so that large seeds still influence the key.
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    for (const w of [lo, hi]) {
      h = Math.imul(h ^ w, 0x01000193) >>> 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b) >>> 0;
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35) >>> 0;
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}
