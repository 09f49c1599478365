/** `eggroll boolean prior`: Monte Carlo P(f) of random DFCN parameters, with the analyses of Sec. 3. */
import { join } from 'node:path';
import type { FlagTable } from '../flags.js';
import { num, parseFlags } from '../flags.js';
import { jsonFlag, runDirFlags } from '../common-flags.js';
import { z } from 'zod';
import type { Command } from '../command.js';
import { checkRunKind, prepareRunDir } from '../../experiment/run-dir.js';
import { readJsonFile } from '../../io/errors.js';
import { log, printResult } from '../output.js';
import { Progress } from '../progress.js';
import { writeFileAtomic, writeJsonAtomic } from '../../io/atomic.js';
import { linePlotSvg, scatterPlotSvg, writePlot } from '../../io/plot.js';
import { widthFor } from '../../boolean/dfcn.js';
import { PRIOR_MAX_N, samplePrior } from '../../boolean/prior.js';
import { byK, classTable, correlations, formatProbability, functionRows, priorScalingTable } from '../../boolean/prior-analysis.js';

export const priorFlags = {
  n: { schema: num.int(1, PRIOR_MAX_N), default: 4, help: `number of inputs (1–${PRIOR_MAX_N}: a truth table must fit one 32-bit word)` },
  samples: { schema: num.count(1, 1e11), default: 1e7, help: 'i.i.d. parameter draws (e.g. 1e8)' },
  'width-mult': { schema: num.positive(), default: 1, help: 'α_w: hidden width H = α_w·2^(n−1)' },
  'k-limit': { schema: num.count(1), default: 70000, help: 'compute K, K_θ, K_C, K_LZ for at most this many most-frequent functions' },
  workers: { schema: num.int(1, 256), default: 2, help: 'worker threads; the counts are identical for any number' },
  ...runDirFlags,
} satisfies FlagTable;



export async function runPriorCommand(argv: string[]): Promise<void> {
  const { flags: f } = parseFlags(argv, priorFlags);
  const n = f.n, H = widthFor(n, f['width-mult']);
  const dir = prepareRunDir({ out: f.out, force: f.force, prefix: `boolean-prior-n${n}`, kind: 'boolean', command: 'boolean prior', log });
  writeJsonAtomic(join(dir, 'config.json'), { command: 'boolean prior', n, H, samples: f.samples, widthMult: f['width-mult'], seed: f.seed, workers: f.workers });
  const progress = new Progress({ total: Math.ceil(f.samples / (1 << 20)), label: `prior n=${n} H=${H}`, quiet: f.quiet });
  const t0 = performance.now();
  const r = await samplePrior(n, H, f.samples, f.seed, f.workers, (d) => progress.update(d));
  const sampleSeconds = (performance.now() - t0) / 1000;
  const rows = functionRows(n, r.counts, f.samples, f['k-limit']);
  const ks = byK(n, rows);
  const classes = classTable(n, H, r.counts, f.samples);
  const corr = correlations(rows);
  const total = 2 ** (2 ** n);
  writeFileAtomic(join(dir, 'functions.csv'), 'truth_table,count,P,K,K_theta,K_C,K_LZ\n' + rows.map((x) => `${x.bits},${x.count},${x.p},${x.K},${x.K_theta},${x.K_C},${x.K_LZ}`).join('\n') + '\n');
  writeJsonAtomic(join(dir, 'by-K.json'), ks);
  writeJsonAtomic(join(dir, 'classes.json'), classes);
  // Figures: P vs each complexity, and the Zipf rank plot with the "optimal" 1/(2^n ln2 R) line.
  // Plot thinning keeps the SVGs small: one point per (complexity, log10 P to 0.01) and ~400 log-spaced ranks.
  const thin = (xs: number[], ys: number[]) => {
    const seen = new Set<string>(), x: number[] = [], y: number[] = [];
    xs.forEach((v, i) => { const k = `${v}|${Math.log10(ys[i]).toFixed(2)}`; if (!seen.has(k)) { seen.add(k); x.push(v); y.push(ys[i]); } });
    return { x, y };
  };
  for (const [key, label] of [['K', 'K (min DNF literals)'], ['K_theta', 'K_θ (literals + clauses)'], ['K_C', 'K_C (2 × clauses)'], ['K_LZ', 'K_LZ (Lempel–Ziv)']] as const) {
    await writePlot(join(dir, 'plots', `p-vs-${key}`), scatterPlotSvg({
      title: `P(f) vs ${label}, n=${n}, H=${H}, ${f.samples.toExponential(0)} samples`, xLabel: label, yLabel: 'P(f)', logY: true,
      series: [{ name: 'sampled functions (distinct points)', ...thin(rows.map((x) => x[key]), rows.map((x) => x.p)) }],
    }));
  }
  const rank: number[] = [];
  for (let r = 1; r <= rows.length; r = Math.max(r + 1, Math.floor(r * 1.02))) rank.push(r);
  if (rank[rank.length - 1] !== rows.length && rows.length > 0) rank.push(rows.length);
  await writePlot(join(dir, 'plots', 'zipf'), linePlotSvg({
    title: `Rank plot of P(f), n=${n}, H=${H}`, xLabel: 'rank R', yLabel: 'P(f)', logX: true, logY: true,
    series: [
      { name: 'sampled', x: rank, y: rank.map((r) => rows[r - 1].p) },
      { name: 'Zipf 1/(2^n ln2 · R)', x: rank, y: rank.map((k) => 1 / (2 ** n * Math.LN2 * k)) },
    ],
  }));
  const kTable = ['| K | functions with this K | hit | mean log10 P | max log10 P | min log10 P |', '|---|---|---|---|---|---|',
    ...ks.map((k) => `| ${k.K} | ${Number.isNaN(k.functions) ? '—' : k.functions} | ${k.hit} | ${k.meanLog10P.toFixed(2)} | ${k.maxLog10P.toFixed(2)} | ${k.minLog10P.toFixed(2)} |`)].join('\n');
  const cTable = ['| class | members | measured P (mean per function) | lower bound | upper bound |', '|---|---|---|---|---|',
    ...classes.map((c) => `| ${c.cls} | ${c.members} | ${formatProbability(c.measured)} | ${formatProbability(c.lower)} | ${formatProbability(c.upper)} |`)].join('\n');
  writeFileAtomic(join(dir, 'report.md'), `# Prior, n = ${n}, H = ${H}, ${f.samples} samples, seed ${f.seed}\n\n${kTable}\n\n${cTable}\n\nCorrelations of log10 P with the complexity measures: ${JSON.stringify(corr)}\n`);
  const summary = {
    n, H, samples: f.samples, seed: f.seed, workers: f.workers, distinct_functions: r.counts.size,
    functions_total: total, never_hit: n <= 5 ? total - r.counts.size : null,
    p_const0: (r.counts.get(0) ?? 0) / f.samples, p_const1: (r.counts.get(n >= 5 ? 0xffffffff : 2 ** (2 ** n) - 1) ?? 0) / f.samples,
    sample_seconds: Number(sampleSeconds.toFixed(2)), samples_per_s: Math.round(f.samples / sampleSeconds),
    ...corr, by_K: ks, classes, run_dir: dir,
  };
  printResult(summary, f.json, `prior n=${n} H=${H}: ${r.counts.size} of ${total} functions hit in ${f.samples} samples (${sampleSeconds.toFixed(1)} s)\n\n${kTable}\n\n${cTable}\nrun dir: ${dir}`);
}

