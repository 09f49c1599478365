/**
 * `eggroll reason pretrain | train | eval`: fine-tuning a small pretrained character LM for reasoning
 * (Countdown, multi-digit addition) with EGGROLL or with GRPO, side by side (src/reason).
 *   pretrain  makes a base model with backprop (tfjs) and writes it with its provenance
 *   train     runs EGGROLL or GRPO from a base model into a run directory
 *   eval      scores a run's latest checkpoint on the held-out problems (accuracy, Wilson 95% interval)
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Command } from '../command.js';
import { camel, flag, num, oneOf, parseFlags } from '../flags.js';
import { backendFlag, forceFlag, jsonFlag, outFlag, quietFlag, seedFlag, workersFlag } from '../common-flags.js';
import { UsageError } from '../errors.js';
import { log, printResult } from '../output.js';
import { checkRunKind, prepareRunDir } from '../../experiment/run-dir.js';
import { untilStopped } from '../signals.js';
import { Progress, fmt } from '../progress.js';
import { loadBackend, type BackendChoice } from '../../backend/index.js';
import { OPTIMIZERS } from '../../es/optim.js';
import { ParamSet } from '../../nn/params.js';
import { loadCheckpoint, type Checkpoint } from '../../io/checkpoint.js';
import { probeWritable } from '../../io/atomic.js';
import { FsError } from '../../io/errors.js';
import { checkTensors, modelTensorsExpected } from '../../parallel/trainer.js';
import { REASON_ALGOS, EVAL_PROBLEM_SEED, ES_SHAPINGS, OPTIONAL_DEFAULTS, RECIPES, resolveReasonConfig, type ReasonRunConfig } from '../../reason/config.js';
import { parseTune, TUNE_HELP, tunedSpecs } from '../../reason/tune.js';
import { readReasonConfig, runReason, peakRssMb } from '../../reason/run.js';
import { TASK_NAMES, makeTask, type TaskName } from '../../reason/tasks/index.js';
import { lmSpecs, LM_DEFAULTS } from '../../reason/model.js';
import { accuracyOf } from '../../reason/evaluate.js';
import { loadLm, saveLm } from '../../reason/weights.js';
import { TEXT_VOCAB_SIZE, VOCAB_SIZE } from '../../reason/vocab.js';
import { loadTextCorpus } from '../../reason/corpus.js';

/** The base model shipped with the package (made by `eggroll reason pretrain`; its provenance is in its header). */
export function defaultBasePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/cli/commands or dist/cli/commands → the package root.
  return resolve(here, '..', '..', '..', 'data', 'reason', 'base.safetensors');
}

