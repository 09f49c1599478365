/**
 * `eggroll bench bbob`: the BBOB measurement (es/flat/bbob-run.ts) for strategies × functions × dimensions: per cell
 * `--seeds` runs, ERT (expected evaluations to reach f − f_opt ≤ target) and the success rate, as a table per
 * dimension and one JSON object. docs/results/bbob.md is made from its JSON by scripts/bbob-results.ts.
 */
import { z } from 'zod';
import type { Command } from '../command.js';
import { num, parseFlags, type FlagTable } from '../flags.js';
import { jsonFlag, quietFlag } from '../common-flags.js';
import { UsageError } from '../errors.js';
import { printResult } from '../output.js';
import { Progress } from '../progress.js';
import { machineInfo, table } from '../../bench/harness.js';
import { BBOB_FUNCTIONS, BBOB_NAMES, type BbobId } from '../../es/flat/bbob.js';
import { bbobCell, type BbobResult } from '../../es/flat/bbob-run.js';
import { OPTIMIZE_ALGOS, type OptimizeAlgo } from '../../es/flat/optimize.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { bbobIdOf } from './optimize.js';

const list = z.string().min(1);
const flags = {
  functions: { schema: list, default: BBOB_FUNCTIONS.map((i) => `f${i}`).join(','), help: `BBOB functions, comma-separated: ${BBOB_FUNCTIONS.map((i) => `f${i}`).join(',')}` },
  dims: { schema: z.string().regex(/^\d+(,\d+)*$/, { message: 'must be comma-separated integers ≥ 2, e.g. 2,5,10' }), default: '2,5,10,20,40', help: 'dimensions' },
  algos: { schema: list, default: OPTIMIZE_ALGOS.join(','), help: `strategies, comma-separated: ${OPTIMIZE_ALGOS.join(',')}` },
  seeds: { schema: num.int(1, 1000), default: 15, help: 'runs (instances) per cell' },
  budget: { schema: num.count(1), default: 10_000, help: 'evaluations per run, per dimension (a run gets budget·d)' },
  target: { schema: num.positive(), default: 1e-8, help: 'f − f_opt to reach' },
  out: { schema: z.string().min(1).optional(), help: 'also write the JSON result to this file (atomically)' },
  json: jsonFlag,
  quiet: quietFlag,
} satisfies FlagTable;

const fmtErt = (r: BbobResult) => (r.successes ? `${r.ert < 1e4 ? r.ert.toFixed(0) : r.ert.toExponential(1)} (${r.successes}/${r.runs.length})` : `∞ (0/${r.runs.length}, best ${Math.min(...r.runs.map((x) => x.f)).toExponential(0)})`);

export const benchBbobCommand: Command = {
  name: 'bench bbob',
  summary: 'ERT and success rate of every strategy on the noiseless BBOB functions (f1, f2, f8, f10, f15, f20, f21) in several dimensions',
  example: 'eggroll bench bbob --functions f1,f8 --dims 2,5 --algos cma-es,snes --seeds 5',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    const fns = f.functions.split(',').map((t) => {
      const id = bbobIdOf(t);
      if (id === undefined) throw new UsageError(`--functions: '${t}' is not one of ${BBOB_FUNCTIONS.map((i) => `f${i}`).join(', ')}`);
      return id;
    });
    const dims = f.dims.split(',').map(Number);
    for (const d of dims) if (d < 2) throw new UsageError(`--dims: BBOB functions need d ≥ 2, got ${d}`);
    const algos = f.algos.split(',').map((a) => {
      if (!(OPTIMIZE_ALGOS as readonly string[]).includes(a)) throw new UsageError(`--algos: '${a}' is not one of ${OPTIMIZE_ALGOS.join(', ')}`);
      return a as OptimizeAlgo;
    });
    const cells = dims.flatMap((d) => fns.flatMap((fn) => algos.map((algo) => ({ fn, d, algo }))));
    const progress = new Progress({ total: cells.length * f.seeds, label: 'bench bbob', quiet: f.quiet, unit: 'runs' });
    const results: BbobResult[] = [];
    let done = 0;
    const t0 = performance.now();
    for (const c of cells) {
      results.push(await bbobCell({ ...c, seeds: f.seeds, budget: f.budget * c.d, target: f.target }, () => {
        progress.update(++done, { cell: `f${c.fn} d=${c.d} ${c.algo}` });
      }));
    }
    const records = results.map((r) => ({ function: `f${r.fn}`, name: BBOB_NAMES[r.fn], dim: r.d, algo: r.algo, ert: Number.isFinite(r.ert) ? r.ert : null, ert_per_dim: Number.isFinite(r.ert) ? r.ertPerDim : null,
      successes: r.successes, runs: r.runs.length, success_rate: r.successRate, budget: r.budget, target: r.target, best_f: r.runs.map((x) => x.f), evals: r.runs.map((x) => x.evals), seconds: r.runs.reduce((s, x) => s + x.seconds, 0) }));
    const summary = { bench: 'bbob', functions: fns.map((i) => `f${i}`), dims, algos, seeds: f.seeds, budget_per_dim: f.budget, target: f.target, seconds: (performance.now() - t0) / 1000, records, machine: await machineInfo() };
    if (f.out) writeJsonAtomic(f.out, summary);
    const human = dims.map((d) => `d = ${d}: ERT in evaluations (successes/runs) to f − f_opt ≤ ${f.target}, budget ${f.budget * d}\n` + table(['function', ...algos],
      fns.map((fn) => [`f${fn} ${BBOB_NAMES[fn as BbobId]}`, ...algos.map((a) => fmtErt(results.find((r) => r.fn === fn && r.d === d && r.algo === a)!))]))).join('\n\n');
    printResult(summary, f.json, human);
  },
};
