/**
 * Pretraining EGG with integer EGGROLL: the loop, its serialisable state and its checkpoints.
 *
 * One step (generation) t:
 *   1. every group g of `groupSize` members reads its next window of T+1 bytes of the train stream
 *      (contiguous across steps, from a seeded start), so members carry their recurrent state;
 *   2. the population is evaluated (pool.ts: members split over workers), fitness = Σ log₂ p;
 *   3. pair signs F, the P pairs' noise regenerated from (seed, t), one integer update (qeggroll.ts).
 * The whole state is (params, states, t): a checkpoint stores the int8 params and states as
 * safetensors (dtype I8) plus a JSON sidecar, and resuming from it is bit-identical.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Backend, BackendChoice, GpuKernels } from '../backend/index.js';
import { DeviceEgg } from './device.js';
import { mix32 } from '../rng/philox.js';
import { encodeSafetensors, decodeSafetensors, tensor, SafetensorsError, type SafeTensor } from '../io/safetensors.js';
import { CHECKPOINT_LIMIT, firstIntact, hasCheckpoint, loadCheckpoint, readCheckpointFiles, readLatest, saveCheckpoint } from '../io/checkpoint.js';
import { BadFileError, readFileBounded, readJsonFile } from '../io/errors.js';
import { EggArch, isPowerOf4, type EggShape } from './model.js';
import { fillNormalI8, generatePairs, noiseKey } from './noise.js';
import { splitMembers } from '../parallel/workers.js';
import { bytesOf, hashArrays, i32At, packArrays } from '../parallel/cluster/protocol.js';
import type { ClusterCoordinator, ClusterJob, GenerationStats } from '../parallel/cluster/coordinator.js';
import { IntegerUpdater, alphaAt, pairSigns, thresholdAt, type UpdateStats } from './qeggroll.js';
import { ForwardCache, evaluateMembers, scoreStream, type PopulationInput } from './evaluate.js';
import { EggPool } from './pool.js';

export interface EggConfig extends EggShape {
  pop: number;
  groupSize: number;
  /** Bytes per window (T). */
  tokens: number;
  sigmaShift: number;
  alpha: number;
  seed: number;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
/** An EGG model's settings, as written into config.json, every sidecar and every checkpoint's metadata. */
export const eggShapeFields = {
  layers: int(1, 16),
  width: int(4, 1024).refine(isPowerOf4, { message: 'must be a power of 4' }),
  pop: int(2).refine((v) => v % 2 === 0, { message: 'must be even' }),
  groupSize: int(2),
  tokens: int(1, 4096),
  sigmaShift: int(0, 8),
  alpha: z.number().refine((v) => Number.isFinite(v) && v > 0, { message: 'must be a finite number > 0' }),
  seed: int(0, 2 ** 32 - 1),
};
const divisible = (c: { pop: number; groupSize: number }) => c.pop % c.groupSize === 0;
export const eggConfigSchema = z.object(eggShapeFields).passthrough().refine(divisible, { message: 'pop must be divisible by groupSize', path: ['pop'] });

const INIT_PURPOSE = 1;
const NOISE_PURPOSE = 2;
const DATA_PURPOSE = 3;

/** Fresh parameters: matrices round(16·N(0,1)) from the init stream, LN weights 16, biases 0. */
export function initParams(arch: EggArch, seed: number, out: Int8Array): void {
  const key = noiseKey(seed, INIT_PURPOSE);
  arch.specs.forEach((spec, j) => {
    if (spec.init === 'normal') fillNormalI8(key, 0, 0, j, out, spec.offset, spec.size);
    else out.fill(spec.init === 'sixteen' ? 16 : 0, spec.offset, spec.offset + spec.size);
  });
}

/** Where group g's window starts at step t (contiguous across steps, wrapping around the stream). */
export function windowStart(seed: number, g: number, t: number, tokens: number, length: number): number {
  const start = mix32(seed, DATA_PURPOSE, g) % length;
  return (start + ((t * tokens) % length)) % length;
}

