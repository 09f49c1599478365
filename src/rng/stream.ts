/**
 * The project's one randomness API: every random number is drawn from a named Philox4x32-10 stream, addressed by
 * a key and counter words that come from (seed, purpose, index…) — so a draw is a pure function of those ids and of
 * its position, never of the order work was split or run in.
 *
 *  - `StreamAddress` names a stream; `namedStream(seed, purpose, index, sub)` derives one for a new purpose.
 *    Older streams keep the derivations their results were made with (rl/envs/batch.ts's resetStream, the Gymnasium
 *    space streams, reasoning's problem streams, the Boolean lab's): each is a plain address function beside its
 *    users, so their bits never moved when the draw code below replaced their five wrapper classes.
 *  - `PhiloxStream` draws from an address in order (or skips): 32-bit words, uniforms with 32 bits (uniform32) or
 *    53 (NumPy's random), exact integers in a range, NumPy's uniform(low, high) and integers(low, high), normals,
 *    exponentials.
 *  - `Xoshiro128` is the fast sequential generator for the hottest loops (10⁶+ MH proposals/s): xoshiro128**
 *    whose state is one Philox block of an address, so it too is a pure function of its ids.
 *  - rng/normal.ts fills whole arrays (Gaussian noise) from an address, block-aligned, through the fastest kernel.
 */
import { mix32, philox4x32 } from './philox.js';
import { cos, log } from '../math/index.js';

/** A Philox stream: key words and the three counter words after the block index. */
export interface StreamAddress {
  key0: number;
  key1: number;
  c1: number;
  c2: number;
  c3: number;
}

/** Four ASCII letters as a 32-bit word: purpose tags read as words in a dump ('rset', 'spac'). */
export const tag = (s: string): number => ((s.charCodeAt(0) << 24) | (s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3)) >>> 0;

/**
 * The address of stream (seed, purpose, index, sub) for a new use: the key from the seed and the purpose, the
 * counter words from the index and sub-index. Distinct purposes never share a stream.
 */
export function namedStream(seed: number, purpose: string | number, index = 0, sub = 0): StreamAddress {
  const p = typeof purpose === 'string' ? tag(purpose.padEnd(4, ' ').slice(0, 4)) : purpose >>> 0;
  return { key0: mix32(seed, p), key1: mix32(p, seed, 0x9e3779b9), c1: index >>> 0, c2: sub >>> 0, c3: p };
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Sequential draws from one Philox stream; position = words drawn so far (word w is block ⌊w/4⌋, lane w mod 4). */
export class PhiloxStream {
  private readonly words = new Uint32Array(4);
  private block = -1;
  /** Next word's position in the stream. */
  private position: number;

  constructor(readonly address: StreamAddress, firstWord = 0) {
    this.position = firstWord;
  }

  /** The next uniform 32-bit word. */
  u32(): number {
    const p = this.position++;
    const b = Math.floor(p / 4);
    if (b !== this.block) {
      const a = this.address;
      philox4x32(b >>> 0, a.c1, a.c2, a.c3, a.key0, a.key1, this.words, 0);
      this.block = b;
    }
    return this.words[p & 3];
  }

  /** Skips `n` 53-bit draws (two words each): draws the reference makes but this caller does not use. */
  skip(n: number): void {
    this.position += 2 * n;
  }

  /** 53-bit draws taken or skipped so far (words ÷ 2). */
  get count(): number {
    return Math.floor(this.position / 2);
  }

  /** Uniform in [0, 1) with 32 random bits (one word). */
  uniform32(): number {
    return this.u32() / TWO_POW_32;
  }

  /** NumPy's random(): uniform in [0, 1) with 53 random bits, built from two words as NumPy builds it from 64. */
  random(): number {
    const hi = this.u32();
    return (hi * 2097152 + (this.u32() >>> 11)) / TWO_POW_53;
  }

  /** Uniform integer in [0, n), n ≤ 2^32, exact (rejection on the top partial block of words). */
  below(n: number): number {
    return below(this, n);
  }

  /** Uniform integer in [lo, hi], both included, exact. */
  int(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** NumPy's uniform(low, high) = low + (high − low)·random(). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** NumPy's integers(low, high), high exclusive, by scaling one random(); a one-value range draws nothing. */
  integers(low: number, high: number): number {
    const lo = Math.ceil(low);
    const span = Math.ceil(high) - lo;
    if (span <= 1) return lo;
    return lo + Math.floor(span * this.random());
  }

  /** A standard normal: Box–Muller on two 53-bit uniforms (1 − u keeps the log finite). */
  normal(): number {
    const u1 = 1 - this.random();
    const u2 = this.random();
    return Math.sqrt(-2 * log(u1)) * cos(2 * Math.PI * u2);
  }

  /** Exponential with rate 1. */
  exponential(): number {
    return -log(1 - this.random());
  }
}

/**
 * xoshiro128** (Blackman & Vigna): a handful of 32-bit operations per word, for loops where Philox's ~10 mulhi per
 * 4 words is too slow. Its state is block `block` of the address (never all zero), so each chain is still named
 * by its ids and independent of how work is split across workers.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(address: StreamAddress, block = 0) {
    const out = new Uint32Array(4);
    philox4x32(block >>> 0, address.c1, address.c2, address.c3, address.key0, address.key1, out);
    if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1;
    this.s0 = out[0] | 0; this.s1 = out[1] | 0; this.s2 = out[2] | 0; this.s3 = out[3] | 0;
  }

  /** Next uniform 32-bit word. */
  u32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform32(): number {
    return this.u32() * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, k), k ≤ 2^32; exact (rejection on the top partial block). */
  below(k: number): number {
    return below(this, k);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }
}

/** A uniform integer in [0, n) from a source of uniform words, exact: words in the top partial block are drawn again. */
function below(source: { u32(): number }, n: number): number {
  if (n <= 1) return 0;
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  let u = source.u32();
  while (u >= limit) u = source.u32();
  return u % n;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
