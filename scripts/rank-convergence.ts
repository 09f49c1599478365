/**
 * The O(1/r) claim (EGGROLL Theorem "rank convergence"): the expected low-rank update
 * E[f(M + σE_r)·E_r] approaches the full-rank Gaussian one E[f(M + σε)·ε] with error O(1/r).
 *
 * Fitness: f(W) = cos(c₀ + ⟨C, W − M⟩) with C = c·u vᵀ (smooth, bounded). By the bi-orthogonal invariance of
 * E = A Bᵀ/√r (Gaussian A, B), the expectation lies along u vᵀ and equals g(r)·u vᵀ with
 *   g(r) = E[x cos(c₀ + s x)],  x = (1/√r) Σ_ρ a_ρ b_ρ,  s = σc
 *        = −sin(c₀)·s·(1 + s²/r)^−(r/2+1)      (from x's characteristic function (1 + t²/r)^−r/2)
 *   g(∞) = −sin(c₀)·s·exp(−s²/2)                (Gaussian ε: Stein's lemma)
 * The script estimates g(r) by Monte Carlo with the project's own noise generator (lowRankFactors), checks
 * it against the closed form, and prints the log–log slope of |g(r) − g(∞)| against r.
 *
 * Run: npx tsx scripts/rank-convergence.ts [--samples 400000] [--out docs/results/rank-convergence]
 * The claim itself is a test (test/es/rank-convergence.test.ts, fewer samples) that imports `rankConvergence`;
 * this recipe writes the table and plot of docs/results/rank-convergence.md.
 */
import { lowRankFactors } from '../src/es/noise.js';
import { linePlotSvg, writePlot } from '../src/io/plot.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { pathToFileURL } from 'node:url';

const m = 16, n = 16, c0 = Math.PI / 4, s = 1.5;
const ranks = [1, 2, 4, 8, 16, 32];
// Unit vectors u, v (fixed, not axis-aligned so every entry of A and B matters).
const u = Float64Array.from({ length: m }, (_, i) => Math.cos(i + 0.3));
const v = Float64Array.from({ length: n }, (_, i) => Math.sin(2 * i + 1));
const norm = (a: Float64Array) => { const l = Math.hypot(...a); a.forEach((x, i) => (a[i] = x / l)); };
norm(u); norm(v);

const exact = (r: number) => -Math.sin(c0) * s * Math.pow(1 + (s * s) / r, -(r / 2 + 1));
const gauss = -Math.sin(c0) * s * Math.exp(-(s * s) / 2);

export interface Row { r: number; mc: number; se: number; exact: number; mcErr: number; exactErr: number }

