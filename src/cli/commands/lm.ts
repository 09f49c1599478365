/**
 * `eggroll lm train | sample | eval`: the integer-only language model EGG pretrained with integer
 * EGGROLL on any UTF-8 text (src/egg). Train writes a run directory (config.json, metrics.jsonl,
 * checkpoints/ as int8 safetensors + JSON sidecars, plots/loss.{svg,png}); sample and eval read one.
 */
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { backendFlag, forceFlag, jsonFlag, outFlag, quietFlag, redisFlag, seedFlag, workersFlag } from '../common-flags.js';
import { checkRedisUrl } from '../../parallel/cluster/protocol.js';
import { UsageError } from '../errors.js';
import { log, printResult } from '../output.js';
import { checkRunKind, prepareRunDir } from '../../experiment/run-dir.js';
import { untilStopped } from '../signals.js';
import { BadFileError } from '../../io/errors.js';
import { Progress, fmt } from '../progress.js';
import { loadBackend, type BackendChoice } from '../../backend/index.js';
import { EggForward } from '../../egg/model.js';
import { loadCorpus, defaultCorpusPath, type Corpus } from '../../egg/data.js';
import { computeBaselines } from '../../egg/baselines.js';
import { findCheckpoint, type DecodedModel } from '../../egg/train.js';
import { runEgg, readEggRunConfig, resolveEggRunConfig, scoredSlice, type EggRunConfig, type EggRunHooks, type EggRunSummary } from '../../egg/run.js';
import { ForwardCache, scoreStream } from '../../egg/evaluate.js';
import { sampleBytes } from '../../egg/sample.js';
import { branchEggRun } from '../../egg/branch.js';

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
  redis: redisFlag,
  backend: backendFlag,
  out: outFlag,
  force: forceFlag,
  json: jsonFlag,
  quiet: quietFlag,
};

/** Flags that may differ on --resume (they do not change the result). */
const RESUME_FREE = new Set(['resume', 'steps', 'max-seconds', 'workers', 'backend', 'json', 'quiet', 'eval-every', 'ckpt-every', 'redis']);

function corpusFor(path: string | undefined): Corpus {
  return loadCorpus(path ?? defaultCorpusPath());
}

