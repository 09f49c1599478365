/**
 * One reasoning run (EGGROLL or GRPO) from resolved settings to a finished run directory: config.json,
 * metrics.jsonl (one 'step' row per update, an 'eval' row at every held-out evaluation — the base model's
 * at step 0), checkpoints/ (resume continues bit for bit), plots/, summary.json. Both methods start from
 * the same base model, see the same training prompts in the same order and sample with the same settings;
 * the held-out problems are the same for every run. Kept below the CLI so scripts and tests run it in-process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBackend, openWebGpu, type Backend, type GpuKernels } from '../backend/index.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { BadFileError, readJsonFile } from '../io/errors.js';
import { MetricsLog, readJsonl } from '../io/metrics.js';
import { hasCheckpoint } from '../io/checkpoint.js';
import { linePlotSvg, writePlot } from '../io/plot.js';
import type { OptimizerConfig } from '../es/optim.js';
import type { StrategyConfig } from '../es/strategy.js';
import { Trainer } from '../parallel/trainer.js';
import type { LmConfig } from './model.js';
import { makeTask, type ReasonTask } from './tasks/index.js';
import { accuracyOf, type Accuracy } from './evaluate.js';
import { loadLm } from './weights.js';
import { ES_TASK_MODULE, ReasonEsTask, type EsTaskRefOptions } from './es-task.js';
import { EVAL_PROBLEM_SEED, completionsOf, isEs, populationOf, reasonConfigSchema, type ReasonRunConfig } from './config.js';
import { parseTune, tunedCount, tunedSpecs } from './tune.js';
import { decaying } from '../es/schedule.js';
import { RunClock, runLoop, type LoopExperiment } from '../experiment/index.js';
import type { Method } from './method.js';

export interface ReasonHooks {
  log?: (line: string) => void;
  onStep?: (p: { step: number; total: number; reward: number; heldout?: number }) => void;
  shouldStop?: () => string | undefined;
  /** Stop (with a checkpoint) at the first update boundary after this many seconds; 0 = no limit. */
  maxSeconds?: number;
}

export interface ReasonSummary {
  task: string;
  algo: string;
  seed: number;
  steps: number;
  base_accuracy: number;
  heldout_accuracy: number;
  heldout_ci95: [number, number];
  heldout_problems: number;
  seconds: number;
  tokens_generated: number;
  peak_rss_mb: number;
  run_dir: string;
}

/** Peak resident memory of this process so far, MB (the OS's high-water mark). */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

export type { Method } from './method.js';