const trainFlags = {
  algo: flag({ schema: oneOf(REASON_ALGOS), default: 'eggroll', help: `method: ${REASON_ALGOS.join('|')} (openes: the same ES with dense Gaussian noise)` }),
  tune: flag({ schema: z.string().min(1), default: OPTIONAL_DEFAULTS.tune, help: `what both methods tune: ${TUNE_HELP} (every matrix; the output matrix; the top K blocks' matrices and the head; rank-R adapters on every matrix, the base frozen)` }),
  recipe: flag({ schema: oneOf(RECIPES), default: OPTIONAL_DEFAULTS.recipe, help: "ES settings from a paper: qiu (Qiu et al. 2025: population 30, σ 0.001, α 5e-4 SGD, z-scored mean reward over 32 shared prompts, no ± pairs); flags given win" }),
  task: flag({ schema: oneOf(TASK_NAMES), default: 'countdown', help: `task: ${TASK_NAMES.join('|')}` }),
  base: flag({ schema: z.string().min(1).optional(), help: 'base model file (default: the bundled data/reason/base.safetensors)' }),
  steps: flag({ schema: num.int(1, 1_000_000), default: 200, help: 'updates: GRPO steps or EGGROLL generations' }),
  prompts: flag({ schema: num.int(1, 4096).optional(), help: 'training prompts per update (default: eggroll 32, grpo 8)' }),
  group: flag({ schema: num.int(2, 4096).optional(), help: 'completions per prompt: GRPO G, or EGGROLL members per prompt, even; population = prompts × group (default: eggroll 32, grpo 16)' }),
  temperature: flag({ schema: num.nonneg().optional(), help: "sampling temperature of training completions (default: the paper's, eggroll 0, grpo 1; held-out evaluation is greedy)" }),
  'member-prompts': flag({ schema: num.int(1, 4096), default: OPTIONAL_DEFAULTS.memberPrompts, help: 'ES: prompts each member answers (its group shares them); fitness = mean reward; population = prompts / member-prompts × group' }),
  samples: flag({ schema: num.int(1, 64), default: OPTIONAL_DEFAULTS.samples, help: 'ES: completions sampled per member and prompt (needs --temperature > 0); fitness = their mean reward' }),
  'shared-sampling': flag({ schema: z.boolean(), boolean: true, default: OPTIONAL_DEFAULTS.sharedSampling, help: "ES: a group's members draw the same sampling random numbers (common random numbers; needs --temperature > 0), so their rewards differ by their perturbations, not their dice" }),
  antithetic: flag({ schema: z.boolean(), boolean: true, default: OPTIONAL_DEFAULTS.antithetic, help: 'ES: ± pairs share a noise draw (--no-antithetic: every member its own, as Qiu et al.)' }),
  'es-shaping': flag({ schema: oneOf(ES_SHAPINGS), default: OPTIONAL_DEFAULTS.esShaping, help: "ES fitness shaping: group (minus each prompt group's mean, over the global std) | zscore (the whole population's)" }),
  'format-reward': flag({ schema: num.range(0, 1), default: 0.1, help: 'reward of a well-formed wrong answer (a right one gets 1)' }),
  sigma: flag({ schema: num.positive(), default: 0.02, help: 'EGGROLL noise scale σ' }),
  'sigma-decay': flag({ schema: num.range(0.9, 1), default: 1, help: 'EGGROLL σ multiplied by this every generation (1: constant; 0.9995 reaches 0.37× after 2,000 generations)' }),
  rank: flag({ schema: num.int(1, 64), default: 1, help: 'EGGROLL perturbation rank' }),
  'es-lr': flag({ schema: num.positive(), default: 0.001, help: 'EGGROLL learning rate' }),
  'es-lr-decay': flag({ schema: num.range(0.9, 1), default: 1, help: 'EGGROLL learning rate multiplied by this every generation (1: constant; 0.9995 reaches 0.15× after 3,800 generations)' }),
  'es-optimizer': flag({ schema: oneOf(OPTIMIZERS), default: 'adam', help: `EGGROLL optimiser: ${OPTIMIZERS.join('|')}` }),
  'grpo-lr': flag({ schema: num.positive(), default: 0.0001, help: 'GRPO learning rate (Adam)' }),
  clip: flag({ schema: num.range(0.001, 10), default: 0.2, help: 'GRPO ratio clip ε' }),
  kl: flag({ schema: num.nonneg(), default: 0, help: 'GRPO KL penalty β towards the base model (0: none, no reference model kept)' }),
  epochs: flag({ schema: num.int(1, 64), default: 2, help: 'GRPO policy updates per batch of completions' }),
  'eval-every': flag({ schema: num.int(1, 1_000_000), default: 10, help: 'held-out evaluation every this many updates (and at the end)' }),
  'eval-count': flag({ schema: num.int(1, 100_000), default: 256, help: 'held-out problems per evaluation (the same problems for every run)' }),
  'checkpoint-every': flag({ schema: num.int(1, 1_000_000), default: 10, help: 'updates between checkpoints' }),
  'max-seconds': flag({ schema: num.nonneg(), default: 0, help: 'stop (with a checkpoint) at the first update after this many seconds; 0 = no limit' }),
  seed: seedFlag,
  backend: backendFlag,
  workers: flag({ ...workersFlag, help: "EGGROLL: worker threads evaluating the population; results are identical for any count (GRPO's gradients run on one thread: tfjs's wasm backend has no threads in Node)" }),
  out: outFlag,
  force: forceFlag,
  resume: flag({ schema: z.string().min(1).optional(), help: 'continue the run in this directory from its latest checkpoint' }),
  json: jsonFlag,
  quiet: quietFlag,
};

/** Flags that may change on --resume (they do not change the result). */
const RESUME_FREE = new Set(['resume', 'steps', 'max-seconds', 'backend', 'workers', 'json', 'quiet', 'eval-every', 'checkpoint-every']);

function resolveBase(path: string | undefined): string {
  const p = resolve(path ?? defaultBasePath());
  if (!existsSync(p)) throw new UsageError(`--base: no model file at '${p}'; make one with: eggroll reason pretrain --out ${path ?? 'data/reason/base.safetensors'}`);
  return p;
}