const scalingFlags = { json: jsonFlag };
const nullableNumber = z.number().nullable();
const priorConfigSchema = z.object({ command: z.literal('boolean prior'), n: z.number().int(), H: z.number().int(), samples: z.number() }).passthrough();
const classesSchema = z.array(z.object({ cls: z.string(), members: z.number(), measured: z.number(), lower: nullableNumber, upper: nullableNumber, note: z.string() }));

/** `boolean prior-scaling`: Theorem 3.2 across n from the classes.json of `boolean prior` runs (was scripts/boolean-prior-scaling.ts). */
export const priorScalingCommand: Command = {
  name: 'boolean prior-scaling',
  summary: 'one table of the measured P(f) per function class against n from several `boolean prior` runs, with the App. D bounds and ln P / M',
  example: 'eggroll boolean prior-scaling runs/boolean/prior-n2 runs/boolean/prior-n3 runs/boolean/prior-n4',
  flags: scalingFlags,
  positionals: [{ name: 'run-dir', help: 'a directory written by eggroll boolean prior (its config.json and classes.json)', variadic: true }],
  async run(argv) {
    const { flags: f, positionals } = parseFlags(argv, scalingFlags, this.positionals);
    const runs = positionals.map((dir) => {
      checkRunKind(dir, 'boolean', '<run-dir>');
      const cfg = readJsonFile(join(dir, 'config.json'), priorConfigSchema);
      return { n: cfg.n, H: cfg.H, samples: cfg.samples, classes: readJsonFile(join(dir, 'classes.json'), classesSchema) };
    }).sort((a, b) => a.n - b.n);
    const table = priorScalingTable(runs);
    if (f.json) process.stdout.write(JSON.stringify({ runs: runs.map((r) => ({ n: r.n, H: r.H, samples: r.samples, classes: r.classes })), table }) + '\n');
    else process.stdout.write(table);
  },
};