export async function runReason(config: ReasonRunConfig, dir: string, resume: boolean, hooks: ReasonHooks = {}): Promise<ReasonSummary> {
  const log = hooks.log ?? (() => {});
  const base = loadLm(config.base);
  const task = makeTask(config.task);
  // EGGROLL on --backend webgpu is device-resident (its sampling on the GPU: reason/device-lm.ts); the host then
  // scores the held-out set on wasm. GRPO keeps the webgpu facade for sampling and tfjs-webgpu for its gradient.
  const onDevice = config.algo === 'eggroll' && config.backend === 'webgpu';
  const backend = await loadBackend(onDevice ? 'wasm' : config.backend, log);
  // tfjs is loaded only for GRPO: an EGGROLL run never holds it (nor its memory).
  const method = isEs(config.algo) ? await esMethod(config, base.cfg, base.values, task, backend, onDevice ? await openWebGpu() : undefined)
    : await (await import('./grpo-method.js')).grpoMethod(config, base.cfg, base.values, task, backend);
  const ckDir = join(dir, 'checkpoints');
  const metrics = new MetricsLog(join(dir, 'metrics.jsonl'));
  const evaluate = (): Accuracy => accuracyOf(task, base.cfg, method.params, backend, { count: config.evalCount, problemSeed: EVAL_PROBLEM_SEED });
  let step = 0, priorSeconds = 0, tokens = 0;
  let baseAcc: number;
  try {
    if (resume && hasCheckpoint(ckDir)) {
      const r = method.resume(ckDir, log);
      step = r.step;
      priorSeconds = Number(r.state.seconds ?? 0);
      tokens = Number(r.state.tokens ?? 0);
      baseAcc = Number(r.state.baseAccuracy ?? NaN);
      metrics.truncate((row) => Number(row.step) <= step);
      log(`resumed ${dir} at step ${step}`);
    } else {
      const tuned = tunedCount(tunedSpecs(base.cfg, parseTune(config.tune, base.cfg.layers)));
      writeJsonAtomic(join(dir, 'config.json'), reasonConfigSchema.parse({ ...config, model: base.cfg, tuned_values: tuned, base_provenance: base.provenance, version: 1 }));
      metrics.truncate(() => false);
      const a = evaluate();
      baseAcc = a.accuracy;
      metrics.append({ kind: 'eval', step: 0, seconds: 0, tokens: 0, heldout_acc: a.accuracy, heldout_lo: a.ci95[0], heldout_hi: a.ci95[1], format_rate: a.format_rate, rss_mb: peakRssMb() });
      log(`base model: held-out accuracy ${(100 * a.accuracy).toFixed(1)}% (${a.correct}/${a.problems}), well-formed ${(100 * a.format_rate).toFixed(0)}%`);
    }
    const clock = new RunClock(priorSeconds);
    let lastAcc: Accuracy | undefined;
    let lastEvalStep = -1;
    let made: Awaited<ReturnType<Method['step']>> | undefined;
    let heldout: number | undefined;
    const n = completionsOf(config);
    const update: LoopExperiment = {
      unit: 'step',
      total: config.steps,
      checkpointEvery: config.checkpointEvery,
      done: () => step,
      async advance() {
        made = await method.step(step);
        step++;
        tokens += made.tokens;
      },
      async record() {
        const rows: Record<string, unknown>[] = [{ kind: 'step', step, seconds: clock.seconds(), tokens, reward: made!.reward / n, correct_rate: made!.correct / n, rss_mb: peakRssMb(), ...made!.extra }];
        heldout = undefined;
        if (step % config.evalEvery === 0 || step === config.steps) {
          await method.sync?.();
          // Training seconds: evaluation time is left out (the clock pauses while the held-out set is scored).
          lastAcc = clock.untimed(evaluate);
          lastEvalStep = step;
          heldout = lastAcc.accuracy;
          rows.push({ kind: 'eval', step, seconds: clock.seconds(), tokens, heldout_acc: lastAcc.accuracy, heldout_lo: lastAcc.ci95[0], heldout_hi: lastAcc.ci95[1], format_rate: lastAcc.format_rate, rss_mb: peakRssMb() });
        }
        return rows;
      },
      report: () => hooks.onStep?.({ step, total: config.steps, reward: made!.reward / n, heldout }),
      checkpoint: async (seconds) => {
        await method.sync?.();
        method.save(ckDir, step, { seconds, tokens, baseAccuracy: baseAcc });
      },
    };
    await runLoop(update, dir, { metrics, clock, shouldStop: hooks.shouldStop, maxSeconds: hooks.maxSeconds, log, resumeHint: `eggroll reason train --resume ${dir}` });
    const seconds = () => clock.seconds();
    // A run cut short by --max-seconds ends between evaluations: score the parameters it ends with.
    let final = lastAcc;
    if (!final || lastEvalStep !== step) {
      await method.sync?.();
      final = evaluate();
      metrics.append({ kind: 'eval', step, seconds: seconds(), tokens, heldout_acc: final.accuracy, heldout_lo: final.ci95[0], heldout_hi: final.ci95[1], format_rate: final.format_rate, rss_mb: peakRssMb() });
    }
    await plotRun(dir, config);
    const summary: ReasonSummary = {
      task: config.task, algo: config.algo, seed: config.seed, steps: step, base_accuracy: baseAcc, heldout_accuracy: final.accuracy, heldout_ci95: final.ci95,
      heldout_problems: final.problems, seconds: seconds(), tokens_generated: tokens, peak_rss_mb: peakRssMb(), run_dir: dir,
    };
    writeJsonAtomic(join(dir, 'summary.json'), summary);
    return summary;
  } finally {
    await method.close();
  }
}