export function fillWindows(cfg: EggConfig, train: Uint8Array, t: number, out: Uint8Array): void {
  const groups = cfg.pop / cfg.groupSize;
  const T = cfg.tokens;
  for (let g = 0; g < groups; g++) {
    const s = windowStart(cfg.seed, g, t, T, train.length);
    for (let k = 0; k <= T; k++) out[g * (T + 1) + k] = train[(s + k) % train.length];
  }
}

export interface EggStepResult {
  step: number;
  /** Mean over the population of this step's window loss, bits per byte. */
  pop_bpb: number;
  alpha: number;
  threshold: number;
  moved: number;
  clipped: number;
  /** Fraction of pairs whose two members scored the same (F = 0). */
  ties: number;
  seconds: number;
  /** Cluster runs: live workers, retried jobs, straggler wait, bytes. */
  cluster?: GenerationStats;
}

function shared<T extends Int8Array | Uint8Array | Int32Array>(Ctor: new (b: SharedArrayBuffer) => T, bytes: number): T {
  return new Ctor(new SharedArrayBuffer(Math.max(8, bytes)));
}

export class EggTrainer {
  readonly arch: EggArch;
  readonly params: Int8Array;
  readonly states: Int8Array;
  readonly windows: Uint8Array;
  readonly fitness: Int32Array;
  /** Steps completed. */
  step = 0;
  /** The step, under the name cluster replicas follow (parallel/cluster/trainer-replica.ts). */
  get generation(): number {
    return this.step;
  }
  readonly noiseAll: Int8Array;
  private readonly updater: IntegerUpdater;
  readonly cache: ForwardCache;
  private pool: EggPool | undefined;
  private readonly input: PopulationInput;

  constructor(readonly cfg: EggConfig, readonly backend: Backend, readonly backendChoice: BackendChoice, readonly train: Uint8Array, readonly workers = 1) {
    this.arch = new EggArch(cfg);
    const D = cfg.width;
    this.params = shared(Int8Array, this.arch.size);
    this.states = shared(Int8Array, cfg.layers * cfg.pop * D);
    this.windows = shared(Uint8Array, (cfg.pop / cfg.groupSize) * (cfg.tokens + 1));
    this.fitness = shared(Int32Array, cfg.pop * 4);
    this.noiseAll = shared(Int8Array, (cfg.pop / 2) * this.arch.noise.perPair);
    this.updater = new IntegerUpdater(this.arch, backend);
    this.cache = new ForwardCache(this.arch, backend);
    initParams(this.arch, cfg.seed, this.params);
    this.input = {
      arch: this.arch, params: this.params, states: this.states, windows: this.windows, pop: cfg.pop, groupSize: cfg.groupSize,
      tokens: cfg.tokens, sigmaShift: cfg.sigmaShift, noiseKey: noiseKey(cfg.seed, NOISE_PURPOSE), epoch: 0,
      noise: this.noiseAll,
    };
  }

  /** The Philox key of this run's per-step noise (what a device run of the same model draws with). */
  get noiseKey(): [number, number] {
    return this.input.noiseKey;
  }

  private async ensurePool(): Promise<EggPool> {
    this.pool ??= await EggPool.create({
      shape: { layers: this.cfg.layers, width: this.cfg.width }, backend: this.backendChoice, params: this.params, states: this.states,
      windows: this.windows, fitness: this.fitness, noise: this.noiseAll, pop: this.cfg.pop, groupSize: this.cfg.groupSize, tokens: this.cfg.tokens,
      sigmaShift: this.cfg.sigmaShift, noiseKey: this.input.noiseKey,
    }, this.workers, this.cache, this.input);
    return this.pool;
  }

