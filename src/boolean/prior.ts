/**
 * The prior over functions induced by random parameters (Def. 3.1): W¹ uniform ternary, β a fair coin,
 * W²_i = β on every non-zero row (zero rows masked). P(f) is estimated by counting the functions of
 * i.i.d. draws, for n ≤ 5 (a whole truth table fits one 32-bit word, so a draw is H table look-ups
 * ORed together: each row is a uniform code in [0, 3^n) whose clause plane is precomputed).
 *
 * Determinism: the sample index range is cut into fixed chunks of CHUNK draws, chunk c drawn from the
 * stream (seed, prior, c, n·1000 + H). Workers take whole chunks; counts are sums, so the merged counts
 * are identical for any --workers.
 */
import { WorkerGroup } from '../parallel/workers.js';
import { clauseTable } from './dfcn.js';
import { seqRng, STREAM } from './rng.js';
import { validMask } from './truth-table.js';

export const PRIOR_MAX_N = 5;
export const CHUNK = 1 << 20;

/** Function counts: dense for n ≤ 4 (index = truth-table word), sparse for n = 5. */
export type Counts = Map<number, number>;

export function chunkCount(samples: number): number {
  return Math.ceil(samples / CHUNK);
}

/** Draws chunk c (its first `count` samples) and adds into dense (n ≤ 4) or sparse counts. */
export function sampleChunk(n: number, H: number, seed: number, c: number, count: number, dense: Float64Array | null, sparse: Counts | null): void {
  const table = clauseTable(n); // W = 1 for n ≤ 5
  const K = 3 ** n;
  const mask = validMask(n);
  const rng = seqRng(seed, STREAM.prior, c, n * 1000 + H);
  // Exact uniform codes in [0, K): reject the top partial block of 2^32.
  const limit = 4294967296 - (4294967296 % K);
  for (let s = 0; s < count; s++) {
    const beta = rng.u32() & 1;
    let acc = 0;
    for (let i = 0; i < H; i++) {
      let r = rng.u32();
      while (r >= limit) r = rng.u32();
      acc |= table[r % K];
    }
    const f = beta ? acc >>> 0 : (~acc & mask) >>> 0; // beta bit 1 → β = +1, 0 → β = −1
    if (dense) dense[f]++;
    else sparse!.set(f, (sparse!.get(f) ?? 0) + 1);
  }
}

export interface PriorResult {
  n: number;
  H: number;
  samples: number;
  counts: Counts;
}

function chunkSize(samples: number, c: number): number {
  return Math.min(CHUNK, samples - c * CHUNK);
}

/** Runs chunks [lo, hi) in this thread. */
export function sampleRange(n: number, H: number, seed: number, samples: number, chunks: number[]): Counts {
  const dense = n <= 4 ? new Float64Array(2 ** (2 ** n)) : null;
  const sparse = dense ? null : new Map<number, number>();
  for (const c of chunks) sampleChunk(n, H, seed, c, chunkSize(samples, c), dense, sparse);
  if (sparse) return sparse;
  const out = new Map<number, number>();
  for (let f = 0; f < dense!.length; f++) if (dense![f] > 0) out.set(f, dense![f]);
  return out;
}

/** Samples P(f) over `workers` threads (1 = this thread); onProgress(chunksDone, chunksTotal). */
export async function samplePrior(n: number, H: number, samples: number, seed: number, workers: number, onProgress?: (done: number, total: number) => void): Promise<PriorResult> {
  if (n < 1 || n > PRIOR_MAX_N) throw new RangeError(`prior sampling needs n in [1, ${PRIOR_MAX_N}] (a truth table must fit one 32-bit word), got ${n}`);
  const total = chunkCount(samples);
  const merged: Counts = new Map();
  const add = (c: Counts) => { for (const [f, k] of c) merged.set(f, (merged.get(f) ?? 0) + k); };
  let done = 0;
  if (workers <= 1) {
    for (let c = 0; c < total; c++) {
      add(sampleRange(n, H, seed, samples, [c]));
      onProgress?.(++done, total);
    }
  } else {
    // Dynamic hand-out of chunk indices; the result does not depend on who did which chunk.
    const group = await WorkerGroup.start(import.meta.url, 'prior-worker', Math.min(workers, total), { n, H, seed, samples });
    try {
      const chunks = Array.from({ length: total }, (_, c) => c);
      await group.map<number, { f: Float64Array; k: Float64Array }>(chunks, (msg) => {
        for (let i = 0; i < msg.f.length; i++) merged.set(msg.f[i], (merged.get(msg.f[i]) ?? 0) + msg.k[i]);
        onProgress?.(++done, total);
      });
    } finally {
      await group.close();
    }
  }
  return { n, H, samples, counts: merged };
}