// ------------------------------------------------------------------------------------------ EGGROLL and OpenES

function strategyOf(c: ReasonRunConfig): StrategyConfig {
  const optimizer: OptimizerConfig = c.esOptimizer === 'sgd' ? { kind: 'sgd' } : c.esOptimizer === 'adam' ? { kind: 'adam' } : { kind: 'adamw' };
  return {
    algo: c.algo === 'openes' ? 'openes' : 'eggroll', popSize: populationOf(c), rank: c.rank, sigma: decaying(c.sigma, c.sigmaDecay),
    lr: decaying(c.esLr, c.esLrDecay), optimizer, antithetic: c.antithetic,
    shaping: c.esShaping === 'zscore' ? { kind: 'zscore' } : { kind: 'group', groupSize: c.group }, seed: c.seed, noiseReuse: 1,
  };
}

async function esMethod(c: ReasonRunConfig, cfg: LmConfig, base: Float32Array[], task: ReasonTask, backend: Backend, device?: GpuKernels): Promise<Method> {
  // What a worker thread needs to build the same task: plain JSON, the base model by its path.
  const ref: EsTaskRefOptions = {
    basePath: c.base, task: c.task, popSize: populationOf(c), group: c.group, temperature: c.temperature, formatReward: c.formatReward, seed: c.seed,
    tune: c.tune, memberPrompts: c.memberPrompts, samples: c.samples, sharedSampling: c.sharedSampling,
  };
  const esTask = new ReasonEsTask({ ...ref, cfg, base, task }, backend);
  const trainer = await Trainer.create({
    task: esTask, strategy: strategyOf(c), backend, backendChoice: device ? 'wasm' : c.backend, workers: c.workers, taskRef: { module: ES_TASK_MODULE, options: ref }, device,
  });
  return {
    params: trainer.params,
    async step() {
      const r = await trainer.step();
      // The members' mean fitness is the mean reward over every completion (each member has as many).
      return { reward: r.meanFitness * completionsOf(c), correct: esTask.last.correct, tokens: esTask.last.tokens, extra: { grad_norm: r.gradNorm, sigma: r.sigma, lr: r.lr } };
    },
    save: (dir, _step, state) => { trainer.save(dir, state); },
    resume(dir, log) {
      const state = trainer.resume(dir, log);
      return { step: trainer.generation, state };
    },
    close: () => trainer.close(),
    sync: () => trainer.sync(),
  };
}

// ------------------------------------------------------------------------------------------ files

export async function plotRun(dir: string, c: ReasonRunConfig): Promise<void> {
  const rows = readJsonl(join(dir, 'metrics.jsonl'));
  const evals = rows.filter((r) => r.kind === 'eval');
  const steps = rows.filter((r) => r.kind === 'step');
  const svg = linePlotSvg({
    title: `${c.task} — ${c.algo}: held-out accuracy and training reward`, xLabel: 'training seconds', yLabel: 'accuracy, mean reward (0–1)',
    series: [
      { name: 'held-out accuracy (greedy)', x: evals.map((r) => Number(r.seconds)), y: evals.map((r) => Number(r.heldout_acc)) },
      { name: 'training reward (sampled)', x: steps.map((r) => Number(r.seconds)), y: steps.map((r) => Number(r.reward)) },
    ],
  });
  await writePlot(join(dir, 'plots', 'accuracy'), svg);
}

export function readReasonConfig(dir: string): ReasonRunConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new BadFileError(dir, 'is not a run directory (no config.json)');
  return readJsonFile(path, reasonConfigSchema) as unknown as ReasonRunConfig;
}
