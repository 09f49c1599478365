/**
 * The low-level ask/tell loop on a regression: an MLP learns y = sin(3x) with EGGROLL, the whole population
 * evaluated as one batch per generation. Run: npx tsx examples/ask-tell.ts
 */
import { loadBackend, ParamSet, EvolutionStrategy, Mlp, mlpSpecs, initMlp, inference } from '../src/index.js';

export async function main(generations = 200, log = console.log): Promise<{ before: number; after: number }> {
  const backend = await loadBackend('auto');
  const cfg = { sizes: [1, 32, 1], activation: 'tanh', bias: 'full' } as const;
  const params = new ParamSet(mlpSpecs(cfg), backend);
  initMlp(params, 0);
  const pop = 256, points = 32;
  const es = new EvolutionStrategy(params, backend, {
    algo: 'eggroll', popSize: pop, rank: 1, sigma: 0.05, lr: 0.02,
    optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed: 0,
  });
  // Every member sees the same 32 points: rows are (member, point), member-major.
  const xs = Float32Array.from({ length: points }, (_, i) => -1 + (2 * i) / (points - 1));
  const ys = xs.map((x) => Math.sin(3 * x));
  const inputs = backend.allocF32(pop * points);
  for (let k = 0; k < pop; k++) inputs.set(xs, k * points);
  const mlp = new Mlp(cfg, backend, pop * points);
  // The unperturbed model on the first `points` rows, for the progress lines.
  const plain = inference(params, backend).unperturbed(points);
  const mse = () => {
    const out = mlp.forward(plain, inputs);
    return ys.reduce((s, y, i) => s + (out[i] - y) ** 2, 0) / points;
  };
  const before = mse();
  const fitness = new Float64Array(pop);
  for (let gen = 0; gen < generations; gen++) {
    const out = mlp.forward(es.ask().all(points), inputs); // rows: (member, point), member-major
    fitness.fill(0);
    for (let r = 0; r < pop * points; r++) fitness[Math.floor(r / points)] -= (out[r] - ys[r % points]) ** 2;
    es.tell(fitness);
    if (gen % 50 === 0) log(`generation ${gen}: mse ${mse().toFixed(4)}`);
  }
  const after = mse();
  log(`mse ${before.toFixed(4)} → ${after.toFixed(4)}`);
  return { before, after };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
