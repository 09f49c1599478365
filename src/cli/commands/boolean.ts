/**
 * `eggroll boolean train | prior | sweep`: the Boolean lab (depth-2 discrete networks ↔ DNF formulas).
 * The heavy lifting is in src/boolean; these commands parse, validate, run and write run directories.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num, oneOf, type FlagTable } from '../flags.js';
import { runDirFlags } from '../common-flags.js';
import { log, printResult } from '../output.js';
import { prepareRunDir } from '../../experiment/run-dir.js';
import { Progress } from '../progress.js';
import { writeJsonAtomic } from '../../io/atomic.js';

/** Longest DNF printed on the terminal and kept in the summary; longer ones are only in final.dnf. */
const DNF_INLINE_CHARS = 2000;
import { MetricsLog } from '../../io/metrics.js';
import { ALGOS, TARGET_HELP, runOneStoppable } from '../../boolean/experiments.js';
import type { LearnResult } from '../../boolean/learner.js';
import { stopRequested } from '../../io/stop-check.js';
import { catchStopSignals } from '../signals.js';
import { Interrupted } from '../errors.js';
import { formatDnf } from '../../boolean/dnf.js';
import { widthFor } from '../../boolean/dfcn.js';
import { writeRunArtifacts } from '../../boolean/artifacts.js';
import { runPriorCommand, priorFlags, priorScalingCommand } from './boolean-prior.js';
import { runSweepCommand, sweepFlags } from './boolean-sweep.js';
import { DEFAULT_STEPS, TRAIN_MAX_N, learnerFlags, resolveRun } from './boolean-common.js';

const trainFlags = {
  n: { schema: num.int(1, TRAIN_MAX_N), default: 7, help: `number of inputs (1–${TRAIN_MAX_N})` },
  target: { schema: z.string().min(1), default: 'parity:4', help: `target function: ${TARGET_HELP}` },
  m: { schema: num.int(1), default: 64, help: 'training-set size (must be < 2^n; the rest is the test set)' },
  algo: { schema: oneOf(ALGOS), default: 'mh', help: 'learner: mh | greedy | oracle | eggroll' },
  lambda: { schema: num.nonneg(), default: 0, help: 'ℓ1 weight decay λ in π(θ) ∝ exp(−κL − λ‖θ‖₁)' },
  steps: { schema: num.count(0, 1e10), default: 0, help: `proposals (mh), steps (greedy) or generations (eggroll); 0 = ${Object.entries(DEFAULT_STEPS).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')}` },
  'log-every': { schema: num.count(0, 1e10), default: 0, help: 'steps between metrics lines (0 = 100 lines per run)' },
  draw: { schema: num.int(0, 1e6), default: 0, help: 'which random draw of target/split/learner streams (the sweep uses 0..9)' },
  ...learnerFlags,
  ...runDirFlags,
} satisfies FlagTable;

const train: Command = {
  name: 'boolean train',
  summary: 'train a depth-2 discrete network (DFCN ≡ DNF) on a Boolean target with MH, greedy, the min-norm oracle or EGGROLL',
  example: 'eggroll boolean train --n 7 --target parity:4 --m 64 --algo mh --lambda 0.01 --steps 2e6 --seed 1 --json',
  flags: trainFlags,
  config: true,
  async run(argv) {
    const { flags: f } = parseFlags(argv, trainFlags, [], true);
    const c = resolveRun(f);
    const dir = prepareRunDir({ out: f.out, force: f.force, prefix: `boolean-${c.algo}`, kind: 'boolean', command: 'boolean train', log });
    const H = widthFor(c.n, c.widthMult);
    writeJsonAtomic(join(dir, 'config.json'), { command: 'boolean train', ...c, H });
    const metrics = new MetricsLog(join(dir, 'metrics.jsonl'));
    const progress = new Progress({ total: c.steps || 1, label: `${c.algo} ${c.target} m=${c.m}`, quiet: f.quiet , unit: 'steps' });
    const t0 = performance.now();
    // Ctrl-C / SIGTERM: MH stops at the next log entry and everything below is written for the steps it made.
    const signals = catchStopSignals(log, 'log interval');
    let stopped: boolean, r: LearnResult;
    try {
      ({ result: r, stopped } = await runOneStoppable(c, (e) => {
        metrics.append(e as unknown as Record<string, unknown>);
        progress.update(e.step, { train: e.train_acc, test: e.test_acc, l1: e.l1_w1, clauses: e.active_clauses });
      }, async () => (await stopRequested(signals.reason)) !== undefined));
    } finally {
      signals.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (c.algo === 'oracle') metrics.append(r.log[0] as unknown as Record<string, unknown>);
    const label = `${c.target}, n=${c.n}, m=${c.m}, λ=${c.lambda}`;
    await writeRunArtifacts(dir, r, label);
    // The DNF is in final.dnf (writeRunArtifacts); inline (terminal, summary) only while it reads as a line, not a
    // 448 kB wall (n = 14).
    const dnf = formatDnf(r.dnf);
    const inline = dnf.length <= DNF_INLINE_CHARS;
    const summary = {
      target: c.target, n: c.n, m: c.m, algo: c.algo, seed: c.seed, draw: c.draw, lambda: c.lambda, H,
      train_acc: r.train_acc, test_acc: r.test_acc, l1_norm: r.l1_w1, l1_theta: r.l1_theta,
      active_clauses: r.active_clauses, dnf_length: r.dnf_length, ...(inline ? { dnf } : {}), dnf_file: join(dir, 'final.dnf'),
      steps: r.steps, zero_train_step: r.zero_train_step, seconds: Number(seconds.toFixed(3)),
      ...(c.algo === 'mh' ? { proposals_per_s: Math.round(r.steps / seconds) } : {}),
      ...(r.extra ?? {}), run_dir: dir,
    };
    writeJsonAtomic(join(dir, 'summary.json'), summary);
    const human = `${c.algo} on ${c.target} (n=${c.n}, m=${c.m}): train ${(r.train_acc * 100).toFixed(1)}%  test ${(r.test_acc * 100).toFixed(1)}%  ‖W¹‖₁ ${r.l1_w1}  clauses ${r.active_clauses}  DNF length ${r.dnf_length}\nDNF: ${inline ? dnf : `${dnf.length.toLocaleString('en')} characters, in ${join(dir, 'final.dnf')}`}\nrun dir: ${dir}`;
    if (stopped) throw new Interrupted(`${signals.reason() ?? 'stopped'} at step ${r.steps} of ${c.steps}: the run so far is written in ${dir} (summary.json, final.dnf, metrics.jsonl, plots)`, signals.exitCode());
    printResult(summary, f.json, human);
  },
};

const prior: Command = {
  name: 'boolean prior',
  summary: 'sample the prior P(f) of random DFCN parameters (Def. 3.1); P(f) vs K, Zipf plot, Theorem 3.2 checks',
  example: 'eggroll boolean prior --n 4 --samples 1e8 --workers 2 --json',
  flags: priorFlags,
  run: (argv) => runPriorCommand(argv),
};

const sweep: Command = {
  name: 'boolean sweep',
  summary: "run the paper's grid (targets × m × draws × learners) and write tables and figures (optionally into a markdown doc)",
  example: 'eggroll boolean sweep --n 7 --targets parity:1,parity:4,parity:7 --ms 16,32,64,96 --draws 10 --learners mh:0,mh:0.01,oracle --workers 2',
  flags: sweepFlags,
  run: (argv) => runSweepCommand(argv),
};

export const BOOLEAN_COMMANDS: Command[] = [train, prior, priorScalingCommand, sweep];
