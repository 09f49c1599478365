/**
 * Black-box optimisation of a function of a flat vector with ask/tell: minimise a non-differentiable objective
 * (the L1 distance to a target, plus a count of coordinates that are off by more than 0.1) in 20 dimensions from
 * x0 = 0 with OpenES (dense Gaussian noise on one full-rank vector), centred-rank shaping and Adam. Any objective
 * works — nothing is differentiated. Run: npx tsx examples/black-box.ts
 */
import { loadBackend, ParamSet, EvolutionStrategy } from '../src/index.js';

const TARGET = Float32Array.from({ length: 20 }, (_, i) => (i % 5) / 5 - 0.4);

/** Σ |x_i − t_i| + #{i : |x_i − t_i| > 0.1}: minimum 0 at x = t, with jumps a gradient would not see. */
export function objective(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) { const d = Math.abs(x[i] - TARGET[i]); s += d + (d > 0.1 ? 1 : 0); }
  return s;
}

export async function main(generations = 300, log = console.log): Promise<{ before: number; after: number }> {
  const backend = await loadBackend('auto');
  const dim = 20, popSize = 64;
  // One parameter tensor: the vector x, perturbed with dense noise ('full'; 'lowrank' is for matrices).
  const params = new ParamSet([{ name: 'x', shape: [dim], mode: 'full' }], backend);
  params.values[0].fill(0); // x0
  const es = new EvolutionStrategy(params, backend, {
    algo: 'openes', popSize, rank: 1, sigma: 0.05, lr: 0.01, // rank: EGGROLL's (OpenES ignores it)
    optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed: 0,
  });
  const x = new Float32Array(dim), fitness = new Float64Array(popSize);
  const before = objective(params.values[0]);
  for (let gen = 0; gen < generations; gen++) {
    const batch = es.ask().all(); // one row per member
    for (let m = 0; m < popSize; m++) fitness[m] = -objective(batch.vectorFor(0, m, x)); // higher is better
    es.tell(fitness);
    if (gen % 100 === 0) log(`generation ${gen}: f(x) ${objective(params.values[0]).toFixed(4)}`);
  }
  const after = objective(params.values[0]);
  log(`f(x): ${before.toFixed(4)} → ${after.toFixed(4)}; x = ${Array.from(params.values[0].subarray(0, 4), (v) => v.toFixed(3)).join(', ')}, …`);
  return { before, after };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
