/**
 * `optimize(f, x0)`: the first program of a JS user with a function to tune. Three lines do it (the first call);
 * the second shows bounds, integer coordinates and a log of every generation as CSV.
 * Run: npx tsx examples/optimize.ts
 */
import { optimize, recordLogger } from '../src/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function main(log = console.log): Promise<{ first: number; second: number; x: Float64Array }> {
  // 1. Minimise a function of two numbers with CMA-ES: say which way; there is no default.
  const r = await optimize((x) => (x[0] - 3) ** 2 + (x[1] + 1) ** 2, [0, 0], { minimize: true, sigma0: 1, target: 1e-10 });
  log(`x ≈ [${Array.from(r.x, (v) => v.toFixed(5)).join(', ')}], f = ${r.f.toExponential(1)} after ${r.evals} evaluations (${r.stopReason})`);

  // 2. A layer count (an integer, 1 to 8) and a learning rate (1e-4 to 1, searched as log10) of a made-up tuning
  //    problem whose best is 3 layers at lr 0.003: f only ever sees points in the box, the layer count rounded.
  //    σ0 is in the coordinates' units, so both are scaled to a few units of range.
  const loss = (x: Float64Array) => ((x[0] - 3) / 2) ** 2 + (x[1] - Math.log10(0.003)) ** 2;
  const csv = join(tmpdir(), `eggroll-optimize-example-${process.pid}.csv`);
  const s = await optimize(loss, [6, -1], {
    minimize: true, sigma0: 1, bounds: [[1, -4], [8, 0]], integer: [0], seed: 1, maxEvals: 3000, target: 1e-12, onGeneration: recordLogger(csv),
  });
  log(`layers ${s.x[0]}, lr ${(10 ** s.x[1]).toPrecision(3)} (loss ${s.f.toExponential(1)}; every generation in ${csv})`);
  return { first: r.f, second: s.f, x: s.x };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
