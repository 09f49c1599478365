/**
 * One language-model training run from a resolved config to a finished run directory (config.json,
 * baselines.json, metrics.jsonl, checkpoints/, plots/loss.{svg,png}). Kept below the CLI, like
 * rl/run.ts, so scripts and tests run it in-process; the caller follows it through hooks.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { nondeterminism, openWebGpu, type Backend, type BackendChoice, type GpuKernels } from '../backend/index.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { readJsonFile } from '../io/errors.js';
import { InputError } from '../io/input-error.js';
import { isPowerOf4 } from './model.js';
import { MetricsLog, readJsonl } from '../io/metrics.js';
import { linePlotSvg, writePlot } from '../io/plot.js';
import { computeBaselines, type Baselines } from './baselines.js';
import type { Corpus } from './data.js';
import { backendFingerprint } from '../parallel/cluster/protocol.js';
import { EggTrainer, eggShapeFields, type DecodedModel, type EggConfig } from './train.js';
import { RunClock, RunStopped, clusterColumns, clusterProgress, runLoop, type LoopExperiment } from '../experiment/index.js';

/** Everything a run needs, as written to config.json (enough to rerun it). */
export interface EggRunConfig extends EggConfig {
  data: string;
  steps: number;
  evalEvery: number;
  evalBytes: number;
  ckptEvery: number;
}

const whole = (min: number) => z.number().int().min(min);
/** config.json of an LM run: validated when written and when read back (resume, sample, eval). */
export const eggRunConfigSchema = z.object({
  ...eggShapeFields, data: z.string().min(1), steps: whole(1), evalEvery: whole(1), evalBytes: whole(1), ckptEvery: whole(1),
}).passthrough().refine((c) => c.pop % c.groupSize === 0, { message: 'pop must be divisible by groupSize', path: ['pop'] });

/** The cluster job kind of language-model runs (egg/cluster.ts serves it). */
export const EGG_KIND = 'lm';

/**
 * A new run's settings checked as a whole (the cross-field rules no single flag can check): the width a power of 4,
 * an even group dividing the population. InputError naming the flag otherwise. Used by `eggroll lm train` and the
 * scripts alike.
 */
export function resolveEggRunConfig(c: EggRunConfig): EggRunConfig {
  if (!isPowerOf4(c.width)) throw new InputError(`--width: must be a power of 4 (4, 16, 64, 256 or 1024), got ${c.width}`);
  if (c.groupSize % 2 !== 0) throw new InputError(`--group-size: must be even (antithetic pairs share a sequence), got ${c.groupSize}`);
  if (c.pop % c.groupSize !== 0) throw new InputError(`--pop: must be divisible by --group-size ${c.groupSize}, got ${c.pop}`);
  return c;
}

export function readEggRunConfig(runDir: string): EggRunConfig {
  return readJsonFile(join(runDir, 'config.json'), eggRunConfigSchema) as EggRunConfig;
}

/** The first `n` bytes of a stream, as the scored slice (baselines and the model use the same one). */
export const scoredSlice = (s: Uint8Array, n: number): Uint8Array => s.subarray(0, Math.min(s.length, n));

export interface EggRunHooks {
  /** Notices and warnings (resuming, a time limit reached). */
  log?: (line: string) => void;
  /** Descriptive lines at the start (model, data, baselines); the CLI drops them with --quiet. */
  info?: (line: string) => void;
  /** After every step; `startStep` is where this session began (a resumed run's bar counts from there). */
  onStep?: (p: { step: number; total: number; startStep: number; pop_bpb: number; train_bpb: number; heldout_bpb: number; tokens_members_per_s: number; workers?: number; stragglerSeconds?: number }) => void;
  /** Checked after every step: when it returns a reason, the run writes a checkpoint and stops (RunStopped). */
  shouldStop?: () => string | undefined;
  /** Stop, with a checkpoint, at the first step boundary after this many seconds; 0 = no limit. */
  maxSeconds?: number;
}

export interface EggRunOptions {
  backend: Backend;
  /** What workers load (they each load their own backend). */
  backendChoice: BackendChoice;
  workers: number;
  corpus: Corpus;
  /** Continue from this checkpoint (found and checked by the caller before anything is written). */
  resumeFrom?: { file: string; model: DecodedModel };
  /** Evaluate through the workers on this Redis (eggroll worker) instead of local threads. */
  redis?: string;
  /**
   * With backendChoice 'webgpu' (and no `redis`) the population runs device-resident (egg/device.ts) on this GPU
   * (default: this process's, openWebGpu); `backend` then serves only the host's scoring of held-out bytes.
   */
  device?: GpuKernels;
}

export interface EggRunSummary extends Baselines {
  run_dir: string;
  steps: number;
  pop: number;
  layers: number;
  width: number;
  params: number;
  group_size: number;
  tokens: number;
  backend: string;
  workers: number;
  pop_bpb: unknown;
  train_bpb: number;
  heldout_bpb: number;
  seconds: number;
  tokens_members_per_s: number;
}

