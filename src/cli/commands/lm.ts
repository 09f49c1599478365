/**
 * `eggroll lm train | sample | eval`: the integer-only language model EGG pretrained with integer
 * EGGROLL on any UTF-8 text (src/egg). Train writes a run directory (config.json, metrics.jsonl,
 * checkpoints/ as int8 safetensors + JSON sidecars, plots/loss.{svg,png}); sample and eval read one.
 */
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { backendFlag, forceFlag, jsonFlag, outFlag, quietFlag, seedFlag, workersFlag } from '../common-flags.js';
import { Interrupted, UsageError } from '../errors.js';
import { log, printResult } from '../output.js';
import { checkRunKind, prepareRunDir } from '../run-dir.js';
import { catchStopSignals } from '../signals.js';
import { BadFileError, readJsonFile } from '../../io/errors.js';
import { Progress, fmt } from '../progress.js';
import { loadBackend, type BackendChoice } from '../../backend/index.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { MetricsLog, readJsonl } from '../../io/metrics.js';
import { linePlotSvg, writePlot } from '../../io/plot.js';
import { isPowerOf4, EggForward } from '../../egg/model.js';
import { loadCorpus, defaultCorpusPath, type Corpus } from '../../egg/data.js';
import { computeBaselines, type Baselines } from '../../egg/baselines.js';
import { EggTrainer, findCheckpoint, eggShapeFields, type DecodedModel, type EggConfig } from '../../egg/train.js';
import { ForwardCache, scoreStream } from '../../egg/evaluate.js';
import { sampleBytes } from '../../egg/sample.js';

const trainFlags = {
  data: { schema: z.string().min(1).optional(), help: 'UTF-8 text file or folder of .txt files (default: the bundled KJV New Testament, public domain)' },
  layers: { schema: num.int(1, 16), default: 1, help: 'number of blocks (minGRU + MLP)' },
  width: { schema: num.int(4, 1024), default: 16, help: 'hidden width D, a power of 4 (4, 16, 64, 256, 1024)' },
  pop: { schema: num.int(2, 1 << 20), default: 8192, help: 'population size (even; divisible by --group-size)' },
  'group-size': { schema: num.int(2, 1 << 20), default: 2, help: 'members sharing one byte sequence (even)' },
  tokens: { schema: num.int(1, 4096), default: 100, help: 'bytes per window and step (T); hidden state carries across windows' },
  'sigma-shift': { schema: num.int(0, 8), default: 4, help: 'σ = 2^−s: the perturbation is (u·vᵀ) ≫ (4+s)' },
  alpha: { schema: num.positive(), default: 3, help: 'update fraction: a > 1 decays α_t = 1/((2^a−1)t/1000+1) (3: 1/(0.007t+1)); a ≤ 1 is constant' },
  steps: { schema: num.int(1, 1e9), default: 1000, help: 'generations to train (total, counting those before a resume)' },
  'eval-every': { schema: num.int(1, 1e9), default: 25, help: 'held-out evaluation every this many steps (and at the end)' },
  'eval-bytes': { schema: num.int(64, 1 << 30), default: 32768, help: 'bytes of held-out (and of train) scored at each evaluation' },
  'ckpt-every': { schema: num.int(1, 1e9), default: 50, help: 'checkpoint every this many steps (and at the end)' },
  'max-seconds': { schema: num.nonneg(), default: 0, help: 'stop (with a checkpoint) at the first step boundary after this many seconds; 0 = no limit' },
  resume: { schema: z.string().min(1).optional(), help: 'continue the run in this directory from its latest checkpoint (bit-identical)' },
  seed: seedFlag,
  // Every core by default: the population split never changes a result.
  workers: { ...workersFlag, default: availableParallelism() },
  backend: backendFlag,
  out: outFlag,
  force: forceFlag,
  json: jsonFlag,
  quiet: quietFlag,
};

