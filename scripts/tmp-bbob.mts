import { bbobProblem, BBOB_FUNCTIONS } from '../src/es/flat/bbob.js';
import { optimize } from '../src/es/flat/optimize.js';
for (const id of BBOB_FUNCTIONS) for (const d of [2, 10]) {
  const p = bbobProblem(id, d, 1);
  const near = Float64Array.from(p.xOpt, (v) => v + 0.01);
  const t = performance.now();
  const r = await optimize((x) => p.f(x), Float64Array.from({ length: d }, (_, i) => ((i * 7) % 9) - 4), { minimize: true, sigma0: 2, seed: 1, restarts: 9, restartStrategy: 'bipop', target: 1e-8, maxEvals: 1e4 * d });
  console.log(id, d, 'f(xopt)', p.f(p.xOpt), 'f(near)', p.f(near).toExponential(2), r.stopReason, r.evals, r.f.toExponential(2), ((performance.now() - t) / 1000).toFixed(2) + 's');
}
