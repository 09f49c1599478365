/**
 * One RL training run from resolved settings to a finished run directory. Kept apart from the CLI so
 * scripts (the results sweep) and tests can run it in-process.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { algoNames } from '../es/create-strategy.js';
import { OPTIMIZERS } from '../es/optim.js';
import { SHAPING_KINDS } from '../es/shaping.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { ACTION_MODES } from './policy.js';
import { BACKEND_CHOICES } from '../backend/index.js';
import { BadFileError, readFileBounded, readJsonFile } from '../io/errors.js';
import { jsBackend, loadBackend, nondeterminism, openWebGpu } from '../backend/index.js';
import { Trainer } from '../parallel/trainer.js';
import { backendFingerprint } from '../parallel/cluster/protocol.js';
import type { Algo } from '../es/strategy.js';
import { createTask, policyConfig, type RlTask, type RlTaskOptions } from './task.js';
import type { TaskRef } from '../es/task.js';
import { POLICY_CONFIG_KEYS, strategyFor, taskOptionsFor, type RlRunConfig } from './config.js';
import { envModuleFor, resolveEnv } from './envs/index.js';
import { decodePolicyFile, PolicyFileError, policyMetadata, type PolicyFile } from './policy-file.js';
import { CHECKPOINT_LIMIT } from '../io/checkpoint.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { MetricsLog, readJsonl } from '../io/metrics.js';
import { hasCheckpoint } from '../io/checkpoint.js';
import { linePlotSvg, writePlot } from '../io/plot.js';
import { RunClock, runLoop, clusterColumns, clusterProgress, type LoopExperiment } from '../experiment/index.js';
import type { GenerationResult } from '../parallel/trainer.js';

export type { RlRunConfig } from './config.js';
export { strategyFor, taskOptionsFor } from './config.js';

const int = (min: number) => z.number().int().min(min);
const pos = () => z.number().refine((v) => Number.isFinite(v) && v > 0, { message: 'must be a finite number > 0' });
/**
 * config.json of an RL run: validated when written and when read back (eval, --resume). Extra fields
 * (policy sizes, env_id, version) are kept.
 */
export const rlRunConfigSchema = z.object({
  env: z.string().min(1), algo: z.string().refine((a) => algoNames().includes(a), { message: `must be a registered or flat strategy (${algoNames().join(', ')})` }), pop: int(2), rank: int(1), sigma: pos(), sigmaDecay: z.number(), lr: pos(), lrDecay: z.number(),
  optimizer: z.enum(OPTIMIZERS), momentum: z.number(), weightDecay: z.number(), shaping: z.enum(SHAPING_KINDS), groupSize: int(0).optional(),
  gens: int(1), episodes: int(1), evalEpisodes: int(1), hidden: z.array(int(1)).min(1), activation: z.enum(ACTIVATIONS), bias: z.enum(['full', 'frozen']),
  obsNorm: z.boolean(), action: z.enum(ACTION_MODES), noiseReuse: int(0), seed: int(0), workers: int(1).optional(),
  backend: z.enum(BACKEND_CHOICES as unknown as ['auto', 'js', 'wasm', 'native']), checkpointEvery: int(1),
}).passthrough();

/** What a policy file's config must hold (rl/config.ts POLICY_CONFIG_KEYS), checked as config.json is. */
const policyConfigSchema = rlRunConfigSchema.pick(Object.fromEntries(POLICY_CONFIG_KEYS.map((k) => [k, true])) as { [K in typeof POLICY_CONFIG_KEYS[number]]: true });

export interface RlRunSummary {
  env: string;
  algo: Algo;
  seed: number;
  gens: number;
  pop: number;
  rank: number;
  final_mean_return: number;
  final_max_return: number;
  eval_mean_return: number;
  eval_std_return: number;
  eval_episodes: number;
  solved_threshold: number;
  solved: boolean;
  seconds: number;
  seconds_per_generation: number;
  backend: string;
  workers: number;
  run_dir: string;
  /** Why the run ended before `--gens` generations, when it did. */
  stopped_by?: 'max-seconds' | 'stop-at-return';
}