  /** One generation: evaluate, vote, update. */
  async trainStep(): Promise<EggStepResult> {
    const t0 = performance.now();
    const { cfg } = this;
    const t = this.step;
    fillWindows(cfg, this.train, t, this.windows);
    let cluster: GenerationStats | undefined;
    let jobs: ClusterJob[] = [];
    if (this.cluster) {
      jobs = this.clusterJobs(this.cluster.jobsPerGeneration());
      const pending = this.cluster.evaluate(t, this.stateHash(), jobs, (job, bytes) => this.takeResult(job, bytes));
      // Workers keep their noise: regenerate every pair's here (a pure function, as the update needs it).
      generatePairs(this.arch.noise, this.input.noiseKey, t, 0, cfg.pop / 2, this.noiseAll);
      cluster = await pending;
    } else if (this.device) {
      // Device-resident: the weights and states stay on the GPU; the windows go up, the fitness comes back.
      if (!this.deviceHolds) { this.device.upload(this.params, this.states); this.deviceHolds = true; }
      this.hostHolds = false;
      await this.device.evaluate(t, this.windows, this.fitness);
      const v = this.votes(t);
      const r = this.finishStep(t, v, await this.device.update(v.F, v.thr));
      return { ...r, seconds: (performance.now() - t0) / 1000 };
    } else {
      const pool = await this.ensurePool();
      await pool.evaluate(t);
    }
    // noiseAll now holds every pair's noise for epoch t, written by the evaluations (noise.ts is a pure
    // function, so this equals generatePairs(…, t, 0, P) — checked in test/egg/train.test.ts).
    if (this.cluster && cluster) {
      // Every worker applies the same vote from the record (the fitness vector, nothing model-sized);
      // published before this process's own update so the workers' run alongside it.
      cluster.bytesSent += await this.cluster.publishRecord(t, bytesOf(this.fitness.subarray(0, cfg.pop)));
    }
    const r = this.applyFitness(t);
    if (this.cluster) await this.cluster.forgetGeneration(t, jobs);
    return { ...r, seconds: (performance.now() - t0) / 1000, ...(cluster ? { cluster } : {}) };
  }

  /** Pair signs from this step's fitness, then the integer update; advances the step. */
  private applyFitness(t: number): Omit<EggStepResult, 'seconds'> {
    const v = this.votes(t);
    return this.finishStep(t, v, this.updater.apply(this.params, this.noiseAll, v.F, v.thr));
  }

  /** This step's pair signs F, the z-test threshold, the fitness total and the share of tied pairs. */
  private votes(t: number): { F: Int8Array; thr: number; total: number; ties: number } {
    const { cfg } = this;
    let total = 0;
    for (let i = 0; i < cfg.pop; i++) total += this.fitness[i];
    const F = pairSigns(this.fitness, cfg.pop);
    let ties = 0;
    for (const f of F) if (f === 0) ties++;
    return { F, thr: thresholdAt(cfg.alpha, t), total, ties };
  }

  private finishStep(t: number, v: { F: Int8Array; thr: number; total: number; ties: number }, stats: UpdateStats): Omit<EggStepResult, 'seconds'> {
    const { cfg } = this;
    const { F, thr, total, ties } = v;
    this.step = t + 1;
    return {
      step: this.step,
      pop_bpb: -total / (16 * cfg.pop * cfg.tokens),
      alpha: alphaAt(cfg.alpha, t),
      threshold: thr,
      moved: stats.moved,
      clipped: stats.clipped,
      ties: ties / F.length,
    };
  }

  // ---------------------------------------------------------------- device-resident runs (egg/device.ts)

  private device: DeviceEgg | undefined;
  /** Whether the device's weights and states are the current ones (false until uploaded, and after a load). */
  private deviceHolds = false;
  /** Whether `params` and `states` here are the current ones (false after a device step, until syncHost). */
  private hostHolds = true;

  /** Run every following step on this GPU (weights, states and noise stay there); not with a cluster. */
  useDevice(gpu: GpuKernels): void {
    if (this.cluster) throw new Error('a cluster run evaluates on its workers: it cannot also be device-resident');
    this.device = new DeviceEgg(gpu, this.arch, { pop: this.cfg.pop, groupSize: this.cfg.groupSize, tokens: this.cfg.tokens, sigmaShift: this.cfg.sigmaShift, noiseKey: this.noiseKey });
    this.deviceHolds = false;
  }