/** Flags that may differ on --resume (they do not change the result). */
const RESUME_FREE = new Set(['resume', 'steps', 'max-seconds', 'workers', 'backend', 'json', 'quiet', 'out', 'eval-every', 'ckpt-every']);

interface RunConfig extends EggConfig {
  data: string;
  steps: number;
  evalEvery: number;
  evalBytes: number;
  ckptEvery: number;
}

const whole = (min: number) => z.number().int().min(min);
/** config.json of an LM run: validated when written and when read back (resume, sample, eval). */
const runConfigSchema = z.object({
  ...eggShapeFields, data: z.string().min(1), steps: whole(1), evalEvery: whole(1), evalBytes: whole(1), ckptEvery: whole(1),
}).passthrough().refine((c) => c.pop % c.groupSize === 0, { message: 'pop must be divisible by groupSize', path: ['pop'] });

function readRunConfig(runDir: string): RunConfig {
  return readJsonFile(join(runDir, 'config.json'), runConfigSchema) as RunConfig;
}

function validateShape(width: number, pop: number, groupSize: number): void {
  if (!isPowerOf4(width)) throw new UsageError(`--width: must be a power of 4 (4, 16, 64, 256 or 1024), got ${width}`);
  if (groupSize % 2 !== 0) throw new UsageError(`--group-size: must be even (antithetic pairs share a sequence), got ${groupSize}`);
  if (pop % groupSize !== 0) throw new UsageError(`--pop: must be divisible by --group-size ${groupSize}, got ${pop}`);
}

/** The first `n` bytes of a stream, as the scored slice (baselines and the model use the same one). */
const slice = (s: Uint8Array, n: number): Uint8Array => s.subarray(0, Math.min(s.length, n));

function corpusFor(path: string | undefined): Corpus {
  return loadCorpus(path ?? defaultCorpusPath());
}

