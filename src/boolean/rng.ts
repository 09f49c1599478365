/**
 * A fast sequential generator for the Boolean lab's hot loops (MH proposals, prior draws), seeded from
 * the counter-based Philox stream. Philox4x32-10 costs ~10 mulhi per 4 words in JS, too slow for
 * 10⁶+ proposals/s; xoshiro128** (Blackman & Vigna) costs a handful of 32-bit ops per word. Each
 * chain / prior chunk gets its own xoshiro state = Philox(seed, purpose, index), so a run is still a
 * pure function of (--seed, what, which) and independent of how work is split across workers.
 */
import { philox4x32, mix32 } from '../rng/philox.js';

/** Purposes keep the streams of different jobs apart (a chain's proposals vs a data split vs a target). */
export const STREAM = { target: 1, split: 2, init: 3, chain: 4, prior: 5, eggroll: 6, greedy: 7 } as const;

export class SeqRng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** seed: the run's --seed; purpose/index/sub: which stream (see STREAM). */
  constructor(seed: number, purpose: number, index = 0, sub = 0) {
    const out = new Uint32Array(4);
    philox4x32(index >>> 0, sub >>> 0, purpose >>> 0, 0x626f6f6c /* 'bool' */, mix32(seed), mix32(seed, 0x9e3779b9), out);
    // xoshiro must not start from the all-zero state.
    if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1;
    this.s0 = out[0] | 0; this.s1 = out[1] | 0; this.s2 = out[2] | 0; this.s3 = out[3] | 0;
  }

  /** Next uniform 32-bit word (xoshiro128**). */
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
  uniform(): number {
    return this.u32() * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, k), k ≤ 2^32; exact (rejection on the top partial block). */
  below(k: number): number {
    if (k <= 1) return 0;
    const limit = 4294967296 - (4294967296 % k);
    let r = this.u32();
    while (r >= limit) r = this.u32();
    return r % k;
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