  /** Brings the device's weights and states into `params` and `states` (before a checkpoint or an evaluation). */
  async syncHost(): Promise<void> {
    if (this.device && !this.hostHolds) await this.device.download(this.params, this.states);
    this.hostHolds = true;
  }

  private needHost(what: string): void {
    if (!this.hostHolds) throw new Error(`EggTrainer.${what}: the current weights are on the device; await syncHost() first`);
  }

  // ---------------------------------------------------------------- cluster runs (parallel/cluster)

  private cluster: ClusterCoordinator | undefined;

  /** Evaluate through the cluster from now on; the coordinator can ask this trainer for snapshots. */
  useCluster(c: ClusterCoordinator): void {
    if (this.device) throw new Error('a device-resident run cannot also evaluate through a cluster');
    this.cluster = c;
    c.setSnapshotSource(() => ({ generation: this.step, bytes: this.snapshot() }));
  }

  /** Member ranges on group bounds (a job carries its groups' windows), pair-aligned. */
  private clusterJobs(parts: number): ClusterJob[] {
    const { pop, groupSize, tokens, layers, width } = this.cfg;
    const unit = groupSize % 2 === 0 ? groupSize : 2 * groupSize;
    return splitMembers(pop, parts, unit).map(([start, end]) => {
      const g0 = start / groupSize, g1 = Math.ceil(end / groupSize);
      const parts: ArrayBufferView[] = [this.windows.subarray(g0 * (tokens + 1), g1 * (tokens + 1))];
      for (let l = 0; l < layers; l++) parts.push(this.states.subarray((l * pop + start) * width, (l * pop + end) * width));
      return { start, end, payload: packArrays(parts) };
    });
  }

  /** A job's result: its members' fitness (int32) then their new recurrent states (per layer). */
  private takeResult(job: ClusterJob, bytes: Uint8Array): void {
    const { pop, layers, width } = this.cfg;
    const n = job.end - job.start;
    if (bytes.length !== 4 * n + layers * n * width) throw new Error(`cluster result for members ${job.start}-${job.end} has ${bytes.length} bytes, expected ${4 * n + layers * n * width}`);
    this.fitness.set(i32At(bytes, 0, n), job.start);
    for (let l = 0; l < layers; l++) {
      const at = 4 * n + l * n * width;
      this.states.set(new Int8Array(bytes.buffer, bytes.byteOffset + at, n * width), (l * pop + job.start) * width);
    }
  }

  /** Worker side: evaluates members [start, end) on the job's windows and states; returns fitness and new states. */
  evaluateRange(start: number, end: number, payload: Uint8Array): Uint8Array {
    const { pop, groupSize, tokens, layers, width } = this.cfg;
    if (start % 2 !== 0 || start % groupSize !== 0 || end > pop) throw new RangeError(`job members ${start}-${end} are not on group bounds of a population of ${pop}`);
    const g0 = start / groupSize, g1 = Math.ceil(end / groupSize);
    const n = end - start;
    const wBytes = (g1 - g0) * (tokens + 1);
    if (payload.length !== wBytes + layers * n * width) throw new Error(`job payload has ${payload.length} bytes, expected ${wBytes + layers * n * width}`);
    this.windows.set(payload.subarray(0, wBytes), g0 * (tokens + 1));
    for (let l = 0; l < layers; l++) {
      const at = wBytes + l * n * width;
      this.states.set(new Int8Array(payload.buffer, payload.byteOffset + at, n * width), (l * pop + start) * width);
    }
    this.input.epoch = this.step;
    evaluateMembers({ ...this.input, noise: undefined }, this.cache, start, end, this.fitness);
    const parts: ArrayBufferView[] = [this.fitness.subarray(start, end)];
    for (let l = 0; l < layers; l++) parts.push(this.states.subarray((l * pop + start) * width, (l * pop + end) * width));
    return packArrays(parts);
  }