export const reasonTrainCommand: Command = {
  name: 'reason train',
  summary: 'fine-tune the pretrained reasoning LM on Countdown or addition with EGGROLL or GRPO',
  example: 'eggroll reason train --task countdown --algo eggroll --steps 100 --seed 1 --json',
  flags: trainFlags,
  config: true,
  async run(argv) {
    const { flags: f, explicit } = parseFlags(argv, trainFlags, [], true);
    let config: ReasonRunConfig;
    let dir: string;
    if (f.resume) {
      const bad = [...explicit].filter((k) => !RESUME_FREE.has(k));
      if (bad.length) throw new UsageError(`--resume continues a run with its saved settings; only ${[...RESUME_FREE].filter((k) => k !== 'resume').map((k) => `--${k}`).join(', ')} may be given (got --${bad.join(', --')})`);
      checkRunKind(f.resume, 'reason', '--resume');
      dir = resolve(f.resume);
      config = readReasonConfig(dir);
      if (explicit.has('steps')) config.steps = f.steps;
      if (explicit.has('eval-every')) config.evalEvery = f['eval-every'];
      if (explicit.has('checkpoint-every')) config.checkpointEvery = f['checkpoint-every'];
      if (explicit.has('backend')) config.backend = f.backend as BackendChoice;
      if (explicit.has('workers')) config.workers = f.workers;
    } else {
      // The method's defaults and the cross-field checks are reason/config.ts's (a flag of the other method is refused).
      const base = resolveBase(f.base);
      const given = new Set([...explicit].map(camel));
      config = resolveReasonConfig({
        algo: f.algo, task: f.task, base, steps: f.steps, prompts: f.prompts, group: f.group, temperature: f.temperature, formatReward: f['format-reward'],
        tune: f.tune, recipe: f.recipe, memberPrompts: f['member-prompts'], samples: f.samples, sharedSampling: f['shared-sampling'], antithetic: f.antithetic, esShaping: f['es-shaping'],
        sigma: f.sigma, sigmaDecay: f['sigma-decay'], rank: f.rank, esLr: f['es-lr'], esLrDecay: f['es-lr-decay'], esOptimizer: f['es-optimizer'], grpoLr: f['grpo-lr'], clip: f.clip, kl: f.kl, epochs: f.epochs,
        evalEvery: f['eval-every'], evalCount: f['eval-count'], checkpointEvery: f['checkpoint-every'], seed: f.seed, backend: f.backend as BackendChoice, workers: f.workers,
      }, given, loadLm(base).cfg);
      dir = prepareRunDir({ out: f.out, force: f.force, prefix: `reason-${config.task}-${config.algo}`, kind: 'reason', command: 'reason train', log });
      if (!f.quiet) log(`run directory: ${dir}`);
    }
    // Which model the run starts from, said before it starts (a pretrained file elsewhere is only used with --base).
    if (!f.quiet) log(`base model: ${config.base}${config.base === resolve(defaultBasePath()) ? ' (the one bundled with eggroll; --base FILE for another)' : ''}`);
    const progress = new Progress({ total: config.steps, label: `${config.task} ${config.algo}`, quiet: f.quiet, maxSeconds: f['max-seconds'] || undefined, unit: 'steps' });
    let heldout = NaN;
    const s = await untilStopped('eggroll reason train', 'step', log, (shouldStop) => runReason(config, dir, Boolean(f.resume), {
      log: f.quiet ? () => {} : log, shouldStop, maxSeconds: f['max-seconds'],
      onStep: (p) => { if (p.heldout !== undefined) heldout = p.heldout; progress.update(p.step, { reward: p.reward, 'held-out': heldout }); },
    }));
    printResult(s as unknown as Record<string, unknown>, f.json,
      `${s.task} ${s.algo}: held-out accuracy ${pct(s.base_accuracy)} (base) → ${pct(s.heldout_accuracy)} [95% CI ${pct(s.heldout_ci95[0])}–${pct(s.heldout_ci95[1])}] after ${s.steps} updates, ${fmt(s.seconds)} s, ${s.tokens_generated} tokens generated, peak RSS ${s.peak_rss_mb.toFixed(0)} MB; run dir ${s.run_dir}`);
  },
};

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

const evalFlags = {
  base: flag({ schema: z.string().min(1).optional(), help: 'score this model file (safetensors from reason pretrain) instead of a run\'s checkpoint' }),
  count: flag({ schema: num.int(1, 100_000).optional(), help: "held-out problems (default: the run's --eval-count)" }),
  temperature: flag({ schema: num.nonneg(), default: 0, help: 'sampling temperature (0: greedy)' }),
  backend: backendFlag,
  json: jsonFlag,
};

