/** Worker thread for prior sampling: receives chunk indices, returns (function, count) pairs. */
import { workerData } from 'node:worker_threads';
import { serve } from '../parallel/workers.js';
import { sampleRange } from './prior.js';

const { n, H, seed, samples } = workerData as { n: number; H: number; seed: number; samples: number };
serve((c: number) => {
  const counts = sampleRange(n, H, seed, samples, [c]);
  const f = new Float64Array(counts.size), k = new Float64Array(counts.size);
  let i = 0;
  for (const [fn, cnt] of counts) { f[i] = fn; k[i] = cnt; i++; }
  return { f, k };
}, (r) => [r.f.buffer as ArrayBuffer, r.k.buffer as ArrayBuffer]);