  /** Worker side: the coordinator's record of this step (every member's fitness) → the same vote and update. */
  applyRecord(record: Uint8Array): void {
    const pop = this.cfg.pop;
    if (record.length !== 4 * pop) throw new Error(`step record has ${record.length} bytes, expected ${4 * pop}`);
    this.fitness.set(i32At(record, 0, pop));
    generatePairs(this.arch.noise, this.input.noiseKey, this.step, 0, pop / 2, this.noiseAll);
    this.applyFitness(this.step);
  }

  /** sha256 of what the next steps' evaluations depend on besides the jobs' own states: the weights and the step. */
  stateHash(): string {
    this.needHost('stateHash');
    return hashArrays([this.params, Int32Array.of(this.step)]);
  }

  snapshot(): Uint8Array {
    this.needHost('snapshot');
    return encodeSafetensors({ params: tensor(this.params.slice()) }, { step: String(this.step) });
  }

  loadSnapshot(bytes: Uint8Array): void {
    const d = decodeSafetensors(bytes);
    const p = d.tensors.params;
    const step = Number(d.metadata.step);
    if (!p || p.dtype !== 'I8' || p.data.length !== this.params.length || !Number.isSafeInteger(step) || step < 0) throw new Error('cluster snapshot does not fit this model');
    this.params.set(p.data as Int8Array);
    this.step = step;
  }

  /** Bits per byte of the unperturbed model on a stream (each of `rows` pieces from a zero state). */
  score(stream: Uint8Array, rows = 64): number {
    this.needHost('score');
    const s = scoreStream(this.arch, this.cache, this.params, stream, rows);
    return s.bits16 / (16 * Math.max(1, s.count));
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
    this.device?.destroy();
    this.device = undefined;
  }

  // ------------------------------------------------------------------------------ checkpoints

  /**
   * A checkpoint through the one checkpoint module (src/io/checkpoint.ts: atomic files, latest.json,
   * the same pruning as every run type): the model's I8 tensors and states, its config in the
   * safetensors metadata (so the file alone describes the model) and in the sidecar's state.
   * Returns the .safetensors path.
   */
  saveCheckpoint(runDir: string, extra: Record<string, unknown> = {}): string {
    this.needHost('saveCheckpoint');
    return writeEggCheckpoint(runDir, this.arch, this.params, this.states, this.cfg, this.step, extra);
  }

  /** Throws a BadFileError when a decoded checkpoint does not fit this trainer. */
  checkModel(m: DecodedModel, file: string): void {
    if (m.params.length !== this.params.length) throw new BadFileError(file, `has ${m.params.length} parameters, expected ${this.params.length} (a checkpoint of a different model?)`);
    if (!m.states || m.states.length !== this.states.length) throw new BadFileError(file, `has no recurrent states for population ${this.cfg.pop}`);
  }

  loadModel(m: DecodedModel, file: string): void {
    this.checkModel(m, file);
    this.params.set(m.params);
    this.states.set(m.states!);
    this.step = m.step;
    this.deviceHolds = false;
    this.hostHolds = true;
  }
}

/**
 * checkpoints/gen-NNNNNNN.* of an EGG model at `step` through the shared checkpoint module (see
 * EggTrainer.saveCheckpoint); returns the .safetensors path.
 */
export function writeEggCheckpoint(runDir: string, arch: EggArch, params: Int8Array, states: Int8Array | undefined, cfg: EggConfig,
  step: number, extra: Record<string, unknown> = {}): string {
  // Noise (Philox4x32-10) and data windows are counter-based: with the config's seed, the step number is
  // the whole RNG and data-cursor position.
  const stem = saveCheckpoint(join(runDir, 'checkpoints'), {
    generation: step,
    state: { config: cfg, ...extra },
    tensors: modelTensors(arch, params, states, cfg),
    metadata: { model: 'egg', config: JSON.stringify(cfg) },
  });
  return `${stem}.safetensors`;
}