async function trainRun(argv: string[]): Promise<void> {
  const { flags: f, explicit } = parseFlags(argv, trainFlags);
  let cfg: RunConfig;
  let runDir: string;
  if (f.resume) {
    runDir = resolve(f.resume);
    const bad = [...explicit].filter((k) => !RESUME_FREE.has(k));
    if (bad.length) throw new UsageError(`--resume: ${bad.map((k) => `--${k}`).join(', ')} cannot change on resume (the run's config.json fixes them); allowed: ${[...RESUME_FREE].map((k) => `--${k}`).join(' ')}`);
    checkRunKind(f.resume, 'lm', '--resume');
    cfg = { ...readRunConfig(runDir), steps: f.steps };
    if (explicit.has('eval-every')) cfg.evalEvery = f['eval-every'];
    if (explicit.has('ckpt-every')) cfg.ckptEvery = f['ckpt-every'];
  } else {
    validateShape(f.width, f.pop, f['group-size']);
    cfg = {
      data: resolve(f.data ?? defaultCorpusPath()), layers: f.layers, width: f.width, pop: f.pop, groupSize: f['group-size'],
      tokens: f.tokens, sigmaShift: f['sigma-shift'], alpha: f.alpha, seed: f.seed, steps: f.steps,
      evalEvery: f['eval-every'], evalBytes: f['eval-bytes'], ckptEvery: f['ckpt-every'],
    };
    runDir = '';
  }
  const corpus = corpusFor(cfg.data);
  // On resume, find the checkpoint before anything is written into the run.
  const fits = (m: DecodedModel, file: string) => {
    const c = m.cfg;
    if (c.layers !== cfg.layers || c.width !== cfg.width || c.pop !== cfg.pop || !m.states) throw new BadFileError(file, `holds a ${c.layers}L×${c.width}D model for population ${c.pop}${m.states ? '' : ' without recurrent states'}; config.json says ${cfg.layers}L×${cfg.width}D, population ${cfg.pop}`);
  };
  const resumeFrom = f.resume ? findCheckpoint(runDir, log, fits) : undefined;
  if (f.resume && !resumeFrom) throw new UsageError(`--resume: '${f.resume}' has no checkpoint yet (checkpoints/latest.json); start a new run instead`);
  if (!f.resume) runDir = prepareRunDir({ out: f.out, force: f.force, prefix: 'lm', kind: 'lm', command: 'lm train', log });
  const backend = await loadBackend(f.backend as BackendChoice, log);
  const heldout = slice(corpus.heldout, cfg.evalBytes);
  const trainSample = slice(corpus.train, cfg.evalBytes);
  const base = computeBaselines(corpus.train, heldout, trainSample);
  if (!f.resume) {
    runConfigSchema.parse(cfg); // the schema that reads it back must accept it
    writeJsonAtomic(join(runDir, 'config.json'), cfg);
  }
  writeJsonAtomic(join(runDir, 'baselines.json'), { ...base, heldout_bytes: heldout.length, train_bytes: corpus.train.length, documents: corpus.documents, heldout_docs: corpus.heldoutDocs });

  const trainer = new EggTrainer(cfg, backend, f.backend as BackendChoice, corpus.train, f.workers);
  const metrics = new MetricsLog(join(runDir, 'metrics.jsonl'));
  if (resumeFrom) {
    trainer.loadModel(resumeFrom.model, resumeFrom.file);
    metrics.truncate((r) => Number(r.step) <= trainer.step);
    log(`resuming ${runDir} at step ${trainer.step}`);
  }
  if (!f.quiet) {
    log(`EGG ${cfg.layers}L×${cfg.width}D (${trainer.arch.size} int8 params), pop ${cfg.pop}, group ${cfg.groupSize}, T ${cfg.tokens}, backend ${backend.name}, workers ${f.workers}`);
    log(`data ${corpus.source}: ${corpus.documents} docs, train ${corpus.train.length} B, held-out ${corpus.heldout.length} B (scored: ${heldout.length} B)`);
    log(`baselines held-out bits/byte: unigram ${base.unigram_bpb.toFixed(3)}  bigram ${base.bigram_bpb.toFixed(3)}  gzip -9 ${base.gzip_bpb.toFixed(3)}`);
    log(`run dir ${runDir}`);
  }
  const started = performance.now();
  // On resume the bar counts this session's steps, so its rate and ETA are right.
  const startStep = trainer.step;
  const progress = new Progress({ total: Math.max(1, cfg.steps - startStep), label: startStep > 0 ? `lm train (from step ${startStep})` : 'lm train', quiet: f.quiet, maxSeconds: f['max-seconds'] });
  let heldoutBpb = NaN, trainBpb = NaN, last: Record<string, unknown> = {};
  let members = 0;
  let stopped: string | undefined;
  const signals = catchStopSignals(log, 'step');
  try {
    const limitMs = f['max-seconds'] * 1000;
    while (trainer.step < cfg.steps) {
      const r = await trainer.trainStep();
      // Let a pending signal handler run (the loop may never yield to the event loop otherwise).
      await new Promise((res) => setImmediate(res));
      stopped = signals.reason();
      const outOfTime = limitMs > 0 && performance.now() - started >= limitMs;
      members += cfg.pop * cfg.tokens;
      const rec: Record<string, unknown> = { ...r, tokens_members_per_s: (cfg.pop * cfg.tokens) / r.seconds };
      if (r.step % cfg.evalEvery === 0 || r.step === cfg.steps || outOfTime) {
        heldoutBpb = trainer.score(heldout);
        trainBpb = trainer.score(trainSample);
        rec.heldout_bpb = heldoutBpb;
        rec.train_bpb = trainBpb;
      }
      metrics.append(rec);
      last = rec;
      if (r.step % cfg.ckptEvery === 0 || r.step === cfg.steps || outOfTime || stopped) trainer.saveCheckpoint(runDir, { heldout_bpb: heldoutBpb });
      const secs = (performance.now() - started) / 1000;
      progress.update(r.step - startStep, { step: r.step, pop: r.pop_bpb, train: trainBpb, heldout: heldoutBpb, 'tok·mem/s': members / secs });
      if (stopped) break;
      if (outOfTime) {
        log(`--max-seconds ${f['max-seconds']} reached at step ${r.step}; resume with: eggroll lm train --resume ${runDir}`);
        break;
      }
    }
  } finally {
    signals.dispose();
    await trainer.close();
  }
  const seconds = (performance.now() - started) / 1000;
  await writeLossPlot(runDir, base);
  if (stopped) throw new Interrupted(`${stopped}: checkpoint written at step ${trainer.step}; resume with: eggroll lm train --resume ${runDir}`, signals.exitCode());
  const summary = {
    run_dir: runDir, steps: trainer.step, pop: cfg.pop, layers: cfg.layers, width: cfg.width, params: trainer.arch.size,
    group_size: cfg.groupSize, tokens: cfg.tokens, backend: backend.name, workers: f.workers,
    pop_bpb: last.pop_bpb, train_bpb: trainBpb, heldout_bpb: heldoutBpb,
    ...base, seconds, tokens_members_per_s: members / seconds,
  };
  printResult(summary, f.json, `lm train: ${trainer.step} steps in ${seconds.toFixed(1)} s; held-out ${fmt(heldoutBpb)} bits/byte (bigram ${base.bigram_bpb.toFixed(3)}, unigram ${base.unigram_bpb.toFixed(3)}, gzip ${base.gzip_bpb.toFixed(3)}); run dir ${runDir}`);
}

