/**
 * A seeded stream of uniform integers for problem generation and sampling: Philox4x32-10 blocks at
 * counters (index, block) under a key derived from the seeds, so any problem i (or any sampling step)
 * is a pure function of its ids, with nothing carried between them.
 */
import { mix32, philox4x32 } from '../rng/philox.js';

export class Stream {
  private readonly buf = new Uint32Array(4);
  private block = 0;
  private used = 4;
  private readonly k0: number;
  private readonly k1: number;

  /** `ids` name the stream (a seed, a split, a problem index…); equal ids give equal streams. */
  constructor(...ids: number[]) {
    this.k0 = mix32(...ids, 0x5eed);
    this.k1 = mix32(...ids, 0xc0de);
  }

  u32(): number {
    if (this.used === 4) {
      philox4x32(this.block++, 0, 0, 0, this.k0, this.k1, this.buf);
      this.used = 0;
    }
    return this.buf[this.used++];
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive), by rejection so every value is equally likely. */
  int(lo: number, hi: number): number {
    const n = hi - lo + 1;
    const limit = 4294967296 - (4294967296 % n);
    let u = this.u32();
    while (u >= limit) u = this.u32();
    return lo + (u % n);
  }
}