/** The checkpoint of `runDir` at exactly `step` (either layout), decoded; a BadFileError when it is missing or damaged. */
export function readEggCheckpointAt(runDir: string, step: number): { file: string; model: DecodedModel } {
  const dir = join(runDir, 'checkpoints');
  const stem = `gen-${String(step).padStart(7, '0')}`;
  if (existsSync(join(dir, `${stem}.json`))) {
    const ck = readCheckpointFiles(dir, stem);
    const file = join(dir, `${stem}.safetensors`);
    if (ck.metadata?.model !== 'egg') throw new BadFileError(file, 'is not an EGG checkpoint (no model: egg in its metadata)');
    return { file, model: modelFrom(ck.tensors, ck.metadata, String(ck.generation), file) };
  }
  const legacy = join(dir, `step-${String(step).padStart(6, '0')}.safetensors`);
  if (!existsSync(legacy)) throw new BadFileError(dir, `has no checkpoint at step ${step}`);
  return { file: legacy, model: decodeModel(readFileBounded(legacy, CHECKPOINT_LIMIT), legacy) };
}

/** One I8 tensor per parameter (named as in EggArch), plus `states` when given. */
function modelTensors(arch: EggArch, params: Int8Array, states: Int8Array | undefined, cfg: EggConfig): Record<string, SafeTensor> {
  const tensors: Record<string, SafeTensor> = {};
  for (const s of arch.specs) {
    tensors[s.name] = tensor(params.slice(s.offset, s.offset + s.size), s.kind === 'vector' ? [s.rows] : [s.rows, s.cols]);
  }
  if (states) tensors.states = tensor(states.slice(), [cfg.layers, cfg.pop, cfg.width]);
  return tensors;
}

/** A standalone model file (format eggroll-egg): the model's tensors, config and step, nothing else. */
export function encodeModel(arch: EggArch, params: Int8Array, states: Int8Array | undefined, cfg: EggConfig, step: number): Uint8Array {
  return encodeSafetensors(modelTensors(arch, params, states, cfg), { format: 'eggroll-egg', config: JSON.stringify(cfg), step: String(step) });
}

export interface DecodedModel {
  cfg: EggConfig;
  arch: EggArch;
  params: Int8Array;
  states?: Int8Array;
  step: number;
}

/** Decodes and validates a model file (eggroll-egg, or an earlier run's checkpoint); every problem is a BadFileError naming `file`. */
export function decodeModel(bytes: Uint8Array, file = 'checkpoint'): DecodedModel {
  let d;
  try {
    d = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new BadFileError(file, e.message);
    throw e;
  }
  if (d.metadata.format !== 'eggroll-egg') throw new BadFileError(file, 'is not an EGG checkpoint (metadata format is not eggroll-egg)');
  return modelFrom(d.tensors, d.metadata, d.metadata.step, file);
}

/** The model in a checkpoint's tensors and metadata (config JSON), validated. */
function modelFrom(tensors: Record<string, SafeTensor>, metadata: Record<string, string>, stepText: string | undefined, file: string): DecodedModel {
  let raw: unknown;
  try {
    raw = JSON.parse(metadata.config ?? '');
  } catch {
    throw new BadFileError(file, 'metadata config is not valid JSON');
  }
  const parsed = eggConfigSchema.safeParse(raw);
  if (!parsed.success) throw new BadFileError(file, `metadata config: ${parsed.error.issues[0]?.path.join('.') || 'value'} ${parsed.error.issues[0]?.message}`);
  // The object as written (validated, not rebuilt), so re-encoding it gives the same bytes.
  const cfg = raw as EggConfig;
  const step = Number(stepText);
  if (!Number.isSafeInteger(step) || step < 0) throw new BadFileError(file, `metadata step must be a whole number ≥ 0, got ${JSON.stringify(stepText)}`);
  const arch = new EggArch(cfg);
  const params = new Int8Array(arch.size);
  for (const s of arch.specs) {
    const t = tensors[s.name];
    if (!t || t.dtype !== 'I8' || t.data.length !== s.size) throw new BadFileError(file, `tensor '${s.name}' missing or not I8 of ${s.size} values`);
    params.set(t.data as Int8Array, s.offset);
  }
  const st = tensors.states;
  if (st && (st.dtype !== 'I8' || st.data.length !== cfg.layers * cfg.pop * cfg.width)) throw new BadFileError(file, `tensor 'states' is not I8 of ${cfg.layers * cfg.pop * cfg.width} values`);
  return { cfg, arch, params, states: st ? (st.data as Int8Array) : undefined, step };
}