/** plots/loss.{svg,png}: population, train and held-out bits/byte against the baselines. */
export async function writeLossPlot(runDir: string, base: Baselines): Promise<void> {
  const rows = readJsonl(join(runDir, 'metrics.jsonl'));
  const evals = rows.filter((r) => typeof r.heldout_bpb === 'number');
  const series = [
    { name: 'population (perturbed)', x: rows.map((r) => Number(r.step)), y: rows.map((r) => Number(r.pop_bpb)) },
    { name: 'train (unperturbed)', x: evals.map((r) => Number(r.step)), y: evals.map((r) => Number(r.train_bpb)) },
    { name: 'held-out (unperturbed)', x: evals.map((r) => Number(r.step)), y: evals.map((r) => Number(r.heldout_bpb)) },
  ];
  const svg = linePlotSvg({
    title: 'EGG pretraining with integer EGGROLL', xLabel: 'step', yLabel: 'bits per byte', series,
    hLines: [{ y: base.unigram_bpb, label: 'unigram (held-out)' }, { y: base.bigram_bpb, label: 'bigram (held-out)' }, { y: base.gzip_bpb, label: 'gzip -9 (held-out)' }],
  });
  await writePlot(join(runDir, 'plots', 'loss'), svg);
}

function loadRun(dir: string): { cfg: RunConfig; file: string; model: DecodedModel } {
  checkRunKind(dir, 'lm', '<run-dir>');
  const runDir = resolve(dir);
  const cfg = readRunConfig(runDir);
  const found = findCheckpoint(runDir, log);
  if (!found) throw new UsageError(`<run-dir>: '${dir}' has no checkpoint (checkpoints/latest.json)`);
  return { cfg, ...found };
}

const sampleFlags = {
  prompt: { schema: z.string(), default: '', help: 'text to start from (a document start is prepended)' },
  bytes: { schema: num.int(1, 1 << 20), default: 200, help: 'bytes to generate' },
  seed: seedFlag,
  backend: backendFlag,
  json: jsonFlag,
};

const evalFlags = {
  data: { schema: z.string().min(1).optional(), help: "text file or folder to score (default: the run's own data, its held-out split)" },
  'eval-bytes': { schema: num.int(64, 1 << 30).optional(), help: "bytes of held-out (and train) scored (default: the run's setting)" },
  backend: backendFlag,
  json: jsonFlag,
};

