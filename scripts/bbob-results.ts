/**
 * docs/results/bbob.md and its plots from `eggroll bench bbob --json --out FILE` results (one or more files, e.g.
 * the large dimension run apart from the rest): ERT tables per dimension, the success rates, and two plots — the
 * share of (function, instance) runs solved against the dimension, per strategy, and ERT/d against the dimension on
 * the four functions most strategies solve.
 * Usage: npx tsx scripts/bbob-results.ts OUT.md FILE.json [FILE.json …]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { linePlotSvg, writePlot } from '../src/io/plot.js';

interface Rec { function: string; name: string; dim: number; algo: string; ert: number | null; successes: number; runs: number; budget: number; best_f: number[]; seconds: number }
interface Result { bench: string; records: Rec[]; seeds: number; budget_per_dim: number; target: number; seconds: number; machine: Record<string, unknown> }

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) throw new Error('usage: npx tsx scripts/bbob-results.ts OUT.md FILE.json [FILE.json …]');
const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Result);
const recs = results.flatMap((r) => r.records);
const algos = [...new Set(recs.map((r) => r.algo))];
const fns = [...new Set(recs.map((r) => r.function))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
const dims = [...new Set(recs.map((r) => r.dim))].sort((a, b) => a - b);
const find = (fn: string, d: number, a: string) => recs.find((r) => r.function === fn && r.dim === d && r.algo === a);
const nameOf = (fn: string) => recs.find((r) => r.function === fn)!.name;
const cell = (r: Rec | undefined) => {
  if (!r) return '—';
  if (!r.successes) return `∞ (0/${r.runs}; best ${Math.min(...r.best_f).toExponential(0)})`;
  const e = r.ert!;
  return `${e < 1e4 ? e.toFixed(0) : e.toExponential(1)} (${r.successes}/${r.runs})`;
};

const lines: string[] = [];
const seeds = results[0].seeds, perDim = results[0].budget_per_dim, target = results[0].target;
lines.push('# BBOB: the flat strategies on the noiseless test functions (issue 31)', '');
lines.push(`Seven functions of the COCO noiseless suite (es/flat/bbob.ts: f1 sphere, f2 separable ellipsoid, f8 Rosenbrock, f10 rotated`,
  `ellipsoid, f15 rotated Rastrigin, f20 Schwefel, f21 Gallagher's 101 peaks, with the definitions' transformations), in`,
  `d = ${dims.join(', ')}; every strategy of \`optimize\` × ${seeds} instances (instance s: its own x_opt and rotations, x0 uniform in`,
  `[−4, 4]^d, seed s), σ0 = 2, BIPOP restarts (up to 9 large-population ones), a budget of ${perDim.toLocaleString('en')}·d evaluations per run.`,
  `**ERT** = evaluations spent over all runs (a successful run's up to its success) ÷ successful runs, to f − f_opt ≤ ${target}`,
  `(COCO's final target); (k/n) the runs that reached it; ∞ none did (then the best f − f_opt any run reached).`, '');
lines.push('Commands (run side by side on the 2-core machine; a cell\'s result does not depend on how the cells are split), then the page from their JSON (kept in docs/results/bbob-data/):', '');
lines.push('    npx eggroll bench bbob --dims 2,5,10,20 --seeds 15 --json --out docs/results/bbob-data/bbob-small.json',
  '    npx eggroll bench bbob --dims 40 --algos cma-es,sep-cma-es --seeds 15 --json --out docs/results/bbob-data/bbob-d40-cma.json',
  '    npx eggroll bench bbob --dims 40 --algos snes,pgpe,ars --seeds 15 --json --out docs/results/bbob-data/bbob-d40-rest.json',
  `    npx tsx scripts/bbob-results.ts ${out} ${files.join(' ')}`, '');
const secs = results.reduce((s, r) => s + r.seconds, 0);
lines.push(`The runs took ${(secs / 60).toFixed(0)} min of wall-clock added over the processes (side by side, with other work on the cores); machine: ${String(results[0].machine.cpu ?? '')}, Node ${String(results[0].machine.node ?? '')}.`, '');
for (const d of dims) {
  lines.push(`## d = ${d} (budget ${(perDim * d).toLocaleString('en')} evaluations per run)`, '');
  lines.push(`| function | ${algos.join(' | ')} |`, `|---|${algos.map(() => '---').join('|')}|`);
  for (const fn of fns) lines.push(`| ${fn} ${nameOf(fn)} | ${algos.map((a) => cell(find(fn, d, a))).join(' | ')} |`);
  lines.push('');
}
// Share solved per strategy and dimension.
const solvedSeries = algos.map((a) => ({ name: a, x: dims, y: dims.map((d) => { const rs = recs.filter((r) => r.algo === a && r.dim === d); const n = rs.reduce((s, r) => s + r.runs, 0); return n ? rs.reduce((s, r) => s + r.successes, 0) / n : NaN; }) }));
lines.push('## Share of runs solved', '', `| strategy | ${dims.map((d) => `d = ${d}`).join(' | ')} |`, `|---|${dims.map(() => '---').join('|')}|`);
for (const s of solvedSeries) lines.push(`| ${s.name} | ${s.y.map((v) => `${(100 * v).toFixed(0)} %`).join(' | ')} |`);
lines.push('', `![share solved](${basename(out, '.md')}-solved.svg)`, `![ERT/d](${basename(out, '.md')}-ert.svg)`, '');
const dir = dirname(out), stem = basename(out, '.md');
await writePlot(join(dir, `${stem}-solved`), linePlotSvg({ title: `BBOB f${fns.map((f) => f.slice(1)).join(', f')}: share of runs reaching f − f_opt ≤ ${target}`, xLabel: 'dimension', yLabel: 'share solved', logX: true, series: solvedSeries }));
const ertFns = fns.filter((f) => ['f1', 'f2', 'f8', 'f10'].includes(f));
const ertSeries = ertFns.flatMap((fn) => algos.map((a) => ({ name: `${fn} ${a}`, x: dims, y: dims.map((d) => { const r = find(fn, d, a); return r && r.ert !== null ? r.ert / d : NaN; }) })));
await writePlot(join(dir, `${stem}-ert`), linePlotSvg({ title: 'ERT / d on f1, f2, f8, f10 (missing points: no run solved)', xLabel: 'dimension', yLabel: 'ERT / d (evaluations)', logX: true, logY: true, series: ertSeries.filter((s) => s.y.some(Number.isFinite)), width: 900, height: 520 }));
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out} and its plots`);
