/**
 * Boolean functions f: {0,1}^n → {0,1} as bit-packed truth tables: bit v (word v>>>5, bit v&31) holds
 * f(v), where input v encodes x_{j+1} = bit j of v (x1 is the least significant bit). The string form
 * lists f(0), f(1), …, f(2^n − 1) — ascending binary order of the inputs (Def. 2.2), read with x1 as
 * the lowest bit. With this convention a tile of length 2^k depends only on x1..xk.
 *
 * Every plane keeps the unused high bits of a single word (n < 5) at zero, so popcounts are exact.
 */
import type { Xoshiro128 } from '../rng/stream.js';
import { log2 } from '../math/index.js';

export const MIN_N = 1;
export const MAX_N = 16;

export interface TruthTable {
  n: number;
  words: Uint32Array;
}

export function wordsFor(n: number): number {
  return n <= 5 ? 1 : 1 << (n - 5);
}

/** Mask of the valid bits in every word (all ones for n ≥ 5). */
export function validMask(n: number): number {
  return n >= 5 ? 0xffffffff : ((1 << (1 << n)) - 1) >>> 0;
}

export function checkN(n: number): void {
  if (!Number.isInteger(n) || n < MIN_N || n > MAX_N) throw new RangeError(`n must be an integer in [${MIN_N}, ${MAX_N}], got ${n}`);
}

export function emptyTable(n: number): TruthTable {
  checkN(n);
  return { n, words: new Uint32Array(wordsFor(n)) };
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export function popcount(words: Uint32Array): number {
  let c = 0;
  for (let i = 0; i < words.length; i++) c += popcount32(words[i]);
  return c;
}

export function getBit(t: TruthTable, v: number): number {
  return (t.words[v >>> 5] >>> (v & 31)) & 1;
}

export function setBit(t: TruthTable, v: number, b: number): void {
  if (b) t.words[v >>> 5] |= 1 << (v & 31);
  else t.words[v >>> 5] &= ~(1 << (v & 31));
}

const SMALL_PATTERNS = [0xaaaaaaaa, 0xcccccccc, 0xf0f0f0f0, 0xff00ff00, 0xffff0000];

/** The plane of the positive literal x_{j+1} (j zero-based): bit v set iff bit j of v is 1. */
export function literalPlane(n: number, j: number): Uint32Array {
  const W = wordsFor(n);
  const out = new Uint32Array(W);
  const mask = validMask(n);
  for (let w = 0; w < W; w++) {
    if (j < 5) out[w] = (SMALL_PATTERNS[j] & mask) >>> 0;
    else out[w] = ((w >>> (j - 5)) & 1) ? 0xffffffff : 0;
  }
  return out;
}

/** All n literal planes, row-major n × W, for clause evaluation. */
export function literalPlanes(n: number): Uint32Array {
  const W = wordsFor(n);
  const out = new Uint32Array(n * W);
  for (let j = 0; j < n; j++) out.set(literalPlane(n, j), j * W);
  return out;
}

export function complement(t: TruthTable): TruthTable {
  const mask = validMask(t.n);
  const w = t.words.map((x) => (~x & mask) >>> 0);
  return { n: t.n, words: w };
}

export function equalTables(a: TruthTable, b: TruthTable): boolean {
  if (a.n !== b.n) return false;
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== b.words[i]) return false;
  return true;
}

export function ones(t: TruthTable): number {
  return popcount(t.words);
}

export function toBitString(t: TruthTable): string {
  const N = 1 << t.n;
  let s = '';
  for (let v = 0; v < N; v++) s += getBit(t, v) ? '1' : '0';
  return s;
}

/** Parses "0110…" (length 2^n, 1 ≤ n ≤ 16). Throws RangeError with a message naming what is allowed. */
export function fromBitString(s: string): TruthTable {
  const len = s.length;
  const n = log2(len);
  if (!Number.isInteger(n) || n < MIN_N || n > MAX_N) {
    throw new RangeError(`truth table has length ${len}; it must have length 2^n for n in [${MIN_N}, ${MAX_N}] (2, 4, 8, …, 65536)`);
  }
  if (!/^[01]+$/.test(s)) throw new RangeError(`truth table must contain only the characters 0 and 1`);
  const t = emptyTable(n);
  for (let v = 0; v < len; v++) if (s.charCodeAt(v) === 49) setBit(t, v, 1);
  return t;
}

// ------------------------------------------------------------------------- the paper's families

/** Parity of the variables in `vars` (zero-based indices); the paper's k-parity uses k of them. */
export function parity(n: number, vars: number[]): TruthTable {
  const t = emptyTable(n);
  let m = 0;
  for (const j of vars) m |= 1 << j;
  for (let v = 0; v < 1 << n; v++) if (popcount32(v & m) & 1) setBit(t, v, 1);
  return t;
}

/** "t-entropy": exactly t ones at inputs chosen uniformly at random. */
export function entropy(n: number, t: number, rng: Xoshiro128): TruthTable {
  const N = 1 << n;
  if (t < 0 || t > N) throw new RangeError(`entropy: t must be in [0, ${N}], got ${t}`);
  const idx = rng.shuffle(Uint32Array.from({ length: N }, (_, i) => i));
  const out = emptyTable(n);
  for (let i = 0; i < t; i++) setBit(out, idx[i], 1);
  return out;
}

/** A pattern string tiled (and truncated) to length 2^n, e.g. "1001" or "01001". */
export function tile(n: number, pattern: string): TruthTable {
  if (!/^[01]+$/.test(pattern)) throw new RangeError(`tile pattern must be a non-empty string of 0 and 1`);
  const out = emptyTable(n);
  for (let v = 0; v < 1 << n; v++) if (pattern[v % pattern.length] === '1') setBit(out, v, 1);
  return out;
}

export function randomPattern(l: number, rng: Xoshiro128): string {
  let s = '';
  for (let i = 0; i < l; i++) s += rng.u32() & 1 ? '1' : '0';
  return s;
}

/** Majority of all n inputs (ties, for even n, give 0). */
export function majority(n: number): TruthTable {
  const out = emptyTable(n);
  for (let v = 0; v < 1 << n; v++) if (2 * popcount32(v) > n) setBit(out, v, 1);
  return out;
}

export function randomFunction(n: number, rng: Xoshiro128): TruthTable {
  const out = emptyTable(n);
  const mask = validMask(n);
  for (let w = 0; w < out.words.length; w++) out.words[w] = (rng.u32() & mask) >>> 0;
  return out;
}

export function constant(n: number, b: number): TruthTable {
  const out = emptyTable(n);
  if (b) out.words.fill(validMask(n));
  return out;
}