export const lmTrainCommand: Command = {
  name: 'lm train',
  summary: 'pretrain the integer-only language model EGG with integer EGGROLL on a text file or folder',
  example: 'eggroll lm train --steps 1000 --pop 8192 --width 16 --out runs/egg',
  flags: trainFlags,
  config: true,
  run: trainRun,
};

export const lmSampleCommand: Command = {
  name: 'lm sample',
  summary: "generate text from a trained EGG run's latest checkpoint (integer sampling)",
  example: 'eggroll lm sample runs/egg --prompt "And Jesus said" --bytes 200',
  flags: sampleFlags,
  positionals: [{ name: 'run-dir', help: 'a directory written by eggroll lm train' }],
  async run(argv) {
    const { flags: f, positionals } = parseFlags(argv, sampleFlags, this.positionals);
    const { model: m } = loadRun(positionals[0]);
    const backend = await loadBackend(f.backend as BackendChoice, log);
    const prompt = new TextEncoder().encode(f.prompt);
    if (prompt.includes(0)) throw new UsageError('--prompt: must not contain NUL bytes');
    const fwd = new EggForward(m.arch, backend, 1);
    const out = sampleBytes(fwd, m.params, prompt, f.bytes, f.seed);
    const text = new TextDecoder().decode(out);
    printResult({ prompt: f.prompt, text, bytes: out.length, step: m.step, seed: f.seed }, f.json, f.json ? undefined : f.prompt + text);
  },
};

export const lmEvalCommand: Command = {
  name: 'lm eval',
  summary: "score a trained EGG run's latest checkpoint in bits/byte against unigram, bigram and gzip",
  example: 'eggroll lm eval runs/egg --json',
  flags: evalFlags,
  positionals: [{ name: 'run-dir', help: 'a directory written by eggroll lm train' }],
  async run(argv) {
    const { flags: f, positionals } = parseFlags(argv, evalFlags, this.positionals);
    const { cfg, file, model: m } = loadRun(positionals[0]);
    const corpus = corpusFor(f.data ?? cfg.data);
    const backend = await loadBackend(f.backend as BackendChoice, log);
    const n = f['eval-bytes'] ?? cfg.evalBytes;
    const heldout = slice(corpus.heldout, n), trainSample = slice(corpus.train, n);
    const cache = new ForwardCache(m.arch, backend);
    const score = (s: Uint8Array) => { const r = scoreStream(m.arch, cache, m.params, s); return r.bits16 / (16 * Math.max(1, r.count)); };
    const t0 = performance.now();
    const heldoutBpb = score(heldout), trainBpb = score(trainSample);
    const base = computeBaselines(corpus.train, heldout, trainSample);
    const summary = { checkpoint: file, step: m.step, data: corpus.source, heldout_bytes: heldout.length, train_bpb: trainBpb, heldout_bpb: heldoutBpb, ...base, seconds: (performance.now() - t0) / 1000 };
    printResult(summary, f.json, [
      `checkpoint ${file} (step ${m.step}), data ${corpus.source}`,
      `bits/byte        held-out   train`,
      `EGG              ${heldoutBpb.toFixed(3).padStart(8)}   ${trainBpb.toFixed(3).padStart(5)}`,
      `unigram (+1)     ${base.unigram_bpb.toFixed(3).padStart(8)}   ${base.unigram_train_bpb.toFixed(3).padStart(5)}`,
      `bigram (+1)      ${base.bigram_bpb.toFixed(3).padStart(8)}   ${base.bigram_train_bpb.toFixed(3).padStart(5)}`,
      `gzip -9          ${base.gzip_bpb.toFixed(3).padStart(8)}   ${base.gzip_train_bpb.toFixed(3).padStart(5)}`,
    ].join('\n'));
  },
};