async function trainRun(argv: string[]): Promise<void> {
  const { flags: f, explicit } = parseFlags(argv, trainFlags, [], true);
  if (f.redis) checkRedisUrl(f.redis);
  if (f.redis && explicit.has('workers')) log('--workers is not used with --redis: the cluster\'s workers evaluate the population (eggroll worker --concurrency sets threads per machine)');
  let cfg: EggRunConfig;
  let runDir: string;
  if (f.resume) {
    runDir = resolve(f.resume);
    const bad = [...explicit].filter((k) => !RESUME_FREE.has(k));
    if (bad.length) throw new UsageError(`--resume: ${bad.map((k) => `--${k}`).join(', ')} cannot change on resume (the run's config.json fixes them); allowed: ${[...RESUME_FREE].map((k) => `--${k}`).join(' ')}`);
    checkRunKind(f.resume, 'lm', '--resume');
    const saved = readEggRunConfig(runDir);
    // Without --steps a resume runs to the run's own total, as train --resume keeps its --gens.
    cfg = { ...saved, steps: explicit.has('steps') ? f.steps : saved.steps };
    if (explicit.has('eval-every')) cfg.evalEvery = f['eval-every'];
    if (explicit.has('ckpt-every')) cfg.ckptEvery = f['ckpt-every'];
  } else {
    cfg = resolveEggRunConfig({
      data: resolve(f.data ?? defaultCorpusPath()), layers: f.layers, width: f.width, pop: f.pop, groupSize: f['group-size'],
      tokens: f.tokens, sigmaShift: f['sigma-shift'], alpha: f.alpha, seed: f.seed, steps: f.steps,
      evalEvery: f['eval-every'], evalBytes: f['eval-bytes'], ckptEvery: f['ckpt-every'],
    });
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
  if (resumeFrom && cfg.steps < resumeFrom.model.step) {
    throw new UsageError(`--steps ${cfg.steps}: '${f.resume}' has done ${resumeFrom.model.step} steps already (--steps counts them too); give --steps above ${resumeFrom.model.step} to train on, or use eggroll lm eval ${f.resume} to score it`);
  }
  if (resumeFrom && cfg.steps === resumeFrom.model.step) log(`--resume: '${f.resume}' is at step ${cfg.steps} of ${cfg.steps} already: nothing to train (give --steps above ${cfg.steps} to continue)`);
  if (!f.resume) runDir = prepareRunDir({ out: f.out, force: f.force, prefix: 'lm', kind: 'lm', command: 'lm train', log });
  // --backend webgpu without --redis runs device-resident (egg/run.ts): wasm scores the held-out bytes on the host.
  const backend = await loadBackend(f.backend === 'webgpu' && !f.redis ? 'wasm' : f.backend as BackendChoice, log);
  if (!f.quiet) log(`run dir ${runDir}`);
  let progress: Progress | undefined;
  const startedAt = performance.now(); // the bar is made at the first finished step; its rate counts from here
  const onStep: EggRunHooks['onStep'] = (p) => {
    // On resume the bar counts this session's steps, so its rate and ETA are right.
    progress ??= new Progress({ total: Math.max(1, p.total - p.startStep), label: p.startStep > 0 ? `lm train (from step ${p.startStep})` : 'lm train', quiet: f.quiet, maxSeconds: f['max-seconds'] || undefined, unit: 'steps', startedAt });
    const fields: Record<string, number> = { step: p.step, pop: p.pop_bpb, train: p.train_bpb, heldout: p.heldout_bpb, 'tok·mem/s': p.tokens_members_per_s };
    // Cluster runs: live workers and the step's wait for stragglers.
    if (p.workers !== undefined) { fields.workers = p.workers; fields['straggler s'] = p.stragglerSeconds ?? 0; }
    progress.update(p.step - p.startStep, fields);
  };
  const s: EggRunSummary = await untilStopped('eggroll lm train', 'step', log, (shouldStop) =>
    runEgg(cfg, runDir, { backend, backendChoice: f.backend as BackendChoice, workers: f.workers, corpus, resumeFrom, redis: f.redis },
      { log, info: f.quiet ? () => {} : log, onStep, shouldStop, maxSeconds: f['max-seconds'] }));
  printResult(s as unknown as Record<string, unknown>, f.json, `lm train: ${s.steps} steps in ${s.seconds.toFixed(1)} s; held-out ${fmt(s.heldout_bpb)} bits/byte (bigram ${s.bigram_bpb.toFixed(3)}, unigram ${s.unigram_bpb.toFixed(3)}, gzip ${s.gzip_bpb.toFixed(3)}); run dir ${runDir}`);
}

function loadRun(dir: string): { cfg: EggRunConfig; file: string; model: DecodedModel } {
  checkRunKind(dir, 'lm', '<run-dir>');
  const runDir = resolve(dir);
  const cfg = readEggRunConfig(runDir);
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
    const heldout = scoredSlice(corpus.heldout, n), trainSample = scoredSlice(corpus.train, n);
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


const branchFlags = {
  from: { schema: z.string().min(1), help: 'the EGG run directory to branch from' },
  step: { schema: num.int(1, 1 << 30), help: 'the step of its checkpoint to start from' },
  alpha: { schema: num.positive().optional(), help: "the update's α (default: the source run's)" },
  'sigma-shift': { schema: num.int(0, 8).optional(), help: "σ = 2^−s (default: the source run's)" },
  pop: { schema: num.int(2, 1 << 20).optional(), help: "population (default: the source run's; a change starts the recurrent states from zero)" },
  tokens: { schema: num.int(1, 4096).optional(), help: "bytes per window and step (default: the source run's)" },
  'zero-states': { schema: z.boolean(), boolean: true, default: false, help: 'start the recurrent states from zero even at the same population (the control for a --pop change)' },
  out: { schema: z.string().min(1), help: 'the new run directory' },
  force: forceFlag,
  json: jsonFlag,
};

export const lmBranchCommand: Command = {
  name: 'lm branch',
  summary: "start a new EGG run from one of a run's checkpoints with changed settings (compare levers from the same weights)",
  example: 'eggroll lm branch --from runs/egg --step 1000 --alpha 0.5 --out runs/egg-a05',
  flags: branchFlags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, branchFlags);
    checkRunKind(f.from, 'lm', '--from');
    const dest = prepareRunDir({ out: f.out, force: f.force, prefix: 'egg-branch', kind: 'lm', command: 'lm branch', log });
    const r = branchEggRun({ from: f.from, step: f.step, dest, alpha: f.alpha, sigmaShift: f['sigma-shift'], pop: f.pop, tokens: f.tokens, zeroStates: f['zero-states'] });
    const c = r.config;
    printResult({ run_dir: dest, from: f.from, step: r.step, alpha: c.alpha, sigma_shift: c.sigmaShift, pop: c.pop, tokens: c.tokens, states: r.states }, f.json,
      `branched ${r.checkpoint} → ${dest} (alpha ${c.alpha}, sigma-shift ${c.sigmaShift}, pop ${c.pop}, tokens ${c.tokens}, states ${r.states}); continue with: eggroll lm train --resume ${dest} --steps N`);
  },
};
