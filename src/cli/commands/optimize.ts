/**
 * `eggroll optimize`: one black-box optimisation of a BBOB function (es/flat/bbob.ts) with any `optimize` strategy —
 * what a user runs to see a strategy work before calling `optimize(f, x0)` on their own function. A progress bar on
 * a terminal; `--log FILE` writes every generation's record as JSON Lines or CSV.
 */
import { z } from 'zod';
import type { Command } from '../command.js';
import { num, oneOf, parseFlags, type FlagTable } from '../flags.js';
import { jsonFlag, quietFlag, seedFlag } from '../common-flags.js';
import { UsageError } from '../errors.js';
import { printResult } from '../output.js';
import { Progress } from '../progress.js';
import { BBOB_FUNCTIONS, BBOB_NAMES, bbobProblem, type BbobId } from '../../es/flat/bbob.js';
import { bbobStart } from '../../es/flat/bbob-run.js';
import { optimize, OPTIMIZE_ALGOS, type GenerationRecord, type OptimizeAlgo } from '../../es/flat/optimize.js';
import { recordLogger } from '../../io/record-log.js';

/** f8, 8 or a name's first word (sphere, rosenbrock, rastrigin, …) → the BBOB id. */
export function bbobIdOf(text: string): BbobId | undefined {
  const t = text.trim().toLowerCase().replace(/^f/, '');
  const n = Number(t);
  if ((BBOB_FUNCTIONS as readonly number[]).includes(n)) return n as BbobId;
  const byName = BBOB_FUNCTIONS.filter((id) => BBOB_NAMES[id].toLowerCase().startsWith(text.trim().toLowerCase()));
  return byName.length === 1 ? byName[0] : undefined;
}

const functionHelp = BBOB_FUNCTIONS.map((id) => `f${id} ${BBOB_NAMES[id]}`).join(', ');

const flags = {
  function: { schema: z.string().min(1), default: 'f8', help: `BBOB function: ${functionHelp} (f8, 8 or a name)` },
  dim: { schema: num.int(2, 10_000), default: 10, help: 'dimension d' },
  algo: { schema: oneOf(OPTIMIZE_ALGOS as unknown as [OptimizeAlgo, ...OptimizeAlgo[]]), default: 'cma-es', help: `strategy: ${OPTIMIZE_ALGOS.join('|')}` },
  sigma0: { schema: num.positive(), default: 2, help: 'initial step size (ARS: its fixed exploration noise ν); the domain is [−5, 5]^d' },
  pop: { schema: num.int(2, 1 << 20).optional(), help: 'population λ (default: the strategy\'s, 4 + ⌊3 ln d⌋ for CMA-ES)' },
  'max-evals': { schema: num.count(1).optional(), help: 'evaluation budget (default 10⁴·d)' },
  target: { schema: num.positive(), default: 1e-8, help: 'stop when f − f_opt ≤ this' },
  restarts: { schema: num.int(0, 1000), default: 9, help: 'restarts after a local convergence (BIPOP: large-population ones)' },
  'restart-strategy': { schema: oneOf(['bipop', 'ipop']), default: 'bipop', help: 'bipop|ipop' },
  instance: { schema: num.int(1, 2 ** 31), default: 1, help: 'the function\'s instance (its x_opt and rotations) and x0, from this seed' },
  log: { schema: z.string().min(1).optional(), help: 'write every generation\'s record to this file: .csv for CSV, else JSON Lines' },
  seed: seedFlag,
  json: jsonFlag,
  quiet: quietFlag,
} satisfies FlagTable;

export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'minimise a BBOB test function with CMA-ES, Sep-CMA-ES, SNES, PGPE or ARS (what optimize(f, x0) does)',
  example: 'eggroll optimize --function rosenbrock --dim 10 --algo cma-es --log gens.csv',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    const id = bbobIdOf(f.function);
    if (id === undefined) throw new UsageError(`--function: '${f.function}' is not one of ${functionHelp}`);
    const d = f.dim;
    const problem = bbobProblem(id, d, f.instance);
    const budget = f['max-evals'] ?? 1e4 * d;
    const write = f.log ? recordLogger(f.log) : undefined;
    const progress = new Progress({ total: budget, label: `optimize f${id} d=${d} ${f.algo}`, quiet: f.quiet, unit: 'evals' });
    const r = await optimize((x) => problem.f(x), bbobStart(f.instance, d), {
      algo: f.algo, minimize: true, sigma0: f.sigma0, popSize: f.pop, seed: f.seed, maxEvals: budget, target: f.target,
      restarts: f.restarts, restartStrategy: f['restart-strategy'] as 'bipop' | 'ipop',
      onGeneration: (g: GenerationRecord) => {
        write?.(g);
        progress.update(Math.min(budget, g.evals), { best: g.best, sigma: g.sigma, restart: g.restart });
      },
    });
    progress.update(budget, { best: r.f, evals: r.evals, stop: r.stopReason }); // completes the bar (a run may stop before its budget)
    const summary = {
      function: `f${id}`, name: BBOB_NAMES[id], dim: d, instance: f.instance, algo: f.algo, seed: f.seed,
      f: r.f, solved: r.f <= f.target, evals: r.evals, generations: r.generations, restarts: r.restarts, stop_reason: r.stopReason,
      distance_to_optimum: Math.hypot(...Array.from(r.x, (v, i) => v - problem.xOpt[i])), x: Array.from(r.x), ...(f.log ? { log: f.log } : {}),
    };
    printResult(summary, f.json, `optimize f${id} ${BBOB_NAMES[id]} d=${d} ${f.algo}: f − f_opt ${r.f.toExponential(2)} after ${r.evals} evaluations, ${r.restarts} restarts (${r.stopReason === 'target' ? 'target reached' : `stopped: ${r.stopReason}`})${f.log ? `; generations in ${f.log}` : ''}`);
  },
};