/** Mean and population standard deviation (returns over episodes, or over seeds). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(v / xs.length) };
}

/** The cluster job kind of RL runs (rl/cluster.ts serves it). */
export const RL_KIND = 'rl';

export const TASK_MODULE = new URL(`./task${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/**
 * Where worker threads load an RL task from (Trainer.create's `taskRef`): the task module, its options, and the
 * custom environment's module when there is one (registerEnv(def, { module: import.meta.url })).
 */
export function rlTaskRef(options: RlTaskOptions): TaskRef {
  const envModule = envModuleFor(options.env);
  return { module: TASK_MODULE, options, ...(envModule ? { preload: [envModule] } : {}) };
}

/** How a caller (the CLI, a script) follows a run: the run loop itself prints nothing. */
export interface RunHooks {
  log?: (line: string) => void;
  /** After every generation (the CLI draws its progress bar from it). */
  onGeneration?: (p: { generation: number; total: number; mean: number; best: number; workers?: number; stragglerSeconds?: number }) => void;
  /** Checked at every generation boundary: when it returns a reason, the run saves a checkpoint and stops. */
  shouldStop?: () => string | undefined;
  /** Stop (with a checkpoint) at the first generation boundary after this many seconds; 0 = no limit. */
  maxSeconds?: number;
  /**
   * Stop (with a checkpoint) after the first generation whose population mean return reaches this — RL Zoo's
   * "stop training on reward threshold", on the population's own returns (free) rather than extra evaluation episodes.
   */
  stopAtReturn?: number;
  /** Evaluate through the workers on this Redis (eggroll worker) instead of local threads. */
  redis?: string;
  /** Cluster runs: wait at most this long for the first worker before starting (s; default 10). */
  waitForWorkersS?: number;
  /** Cluster runs: generation records kept for workers that fall behind (default 64; further back they load a snapshot). */
  clusterRecordsKept?: number;
  /** Cluster runs: jobs per generation (default: about 4 per live worker). */
  clusterJobs?: number;
}

/**
 * A results sweep's run: the summary of a finished run in `dir`, else (unless `onlyExisting`) the run trained there,
 * resuming from its last checkpoint, so a sweep script can be stopped and restarted. undefined: not run yet.
 */
export async function finishedOrRun(config: RlRunConfig, dir: string, onlyExisting: boolean, hooks: RunHooks = {}): Promise<RlRunSummary | undefined> {
  const done = join(dir, 'summary.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as RlRunSummary;
  if (onlyExisting) return undefined;
  mkdirSync(dir, { recursive: true });
  return runRl(config, dir, existsSync(join(dir, 'checkpoints', 'latest.json')), hooks);
}

/** Trains (or resumes) into `dir`; returns the summary also written to dir/summary.json. */
export async function runRl(config: RlRunConfig, dir: string, resume: boolean, hooks: RunHooks = {}): Promise<RlRunSummary> {
  const log = hooks.log ?? (() => {});
  const def = resolveEnv(config.env);
  // --backend webgpu with EGGROLL on this machine: the device-resident run (parameters, noise and optimiser state on
  // the GPU, observations up and actions down per step); the task's host side then needs only plain arrays. OpenES
  // and cluster runs use the synchronous webgpu backend instead.
  const onDevice = config.backend === 'webgpu' && config.algo === 'eggroll' && !hooks.redis;
  const gpu = onDevice ? await openWebGpu() : undefined;
  if (gpu && config.workers > 1) log(`--workers ${config.workers} is not used with --backend webgpu: the population runs on the GPU (${gpu.gpu.adapterName})`);
  const backend = gpu ? jsBackend : await loadBackend(config.backend, log);
  const backendName = gpu ? 'webgpu' : backend.name;
  const task = createTask(taskOptionsFor(config), backend) as RlTask;
  // The cluster modules (BullMQ, ioredis: ≈ 0.5 s to load) only when asked for.
  const cluster = hooks.redis ? await (await import('../parallel/cluster/coordinator.js')).ClusterCoordinator.connect({ url: hooks.redis, kind: RL_KIND, backend: backendFingerprint(backend), config, log, recordsKept: hooks.clusterRecordsKept, jobCount: hooks.clusterJobs, shouldStop: hooks.shouldStop }) : undefined;
  let trainer: Trainer;
  try {
    trainer = await Trainer.create({
      task, taskRef: rlTaskRef(taskOptionsFor(config)), strategy: strategyFor(config),
      backend, backendChoice: config.backend, workers: config.workers, cluster, device: gpu,
    });
  } catch (e) {
    await cluster?.close();
    throw e;
  }
  if (cluster) {
    const live = await cluster.waitForWorkers(1, (hooks.waitForWorkersS ?? 10) * 1000);
    log(live ? `cluster: ${live} worker${live === 1 ? '' : 's'} on ${cluster.where}` : `cluster: no worker on ${cluster.where} yet; jobs wait in the queue until one starts (eggroll worker --redis URL)`);
  }
  const ckDir = join(dir, 'checkpoints');
  const metrics = new MetricsLog(join(dir, 'metrics.jsonl'));
  let priorSeconds = 0;
  try {
    if (resume && hasCheckpoint(ckDir)) {
      const st = trainer.resume(ckDir, log);
      priorSeconds = Number(st.seconds ?? 0);
      metrics.truncate((r) => Number(r.gen) < trainer.generation);
      log(`resumed ${dir} at generation ${trainer.generation}`);
    } else {
      if (resume) log(`--resume: ${dir} has no checkpoint yet (it stopped before its first); training it from generation 0 with its config.json`);
      // A backend whose load-time row-contract check failed (only when asked for by name) is recorded.
      const why = nondeterminism(backend);
      const written = { ...config, policy: policyConfig(def, config).sizes, env_id: def.id, version: 1, ...(why ? { nondeterministic: why } : {}) };
      rlRunConfigSchema.parse(written); // the schema that reads it back must accept it
      writeJsonAtomic(join(dir, 'config.json'), written);
      metrics.truncate(() => false);
    }
    const clock = new RunClock(priorSeconds);
    let last = { mean: NaN, max: NaN };
    let r: GenerationResult | undefined;
    const generation: LoopExperiment = {
      unit: 'generation',
      total: config.gens,
      checkpointEvery: config.checkpointEvery,
      done: () => trainer.generation,
      async advance() {
        r = await trainer.step();
        last = { mean: r.meanFitness, max: r.maxFitness };
      },
      record: () => [{
        gen: r!.generation, mean_return: r!.meanFitness, max_return: r!.maxFitness, min_return: r!.minFitness, sigma: r!.sigma, lr: r!.lr, grad_norm: r!.gradNorm, non_finite: r!.nonFinite, seconds: r!.seconds,
        ...(r!.cluster ? clusterColumns(r!.cluster) : {}),
      }],
      report: () => hooks.onGeneration?.({ generation: trainer.generation, total: config.gens, mean: r!.meanFitness, best: r!.maxFitness, ...clusterProgress(r!.cluster) }),
      checkpoint: async (seconds) => {
        await trainer.sync();
        trainer.save(ckDir, { seconds }, policyMetadata(config, trainer.generation));
      },
      finishedEarly: () => hooks.stopAtReturn !== undefined && r!.meanFitness >= hooks.stopAtReturn
        ? `population mean return ${r!.meanFitness.toFixed(1)} ≥ --stop-at-return ${hooks.stopAtReturn} at generation ${trainer.generation}` : undefined,
    };
    const end = await runLoop(generation, dir, { metrics, clock, shouldStop: hooks.shouldStop, maxSeconds: hooks.maxSeconds, log, resumeHint: `eggroll train --resume ${dir}` });
    const stopReason: RlRunSummary['stopped_by'] = end.stoppedBy === 'max-seconds' ? 'max-seconds' : end.stoppedBy === 'early' ? 'stop-at-return' : undefined;
    const seconds = clock.seconds();
    await trainer.sync();
    const forward = trainer.deviceForward;
    const evalReturns = forward ? await task.evaluatePolicyOn(forward, config.evalEpisodes, config.seed) : task.evaluatePolicy(trainer.params, config.evalEpisodes, config.seed);
    const { mean, std } = meanStd(evalReturns);
    if (Number.isNaN(last.mean)) {
      const rows = readJsonl(join(dir, 'metrics.jsonl'));
      const tail = rows[rows.length - 1];
      last = { mean: Number(tail?.mean_return), max: Number(tail?.max_return) };
    }
    await plotLearningCurve(dir, def.id, config.algo, def.solvedThreshold);
    const summary: RlRunSummary = {
      env: def.id, algo: config.algo, seed: config.seed, gens: stopReason ? trainer.generation : config.gens, pop: config.pop, rank: config.rank,
      final_mean_return: last.mean, final_max_return: last.max,
      eval_mean_return: mean, eval_std_return: std, eval_episodes: config.evalEpisodes,
      solved_threshold: def.solvedThreshold, solved: mean >= def.solvedThreshold,
      seconds, seconds_per_generation: seconds / (stopReason ? Math.max(1, trainer.generation) : config.gens), backend: backendName, workers: config.workers, run_dir: dir,
      ...(stopReason ? { stopped_by: stopReason } : {}),
    };
    writeJsonAtomic(join(dir, 'summary.json'), summary);
    return summary;
  } finally {
    await trainer.close();
    await cluster?.close();
  }
}

export async function plotLearningCurve(dir: string, envId: string, algo: string, solved: number): Promise<void> {
  const rows = readJsonl(join(dir, 'metrics.jsonl'));
  const gens = rows.map((r) => Number(r.gen));
  const svg = linePlotSvg({
    title: `${envId} — ${algo}`, xLabel: 'generation', yLabel: 'episode return',
    series: [
      { name: 'population mean', x: gens, y: rows.map((r) => Number(r.mean_return)) },
      { name: 'population best', x: gens, y: rows.map((r) => Number(r.max_return)) },
    ],
    hLines: [{ y: solved, label: `solved (${solved})` }],
  });
  await writePlot(join(dir, 'plots', 'learning-curve'), svg);
}

/** Reads and validates an RL run's config.json (BadFileError naming the file and field when it is damaged). */
export function readRunConfig(dir: string): RlRunConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new BadFileError(dir, 'is not a run directory (no config.json)');
  const c = readJsonFile(path, rlRunConfigSchema) as unknown as RlRunConfig;
  try {
    resolveEnv(c.env);
  } catch (e) {
    throw new BadFileError(path, `field 'env': ${(e as Error).message}`);
  }
  return c;
}

/**
 * Reads a policy file (a playground export or a checkpoint `eggroll train` wrote, both carrying their
 * config in the safetensors metadata), its config validated by config.json's schema; BadFileError
 * naming the file otherwise.
 */
export function readPolicyFile(path: string): PolicyFile {
  let file: PolicyFile;
  try {
    file = decodePolicyFile(readFileBounded(path, CHECKPOINT_LIMIT));
  } catch (e) {
    if (e instanceof PolicyFileError) throw new BadFileError(path, e.message);
    throw e;
  }
  const parsed = policyConfigSchema.safeParse(file.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadFileError(path, `has config field '${issue.path.join('.')}' that is invalid: ${issue.message}`);
  }
  return file;
}