/** g(r) by Monte Carlo (our noise) and in closed form at each rank, and the log–log slopes of the error against r. */
export function rankConvergence(samples: number) {
  const rows: Row[] = [];
  const chunk = 4096;
  for (const r of ranks) {
    const at = new Float32Array(chunk * r * m), bt = new Float32Array(chunk * r * n);
    let sum = 0, sum2 = 0;
    for (let start = 0; start < samples; start += chunk) {
      const count = Math.min(chunk, samples - start);
      lowRankFactors(2024, 0, r, start, count, m, n, r, at, bt);
      for (let k = 0; k < count; k++) {
        let x = 0;
        for (let rho = 0; rho < r; rho++) {
          let ua = 0, vb = 0;
          const ao = (k * r + rho) * m, bo = (k * r + rho) * n;
          for (let i = 0; i < m; i++) ua += u[i] * at[ao + i];
          for (let j = 0; j < n; j++) vb += v[j] * bt[bo + j];
          x += ua * vb;
        }
        x /= Math.sqrt(r);
        // Antithetic pair (+E, −E): the estimator of E[x cos(c₀ + s x)].
        const val = (x * Math.cos(c0 + s * x) - x * Math.cos(c0 - s * x)) / 2;
        sum += val; sum2 += val * val;
      }
    }
    const mc = sum / samples;
    const se = Math.sqrt(Math.max(0, sum2 / samples - mc * mc) / samples);
    rows.push({ r, mc, se, exact: exact(r), mcErr: Math.abs(mc - gauss), exactErr: Math.abs(exact(r) - gauss) });
  }

  function slope(xs: number[], ys: number[]): number {
    const lx = xs.map(Math.log), ly = ys.map(Math.log);
    const mx = lx.reduce((a, b) => a + b, 0) / lx.length, my = ly.reduce((a, b) => a + b, 0) / ly.length;
    let num = 0, den = 0;
    lx.forEach((x, i) => { num += (x - mx) * (ly[i] - my); den += (x - mx) ** 2; });
    return num / den;
  }
  // The Monte Carlo slope uses only ranks whose bias stands clear of the sampling error.
  const clear = rows.filter((row) => row.mcErr > 3 * row.se);
  const exactSlope = slope(rows.map((x) => x.r), rows.map((x) => x.exactErr));
  const tail = rows.filter((row) => row.r >= 8);
  const tailSlope = slope(tail.map((x) => x.r), tail.map((x) => x.exactErr));
  const mcSlope = clear.length >= 2 ? slope(clear.map((x) => x.r), clear.map((x) => x.mcErr)) : NaN;
  return { rows, clear, exactSlope, tailSlope, mcSlope };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = new Map<string, string>();
  for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
  const samples = Number(args.get('samples') ?? 400_000);
  const out = args.get('out');
  const { rows, clear, exactSlope, tailSlope, mcSlope } = rankConvergence(samples);

  const lines = [
    `| r | Monte Carlo g(r) | ± s.e. | closed form g(r) | MC − closed form (in s.e.) | |g(r) − g(∞)| (closed form) | |ĝ(r) − g(∞)| (MC) |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.r} | ${x.mc.toFixed(5)} | ${x.se.toExponential(1)} | ${x.exact.toFixed(5)} | ${((x.mc - x.exact) / x.se).toFixed(1)} | ${x.exactErr.toExponential(3)} | ${x.mcErr.toExponential(3)} |`),
  ];
  console.log(`g(∞) = ${gauss.toFixed(5)} (Gaussian, full rank), ${samples} antithetic samples per rank, s = σc = ${s}`);
  console.log(lines.join('\n'));
  console.log(`log-log slope of the error vs r: closed form ${exactSlope.toFixed(3)} (r ≥ 8: ${tailSlope.toFixed(3)}), Monte Carlo ${mcSlope.toFixed(3)} (ranks ${clear.map((x) => x.r).join(', ')})`);

  if (out) {
    const svg = linePlotSvg({
      title: 'EGGROLL rank convergence: |E[f·E_r] − E[f·ε]| along the signal direction',
      xLabel: 'rank r', yLabel: 'error', logX: true, logY: true,
      series: [
        { name: 'closed form', x: rows.map((x) => x.r), y: rows.map((x) => x.exactErr) },
        { name: 'Monte Carlo (our noise)', x: rows.map((x) => x.r), y: rows.map((x) => x.mcErr) },
        { name: 'reference slope −1', x: rows.map((x) => x.r), y: rows.map((x) => rows[0].exactErr / x.r) },
      ],
    });
    await writePlot(out, svg);
    const md = [
      '# Low-rank update converges to the full-rank one at O(1/r)',
      '',
      `Command: \`npx tsx scripts/rank-convergence.ts --samples ${samples} --out ${out}\``,
      '',
      `Fitness f(W) = cos(c₀ + ⟨C, W − M⟩), C = c·u vᵀ, c₀ = π/4, s = σc = ${s}, 16×16 matrices. The expected update is`,
      'g(r)·u vᵀ; the closed form follows from the characteristic function of x = (1/√r)Σ a_ρ b_ρ, and the Monte Carlo',
      `column uses the project's own Philox noise (${samples} antithetic pairs per rank).`,
      '',
      `g(∞) = ${gauss.toFixed(5)}`,
      '',
      ...lines,
      '',
      `Log–log slope of the error against r: **${exactSlope.toFixed(3)}** (closed form, r = 1…32; **${tailSlope.toFixed(3)}** over r = 8…32), **${mcSlope.toFixed(3)}** (Monte Carlo, ranks whose error exceeds 3 standard errors: ${clear.map((x) => x.r).join(', ')}).`,
      'A slope of −1 is the O(1/r) rate of the theorem: the closed form tends to it as r grows (its expansion is',
      's⁴/(4r)·… + O(1/r²), flatter at r = 1, 2), and the Monte Carlo estimates from our noise agree with the closed form',
      'within about two standard errors at every rank.',
      '',
      `![rank convergence](${out.split('/').pop()}.svg)`,
      '',
    ].join('\n');
    writeFileAtomic(`${out}.md`, md);
  }
}