/** reason eval --base FILE: held-out accuracy of a model file on every task. */
async function evalBase(file: string, f: { count?: number; temperature: number; backend: string; json: boolean }): Promise<void> {
  const lm = loadLm(file);
  const backend = await loadBackend(f.backend as BackendChoice, log);
  const params = new ParamSet(lmSpecs(lm.cfg), backend);
  params.values.forEach((v, i) => v.set(lm.values[i]));
  const count = f.count ?? 256;
  const accuracy: Record<string, number> = {};
  for (const t of TASK_NAMES) accuracy[t] = accuracyOf(makeTask(t), lm.cfg, params, backend, { count, problemSeed: EVAL_PROBLEM_SEED, temperature: f.temperature }).accuracy;
  printResult({ file, problems: count, temperature: f.temperature, accuracy }, f.json,
    `${file}: held-out accuracy over ${count} problems each, ${Object.entries(accuracy).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
}

export const reasonEvalCommand: Command = {
  name: 'reason eval',
  summary: "held-out accuracy of a reasoning run's latest checkpoint, with a Wilson 95% confidence interval",
  example: 'eggroll reason eval runs/reason-countdown-eggroll-20261202-060000 --json',
  flags: evalFlags,
  positionals: [{ name: 'run-dir', help: 'a directory written by eggroll reason train (or none, with --base FILE)', optional: true }],
  async run(argv) {
    const { flags: f, positionals } = parseFlags(argv, evalFlags, this.positionals);
    const dir = positionals[0];
    if (dir !== undefined && f.base !== undefined) throw new UsageError('give either <run-dir> (its checkpoint) or --base FILE (a model file), not both');
    if (dir === undefined) {
      if (f.base === undefined) throw new UsageError('missing argument <run-dir> (a directory written by eggroll reason train), or --base FILE to score a model file');
      return evalBase(resolveBase(f.base), f);
    }
    checkRunKind(dir, 'reason', '<run-dir>');
    const config = readReasonConfig(dir);
    const base = loadLm(config.base);
    const backend = await loadBackend(f.backend as BackendChoice, log);
    const specs = tunedSpecs(base.cfg, parseTune(config.tune, base.cfg.layers));
    const params = new ParamSet(specs, backend);
    const want = modelTensorsExpected(specs, 0);
    const ck = loadCheckpoint(join(dir, 'checkpoints'), { check: (c: Checkpoint, file: string) => checkTensors(c, file, want), log });
    params.loadTensors(ck.tensors, 'param/');
    const task = makeTask(config.task);
    const count = f.count ?? config.evalCount;
    const a = accuracyOf(task, base.cfg, params, backend, { count, problemSeed: EVAL_PROBLEM_SEED, temperature: f.temperature });
    printResult({ run_dir: dir, task: config.task, algo: config.algo, step: ck.generation, temperature: f.temperature, ...a }, f.json,
      [`${config.task} ${config.algo} at step ${ck.generation}: ${a.correct}/${a.problems} held-out problems right, ${pct(a.accuracy)} [95% CI ${pct(a.ci95[0])}–${pct(a.ci95[1])}], well-formed ${pct(a.format_rate)}`,
        ...a.examples.map((e) => `  ${e.prompt}${JSON.stringify(e.completion).slice(1, -1)}  ${e.correct ? 'right' : e.reason}`)].join('\n'));
  },
};

const listOf = <T extends string>(values: readonly [T, ...T[]]) => z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
  z.array(z.enum(values), { message: `must be a comma-separated list of ${values.join(', ')}` }).min(1));

const pretrainFlags = {
  out: flag({ schema: z.string().min(1), default: 'data/reason/base.safetensors', help: 'model file to write (safetensors, with the configuration and provenance in its header)' }),
  tasks: flag({ schema: listOf(TASK_NAMES), default: TASK_NAMES.join(','), help: 'tasks whose text is mixed into the corpus' }),
  steps: flag({ schema: num.int(1, 1_000_000), default: 1200, help: 'Adam steps' }),
  batch: flag({ schema: num.int(1, 4096), default: 64, help: 'lines per step' }),
  lr: flag({ schema: num.positive(), default: 0.003, help: 'peak learning rate (cosine decay to 10%)' }),
  solved: flag({ schema: num.range(0, 1), default: 0.5, help: 'fraction of pretraining answers that are right (the rest are well formed but wrong)' }),
  dim: flag({ schema: num.int(4, 1024), default: LM_DEFAULTS.dim, help: 'model width D' }),
  hidden: flag({ schema: num.int(4, 4096), default: LM_DEFAULTS.hidden, help: 'MLP width F' }),
  layers: flag({ schema: num.int(1, 16), default: LM_DEFAULTS.layers, help: 'minGRU blocks' }),
  corpus: flag({ schema: z.string().min(1).optional(), help: 'general text under the task text (a UTF-8 file or a folder of .txt files, e.g. data/kjv-nt): the model gets the 96-character text vocabulary' }),
  'text-fraction': flag({ schema: num.range(0, 1).optional(), help: 'fraction of each batch that is --corpus text (default 0.5 with --corpus)' }),
  seed: seedFlag,
  force: forceFlag,
  json: jsonFlag,
  quiet: quietFlag,
};

export const reasonPretrainCommand: Command = {
  name: 'reason pretrain',
  summary: 'make the base reasoning LM with backprop (tfjs) on generated Countdown and addition text',
  example: 'eggroll reason pretrain --out data/reason/base.safetensors --steps 1200 --seed 1',
  flags: pretrainFlags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, pretrainFlags);
    const out = resolve(f.out);
    if (existsSync(out) && !f.force) throw new UsageError(`--out: '${f.out}' exists; choose another file or add --force to replace it`);
    // Before training, not after it: a model that cannot be written is found out now.
    try {
      probeWritable(out);
    } catch (e) {
      if (e instanceof FsError) throw new UsageError(`--out: ${e.message}; choose another file`);
      throw e;
    }
    if (f['text-fraction'] !== undefined && f.corpus === undefined) throw new UsageError('--text-fraction: needs --corpus (the text it is the fraction of)');
    // Read before training: a corpus that cannot be read is found out now.
    const corpus = f.corpus === undefined ? undefined : loadTextCorpus(f.corpus);
    const textFraction = corpus ? (f['text-fraction'] ?? 0.5) : 0;
    const model = { dim: f.dim, hidden: f.hidden, layers: f.layers, vocab: corpus ? TEXT_VOCAB_SIZE : VOCAB_SIZE };
    const cfg = { model, tasks: f.tasks as TaskName[], steps: f.steps, batch: f.batch, lr: f.lr, solvedFraction: f.solved, seed: f.seed, ...(corpus ? { textFraction } : {}) };
    const progress = new Progress({ total: f.steps, label: 'reason pretrain', quiet: f.quiet , unit: 'steps' });
    let lastLoss = NaN;
    const t0 = performance.now();
    // tfjs is loaded only by the commands that need it (pretrain, and train --algo grpo).
    const { pretrain } = await import('../../reason/pretrain.js');
    const values = await pretrain(cfg, (s) => { lastLoss = s.loss; progress.update(s.step + 1, { loss: s.loss }); }, corpus?.lines);
    const seconds = (performance.now() - t0) / 1000;
    const backend = await loadBackend('auto', log);
    const params = new ParamSet(lmSpecs(model), backend);
    params.values.forEach((v, i) => v.set(values[i]));
    const accuracy: Record<string, number> = {};
    for (const t of TASK_NAMES) accuracy[t] = accuracyOf(makeTask(t), model, params, backend, { count: 512, problemSeed: EVAL_PROBLEM_SEED }).accuracy;
    const provenance = {
      made_by: `eggroll reason pretrain ${argv.join(' ')}`.trim(), pretrain: cfg, final_loss: lastLoss, seconds, tfjs: '4.22.0 (wasm backend)',
      ...(corpus ? { corpus: { source: f.corpus, sha256: corpus.sha256, files: corpus.files, lines: corpus.lines.length, dropped_characters: corpus.dropped } } : {}),
      heldout_accuracy_greedy_512: accuracy, params: params.count, peak_rss_mb: peakRssMb(), date: new Date().toISOString(),
    };
    try {
      saveLm(out, model, values, provenance);
    } catch (e) {
      // Still unwritable at the end (the disk filled, the folder went away): keep the work in the temp folder.
      const rescue = join(tmpdir(), `eggroll-pretrain-${process.pid}-${Date.now()}.safetensors`);
      saveLm(rescue, model, values, provenance);
      throw new Error(`${(e as Error).message}; the trained model is saved at ${rescue} instead`);
    }
    printResult({ file: out, ...provenance }, f.json, `wrote ${out}: ${params.count} parameters, loss ${fmt(lastLoss)} after ${f.steps} steps (${fmt(seconds)} s); greedy held-out accuracy ${Object.entries(accuracy).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}${out === resolve(defaultBasePath()) ? '' : `\ntrain from it with: eggroll reason train --base ${out}`}`);
  },
};

export const REASON_COMMANDS: Command[] = [reasonPretrainCommand, reasonTrainCommand, reasonEvalCommand];