/** Trains (or resumes) into `runDir`; writes config.json on a new run, baselines, metrics, checkpoints and the plot. */
export async function runEgg(cfg: EggRunConfig, runDir: string, opts: EggRunOptions, hooks: EggRunHooks = {}): Promise<EggRunSummary> {
  const log = hooks.log ?? (() => {});
  const { corpus, backend } = opts;
  const heldout = scoredSlice(corpus.heldout, cfg.evalBytes);
  const trainSample = scoredSlice(corpus.train, cfg.evalBytes);
  const base = computeBaselines(corpus.train, heldout, trainSample);
  if (!opts.resumeFrom) {
    eggRunConfigSchema.parse(cfg); // the schema that reads it back must accept it
    // A backend whose load-time row-contract check failed (only when asked for by name) is recorded.
    const why = nondeterminism(backend);
    writeJsonAtomic(join(runDir, 'config.json'), why ? { ...cfg, nondeterministic: why } : cfg);
  }
  writeJsonAtomic(join(runDir, 'baselines.json'), { ...base, heldout_bytes: heldout.length, train_bytes: corpus.train.length, documents: corpus.documents, heldout_docs: corpus.heldoutDocs });

  const trainer = new EggTrainer(cfg, backend, opts.backendChoice, corpus.train, opts.workers);
  // --backend webgpu on this machine: device-resident (weights, states and noise on the GPU; windows up, fitness
  // down). Cluster runs evaluate on their workers and keep the synchronous backend.
  const gpu = opts.backendChoice === 'webgpu' && !opts.redis ? opts.device ?? await openWebGpu() : undefined;
  if (gpu && opts.workers > 1) log(`--workers ${opts.workers} is not used with --backend webgpu: the population runs on the GPU (${gpu.gpu.adapterName})`);
  if (gpu) trainer.useDevice(gpu);
  const backendName = gpu ? `webgpu (${gpu.gpu.adapterName}; device-resident)` : backend.name;
  // The cluster modules (BullMQ, ioredis: ≈ 0.5 s to load) only when asked for.
  const cluster = opts.redis ? await (await import('../parallel/cluster/coordinator.js')).ClusterCoordinator.connect({ url: opts.redis, kind: EGG_KIND, backend: backendFingerprint(backend), config: cfg, log, shouldStop: hooks.shouldStop }) : undefined;
  if (cluster) {
    trainer.useCluster(cluster);
    const live = await cluster.waitForWorkers(1, 10_000);
    log(live ? `cluster: ${live} worker${live === 1 ? '' : 's'} on ${cluster.where}` : `cluster: no worker on ${cluster.where} yet; jobs wait in the queue until one starts (eggroll worker --redis URL)`);
  }
  const metrics = new MetricsLog(join(runDir, 'metrics.jsonl'));
  if (opts.resumeFrom) {
    trainer.loadModel(opts.resumeFrom.model, opts.resumeFrom.file);
    metrics.truncate((r) => Number(r.step) <= trainer.step);
    log(`resuming ${runDir} at step ${trainer.step}`);
  }
  const info = hooks.info ?? log;
  info(`EGG ${cfg.layers}L×${cfg.width}D (${trainer.arch.size} int8 params), pop ${cfg.pop}, group ${cfg.groupSize}, T ${cfg.tokens}, backend ${backendName}, workers ${gpu ? 1 : opts.workers}`);
  info(`data ${corpus.source}: ${corpus.documents} docs, train ${corpus.train.length} B, held-out ${corpus.heldout.length} B (scored: ${heldout.length} B)`);
  info(`baselines held-out bits/byte: unigram ${base.unigram_bpb.toFixed(3)}  bigram ${base.bigram_bpb.toFixed(3)}  gzip -9 ${base.gzip_bpb.toFixed(3)}`);
  const clock = new RunClock();
  const startStep = trainer.step;
  let heldoutBpb = NaN, trainBpb = NaN, last: Record<string, unknown> = {};
  let members = 0;
  let r: Awaited<ReturnType<typeof trainer.trainStep>> | undefined;
  const step: LoopExperiment = {
    unit: 'step',
    total: cfg.steps,
    checkpointEvery: cfg.ckptEvery,
    done: () => trainer.step,
    async advance() {
      r = await trainer.trainStep();
      members += cfg.pop * cfg.tokens;
    },
    async record(ending) {
      const { cluster: c, ...made } = r!;
      const rec: Record<string, unknown> = { ...made, tokens_members_per_s: (cfg.pop * cfg.tokens) / r!.seconds, ...(c ? clusterColumns(c) : {}) };
      if (r!.step % cfg.evalEvery === 0 || ending) {
        await trainer.syncHost();
        heldoutBpb = trainer.score(heldout);
        trainBpb = trainer.score(trainSample);
        rec.heldout_bpb = heldoutBpb;
        rec.train_bpb = trainBpb;
      }
      last = rec;
      return [rec];
    },
    report: () => hooks.onStep?.({ step: r!.step, total: cfg.steps, startStep, pop_bpb: r!.pop_bpb, train_bpb: trainBpb, heldout_bpb: heldoutBpb, tokens_members_per_s: members / clock.session(), ...clusterProgress(r!.cluster) }),
    checkpoint: async () => {
      await trainer.syncHost();
      return trainer.saveCheckpoint(runDir, { heldout_bpb: heldoutBpb });
    },
  };
  try {
    await runLoop(step, runDir, { metrics, clock, shouldStop: hooks.shouldStop, maxSeconds: hooks.maxSeconds, log, resumeHint: `eggroll lm train --resume ${runDir}` });
  } catch (e) {
    // A stopped run still gets its loss plot (what it has so far), then the caller prints how to resume.
    if (e instanceof RunStopped) await writeLossPlot(runDir, base);
    throw e;
  } finally {
    await trainer.close();
    await cluster?.close();
  }
  const seconds = clock.session();
  await writeLossPlot(runDir, base);
  return {
    run_dir: runDir, steps: trainer.step, pop: cfg.pop, layers: cfg.layers, width: cfg.width, params: trainer.arch.size,
    group_size: cfg.groupSize, tokens: cfg.tokens, backend: gpu ? 'webgpu' : backend.name, workers: gpu ? 1 : opts.workers,
    pop_bpb: last.pop_bpb, train_bpb: trainBpb, heldout_bpb: heldoutBpb,
    ...base, seconds, tokens_members_per_s: members / seconds,
  };
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