/**
 * The newest intact checkpoint of a run directory (src/io/checkpoint.ts: the one latest.json names, or
 * — when that is damaged — the newest intact one, with one line to `log`), decoded and passed through
 * `check`. Undefined when the run has no checkpoint; a BadFileError when none is intact. Runs written
 * before the LM used the shared checkpoint module (step-NNNNNN files) are still read.
 */
export function findCheckpoint(runDir: string, log?: (line: string) => void, check?: (m: DecodedModel, file: string) => void): { file: string; model: DecodedModel } | undefined {
  const dir = join(runDir, 'checkpoints');
  if (isLegacyLayout(dir)) return findLegacyCheckpoint(dir, log, check);
  if (!hasCheckpoint(dir)) return undefined;
  let found: { file: string; model: DecodedModel } | undefined;
  loadCheckpoint(dir, {
    log,
    check: (ck, file) => {
      if (ck.metadata?.model !== 'egg') throw new BadFileError(file, 'is not an EGG checkpoint (no model: egg in its metadata)');
      const model = modelFrom(ck.tensors, ck.metadata, String(ck.generation), file);
      check?.(model, file);
      found = { file, model };
    },
  });
  return found;
}

// ---------------------------------------------------------------------- runs from before the shared module

/** The LM's earlier layout: step-NNNNNN.{safetensors,json} and latest.json {step, file}. */
const legacyLatestSchema = z.object({ step: int(0), file: z.string().regex(/^step-\d{6,}\.safetensors$/, { message: 'must name a checkpoint like step-000050.safetensors' }) });
const legacySidecarSchema = z.object({ step: int(0), config: z.record(z.string(), z.unknown()) }).passthrough();

function isLegacyLayout(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((f) => /^step-\d{6,}\.(safetensors|json)$/.test(f)) && !names.some((f) => /^gen-\d+\.json$/.test(f));
}

function findLegacyCheckpoint(dir: string, log?: (line: string) => void, check?: (m: DecodedModel, file: string) => void): { file: string; model: DecodedModel } | undefined {
  const { first, problems } = readLatest(join(dir, 'latest.json'), legacyLatestSchema, (l) => l.file);
  const stepOf = (f: string) => Number(/\d+/.exec(f)![0]);
  const all = readdirSync(dir).filter((f) => /^step-\d{6,}\.safetensors$/.test(f)).sort((a, b) => stepOf(b) - stepOf(a));
  const candidates = [...new Set([...(first ? [first] : []), ...all])];
  if (candidates.length === 0 && problems.length === 0) return undefined;
  return firstIntact(candidates, problems, (name) => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new BadFileError(file, 'is missing (latest.json points at it)');
    const sidecar = file.replace(/\.safetensors$/, '.json');
    if (!existsSync(sidecar)) throw new BadFileError(sidecar, 'is missing');
    const meta = readJsonFile(sidecar, legacySidecarSchema);
    const model = decodeModel(readFileBounded(file, CHECKPOINT_LIMIT), file);
    if (meta.step !== model.step || stepOf(name) !== model.step) throw new BadFileError(sidecar, `says step ${meta.step}, but ${name} holds step ${model.step}`);
    check?.(model, file);
    return { file, model };
  }, log, (name, found) => `${name} (step ${found.model.step})`);
}
