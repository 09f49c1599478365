/// <reference types="@webgpu/types" />
/**
 * A device-resident EGGROLL run of an MLP (issue 30): parameters, optimiser moments and each generation's noise
 * factors live on the GPU for the whole run; per forward call only the rows' inputs go up and their outputs come
 * back (an RL step: observations up, actions down), and per generation only the fitness goes up. Everything else —
 * Philox normals, the shared GEMM, EGGROLL's low-rank term, the bias/activation epilogue with the biases' dense
 * noise, the full-rank update as one GEMM per matrix ((diag w·A)ᵀB), the optimiser — is recorded into command buffers
 * on buffers that never leave the device.
 *
 * This is the asynchronous path beside the synchronous Backend (docs/ARCHITECTURE-backends.md): the same math as
 * EvolutionStrategy with the 'eggroll' plug-in over an Mlp (same noise streams, layout, coefficients, shaping and
 * optimiser formulas), so a run agrees with the CPU within float32 tolerance (test/es/device-eggroll.test.ts);
 * its fitness shaping and per-pair weights are computed on the host exactly as the CPU strategy does.
 */
import { DEVICE_ACTIVATIONS, rowInfo, type DeviceActivation, type DeviceOptimizerStep, type GpuKernels } from '../backend/index.js';
import { pow } from '../math/index.js';
import type { MlpConfig } from '../nn/mlp.js';
import { mlpSpecs } from '../nn/mlp.js';
import type { ParamSet } from '../nn/params.js';
import { noiseEpoch, noiseStreams } from './noise.js';
import { pairOf, signOf } from './noiser.js';
import { scheduleValue } from './schedule.js';
import { pairWeights, validateStrategy, type StrategyConfig, type StrategyState, type TellResult } from './strategy.js';
import type { DeviceTask, Task } from './task.js';

/** What tell() reports (TellResult without the gradient norm, which would need the update read back). */
export type DeviceTellResult = Omit<TellResult, 'gradNorm'>;

/** A layer of a device-resident model: its weight (a 'lowrank' matrix, m×n), its bias and activation. */
export interface DeviceLayer {
  w: number;
  b: number;
  act: DeviceActivation;
}

interface Layer extends DeviceLayer {
  m: number;
  n: number;
  r: number;
  denseBias: boolean;
}

/**
 * One forward's rows on the device (DeviceEggroll.beginRows): their members' pairs and signs, uploaded, with this
 * generation's noise recorded when any row is perturbed. A model's program records its layers with it.
 */
export interface DeviceRows {
  rows: number;
  pair: Int32Array;
  sign: Float32Array;
  perturbed: boolean;
  pairBuf: GPUBuffer;
  biasCoef: Float32Array;
  /** Per rank r: the rows' low-rank coefficients and FUSED_LAYER_WGSL's row words, uploaded once for all layers of that rank. */
  byRank: Map<number, { coef: GPUBuffer; row: GPUBuffer }>;
}

export class DeviceEggroll {
  private readonly layers: Layer[];
  private readonly theta: GPUBuffer[] = [];
  private readonly grad: GPUBuffer[] = [];
  private readonly moment1: GPUBuffer[] = [];
  private readonly moment2: GPUBuffer[] = [];
  /** This generation's noise: A and B factors per weight ((pairs·r)×m, (pairs·r)×n), dense noise per bias (pairs×m). */
  private readonly at: GPUBuffer[] = [];
  private readonly bt: GPUBuffer[] = [];
  private readonly dense: GPUBuffer[] = [];
  private readonly scaledA: GPUBuffer;
  private readonly pairWeightBuf: GPUBuffer;
  /** Stand-ins for moments an optimiser does not keep (two: a dispatch may not bind one writable buffer twice). */
  private readonly unusedM: GPUBuffer;
  private readonly unusedV: GPUBuffer;
  private noiseEpochMade = -1;
  readonly pairs: number;
  /** The widest layer: the activation buffers' row size. */
  private readonly widest: number;
  state: StrategyState;

  private constructor(readonly gpu: GpuKernels, layers: readonly DeviceLayer[], readonly params: ParamSet, readonly config: StrategyConfig, readonly mlp?: MlpConfig) {
    validateStrategy(params, config);
    if (config.algo !== 'eggroll') throw new RangeError(`the device-resident run is EGGROLL's: algo must be 'eggroll', got '${config.algo}'`);
    if (config.antithetic === false) throw new RangeError('the device-resident run uses antithetic pairs (antithetic must not be false)');
    this.pairs = config.popSize / 2;
    // Every evolved tensor must be a layer's weight (low-rank) or bias: what the device's noise and update cover.
    const covered = new Set<number>();
    this.layers = layers.map((l) => {
      const ws = params.specs[l.w], bs = params.specs[l.b];
      if (!ws || ws.shape.length !== 2 || ws.mode !== 'lowrank') throw new RangeError(`device layer: '${ws?.name ?? l.w}' must be a 'lowrank' matrix`);
      const [m, n] = ws.shape;
      if (!bs || bs.shape.length !== 1 || bs.shape[0] !== m) throw new RangeError(`device layer: '${bs?.name ?? l.b}' must be a bias of length ${m}`);
      if (!(DEVICE_ACTIVATIONS as readonly string[]).includes(l.act)) throw new RangeError(`activation '${l.act}' has no device kernel; allowed: ${DEVICE_ACTIVATIONS.join(', ')}`);
      covered.add(l.w).add(l.b);
      return { ...l, m, n, r: Math.min(config.rank, m, n), denseBias: bs.mode === 'full' };
    });
    params.specs.forEach((s, pid) => {
      if (s.mode !== 'frozen' && !covered.has(pid)) throw new RangeError(`the device-resident run evolves layers' weights and biases only: '${s.name}' (${s.mode}) is neither`);
    });
    this.widest = Math.max(1, ...this.layers.flatMap((l) => [l.m, l.n]));
    const sgd = config.optimizer.kind === 'sgd';
    const usesM = !sgd || ((config.optimizer as { momentum?: number }).momentum ?? 0) > 0;
    this.unusedM = gpu.storage(4);
    this.unusedV = gpu.storage(4);
    params.values.forEach((v, pid) => {
      this.theta[pid] = gpu.upload(v);
      this.grad[pid] = gpu.storage(v.length * 4);
      this.moment1[pid] = usesM ? gpu.storage(v.length * 4) : this.unusedM;
      this.moment2[pid] = sgd ? this.unusedV : gpu.storage(v.length * 4);
    });
    let widest = 1;
    for (const l of this.layers) {
      this.at[l.w] = gpu.storage(this.pairs * l.r * l.m * 4);
      this.bt[l.w] = gpu.storage(this.pairs * l.r * l.n * 4);
      if (l.denseBias) this.dense[l.b] = gpu.storage(this.pairs * l.m * 4);
      widest = Math.max(widest, this.pairs * l.r * l.m);
    }
    this.scaledA = gpu.storage(widest * 4);
    this.pairWeightBuf = gpu.storage(this.pairs * 4);
    this.state = { generation: 0, optimizer: { step: 0, m: [], v: [] } };
  }

  /** An MLP's run: uploads the parameters (and, when given, a CPU strategy's state: generation and optimiser moments). */
  static async create(gpu: GpuKernels, mlp: MlpConfig, params: ParamSet, config: StrategyConfig, state?: StrategyState): Promise<DeviceEggroll> {
    const specs = mlpSpecs(mlp);
    if (specs.length !== params.specs.length || specs.some((s, i) => s.name !== params.specs[i].name || s.shape.join('×') !== params.specs[i].shape.join('×'))) {
      throw new RangeError(`the parameters are not those of an MLP [${mlp.sizes.join(', ')}] (expected ${specs.map((s) => `${s.name} ${s.shape.join('×')}`).join(', ')})`);
    }
    const L = mlp.sizes.length - 1;
    const layers = Array.from({ length: L }, (_, l) => ({ w: 2 * l, b: 2 * l + 1, act: (l + 1 === L ? mlp.outputActivation ?? 'identity' : mlp.activation) as DeviceActivation }));
    const d = new DeviceEggroll(gpu, layers, params, config, mlp);
    if (state) d.load(state);
    return d;
  }

  /**
   * Any model whose evolved tensors are layers' low-rank weights and their biases (the reasoning LM): the noise and
   * the update on the device; its program records the forward with beginRows and recordLayer.
   */
  static async forLayers(gpu: GpuKernels, layers: readonly DeviceLayer[], params: ParamSet, config: StrategyConfig, state?: StrategyState): Promise<DeviceEggroll> {
    const d = new DeviceEggroll(gpu, layers, params, config);
    if (state) d.load(state);
    return d;
  }

  /** A parameter's device buffer (a program reads its frozen tensors, e.g. an embedding or norm gains). */
  tensor(pid: number): GPUBuffer {
    return this.theta[pid];
  }

  get generation(): number {
    return this.state.generation;
  }

  /**
   * Loads the host's parameters (this.params) and a strategy state (a resumed checkpoint's generation and optimiser
   * moments) onto the device.
   */
  load(state: StrategyState): void {
    const g = this.gpu;
    this.params.values.forEach((v, pid) => g.write(this.theta[pid], v));
    state.optimizer.m.forEach((m, pid) => { if (m.length && this.moment1[pid] !== this.unusedM) g.write(this.moment1[pid], m); });
    state.optimizer.v.forEach((v, pid) => { if (v.length && this.moment2[pid] !== this.unusedV) g.write(this.moment2[pid], v); });
    this.state = { generation: state.generation, optimizer: { step: state.optimizer.step, m: [], v: [] } };
    this.noiseEpochMade = -1;
  }

  sigmaAt(generation = this.state.generation): number {
    return scheduleValue(this.config.sigma, generation);
  }

  /** Records this generation's noise (once per noise epoch: noiseReuse keeps it). */
  private encodeNoise(enc: GPUCommandEncoder): void {
    const epoch = noiseEpoch(this.state.generation, this.config.noiseReuse ?? 1);
    if (epoch === this.noiseEpochMade) return;
    for (const l of this.layers) {
      const st = noiseStreams(this.config.seed, l.w, epoch);
      this.gpu.encodeNormals(enc, st.b, 0, this.pairs, l.r * l.n, this.bt[l.w]);
      this.gpu.encodeNormals(enc, st.a, 0, this.pairs, l.r * l.m, this.at[l.w]);
      if (l.denseBias) this.gpu.encodeNormals(enc, noiseStreams(this.config.seed, l.b, epoch).dense, 0, this.pairs, l.m, this.dense[l.b]);
    }
    this.noiseEpochMade = epoch;
  }

  /** Rows' pair and sign (antithetic layout; member −1: sign 0, the unperturbed parameters). */
  private rowLayout(rows: number, members?: Int32Array): { pair: Int32Array; sign: Float32Array } {
    const N = this.config.popSize;
    const pair = new Int32Array(rows);
    const sign = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      const mem = members ? members[i] : i;
      if (mem < 0) continue;
      if (!Number.isInteger(mem) || mem >= N) throw new RangeError(`forward: member ${mem} is outside the population [0, ${N}) (−1: unperturbed)`);
      pair[i] = pairOf(mem, true);
      sign[i] = signOf(mem, true);
    }
    return { pair, sign };
  }

  /**
   * A device buffer kept between calls under `name`, grown to at least `bytes` (an RL run calls forward every step:
   * its inputs, row layout, coefficients and activations reuse these instead of new buffers each time). Safe to
   * rewrite per call: every call waits for its work to finish.
   */
  private scratch(name: string, bytes: number): GPUBuffer {
    let b = this.scratchBuffers.get(name);
    if (!b || b.size < bytes) {
      b?.destroy();
      b = this.gpu.storage(Math.max(bytes, 2 * (b?.size ?? 0)));
      this.scratchBuffers.set(name, b);
    }
    return b;
  }
  private readonly scratchBuffers = new Map<string, GPUBuffer>();

  /** `data` written into scratch buffer `name`. */
  private scratchWith(name: string, data: Float32Array | Int32Array | Uint32Array): GPUBuffer {
    const b = this.scratch(name, data.byteLength);
    this.gpu.write(b, data);
    return b;
  }

  /**
   * Rows of one forward: row i perturbed as member `members[i]` of this generation (−1: the unperturbed parameters;
   * default one row per member). Uploads their pairs and records the generation's noise when a row is perturbed.
   */
  beginRows(enc: GPUCommandEncoder, rows: number, members?: Int32Array): DeviceRows {
    const { pair, sign } = this.rowLayout(rows, members);
    const pairBuf = this.scratchWith('pair', pair);
    // Rows that all see the unperturbed parameters (batched inference) need no noise and no low-rank term.
    const perturbed = sign.some((v) => v !== 0);
    if (perturbed) this.encodeNoise(enc);
    const sf = Math.fround(this.sigmaAt());
    return { rows, pair, sign, perturbed, pairBuf, biasCoef: sign.map((v) => v * sf), byRank: new Map() };
  }

  /**
   * Records layer `li` on the rows: out ← act(input·Wᵀ + the rows' low-rank term + b + bias noise), one fused kernel
   * after the rank-r row factors. Buffers are per layer, so every layer of a command buffer has its own.
   */
  recordLayer(enc: GPUCommandEncoder, at: DeviceRows, li: number, input: GPUBuffer, out: GPUBuffer): void {
    const g = this.gpu, l = this.layers[li], { rows, sign, perturbed } = at;
    let k = at.byRank.get(l.r);
    if (!k) {
      // Per row sign·σ/√r: the low-rank term's coefficient, as PerturbedNoiser.lowRankCoef computes it.
      const c = this.sigmaAt() / Math.sqrt(l.r);
      const lowRankCoef = perturbed ? sign.map((v) => v * c) : new Float32Array(rows);
      k = { coef: this.scratchWith(`coef-r${l.r}`, lowRankCoef), row: this.scratchWith(`row-r${l.r}`, rowInfo(at.pair, at.biasCoef, lowRankCoef)) };
      at.byRank.set(l.r, k);
    }
    const t = this.scratch(`t${li}`, rows * l.r * 4);
    if (perturbed) g.encodeLowRankT(enc, rows, l.n, l.m, l.r, input, this.bt[l.w], at.pairBuf, k.coef, t);
    // The shared GEMM, the low-rank term and the bias/activation epilogue in one kernel: the layer's output is
    // written once (the three separate kernels wrote it three times).
    g.encodeLayer(enc, rows, l.m, l.n, l.r, input, this.theta[l.w], perturbed ? { t, at: this.at[l.w] } : null, k.row,
      this.theta[l.b], perturbed && l.denseBias ? this.dense[l.b] : null, l.act, out);
  }

  /** Records the MLP on `rows` rows of the device buffer `x`; returns the buffer its output will be in. */
  private recordForward(enc: GPUCommandEncoder, x: GPUBuffer, rows: number, members?: Int32Array): GPUBuffer {
    const at = this.beginRows(enc, rows, members);
    const width = rows * this.widest * 4;
    const a0 = this.scratch('act0', width), a1 = this.scratch('act1', width);
    let input = x;
    let out = a0;
    this.layers.forEach((_, li) => {
      this.recordLayer(enc, at, li, input, out);
      input = out;
      out = out === a0 ? a1 : a0;
    });
    return input;
  }

  /**
   * The MLP on rows of `x` (rows × inputs), row i perturbed as member `members[i]` of this generation (−1: the
   * unperturbed parameters; default: one row per member, in order); resolves with rows × outputs. Only `x` goes
   * up and the outputs come back (an RL step: observations up, actions down).
   */
  async forward(x: Float32Array, members?: Int32Array): Promise<Float32Array> {
    const rows = members?.length ?? this.config.popSize;
    if (!this.mlp) throw new Error('forward: this device run is not an MLP\'s (its program records its own forward with beginRows/recordLayer)');
    const inputs = this.mlp.sizes[0];
    if (x.length < rows * inputs) throw new RangeError(`forward: x holds ${x.length} values, ${rows} rows need ${rows * inputs}`);
    const g = this.gpu;
    const xBuf = this.scratchWith('x', x.subarray(0, rows * inputs));
    const enc = g.device.createCommandEncoder();
    const out = this.recordForward(enc, xBuf, rows, members);
    const outputs = this.mlp.sizes[this.mlp.sizes.length - 1];
    return new Float32Array(await g.readBack(enc, out, rows * outputs * 4));
  }

  /**
   * The forward on inputs already on the device (one row per member unless `members` says otherwise), its output
   * left there: the buffer is returned, valid until the next forward (a scratch buffer of the run). For a fitness computed on the device and for
   * timing a generation without the host's transfers (scripts/gpu-bench.mjs).
   */
  async forwardResident(x: GPUBuffer, members?: Int32Array): Promise<GPUBuffer> {
    const rows = members?.length ?? this.config.popSize;
    const enc = this.gpu.device.createCommandEncoder();
    const out = this.recordForward(enc, x, rows, members);
    await this.gpu.run(enc);
    return out;
  }

  /** One raw fitness per member (higher is better): shaping on the host, then the update on the device; advances a generation. */
  async tell(rawFitness: Float64Array): Promise<DeviceTellResult> {
    const N = this.config.popSize;
    const { w, sum, max, min, nonFinite } = pairWeights(rawFitness, this.config, true, this.pairs);
    const sigma = this.sigmaAt();
    const lr = scheduleValue(this.config.lr, this.state.generation);
    const g = this.gpu;
    g.write(this.pairWeightBuf, w);
    const enc = g.device.createCommandEncoder();
    this.encodeNoise(enc);
    for (const l of this.layers) {
      // g = σ/(√r·√N)·(diag w·A)ᵀ·B: one GEMM over the stacked factors (strategies/directions.ts).
      g.encodeScaleRows(enc, this.pairs, l.r, l.m, this.pairWeightBuf, this.at[l.w], this.scaledA);
      g.encodeSgemm(enc, true, false, l.m, l.n, this.pairs * l.r, sigma / (Math.sqrt(l.r) * Math.sqrt(N)), this.scaledA, this.bt[l.w], 0, this.grad[l.w]);
      if (l.denseBias) g.encodeDenseDirection(enc, this.pairs, l.m, sigma / Math.sqrt(N), this.pairWeightBuf, this.dense[l.b], this.grad[l.b]);
    }
    const step = this.optimizerStep(lr);
    this.params.specs.forEach((s, pid) => {
      if (s.mode === 'frozen') return;
      g.encodeOptimizer(enc, this.params.values[pid].length, step, this.theta[pid], this.grad[pid], this.moment1[pid], this.moment2[pid]);
    });
    await g.run(enc);
    this.state.optimizer.step++;
    const generation = this.state.generation++;
    return { generation, meanFitness: sum / N, maxFitness: max, minFitness: min, nonFinite, sigma, lr };
  }

  private optimizerStep(lr: number): DeviceOptimizerStep {
    const o = this.config.optimizer;
    const t = this.state.optimizer.step + 1;
    if (o.kind === 'sgd') return { kind: 'sgd', lr, momentum: o.momentum ?? 0, beta1: 0, beta2: 0, eps: 0, weightDecay: 0, c1: 1, c2: 1 };
    const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999;
    return {
      kind: 'adam', lr, momentum: 0, beta1: b1, beta2: b2, eps: o.eps ?? 1e-8, weightDecay: o.kind === 'adamw' ? o.weightDecay ?? 0.01 : 0,
      c1: 1 / (1 - pow(b1, t)), c2: 1 / (1 - pow(b2, t)),
    };
  }

  /** Reads the parameters and optimiser moments back into `params` and a StrategyState (for a checkpoint or an evaluation on the CPU). */
  async toHost(): Promise<StrategyState> {
    const g = this.gpu;
    const read = async (buf: GPUBuffer, len: number) => new Float32Array(await g.readBack(g.device.createCommandEncoder(), buf, len * 4));
    const m: Float32Array[] = [], v: Float32Array[] = [];
    for (let pid = 0; pid < this.params.values.length; pid++) {
      const len = this.params.values[pid].length;
      this.params.values[pid].set(await read(this.theta[pid], len));
      m.push(this.moment1[pid] === this.unusedM ? new Float32Array(0) : await read(this.moment1[pid], len));
      v.push(this.moment2[pid] === this.unusedV ? new Float32Array(0) : await read(this.moment2[pid], len));
    }
    return { generation: this.state.generation, optimizer: { step: this.state.optimizer.step, m, v } };
  }

  dispose(): void {
    const all = new Set([...this.scratchBuffers.values(), ...this.theta, ...this.grad, ...this.moment1, ...this.moment2, ...this.at, ...this.bt, ...this.dense, this.scaledA, this.pairWeightBuf, this.unusedM, this.unusedV]);
    for (const b of all) b?.destroy();
  }
}

/**
 * One generation of a task on the device, in the Trainer's order: every member's evaluation through the device
 * forward, the task's state update from the aux rows, the ES update. `evaluated` runs between evaluation and update
 * (a caller's clock). Used by parallel/trainer.ts and the playground's worker.
 */
export async function deviceGeneration(dev: DeviceEggroll, task: Task & DeviceTask, fitness: Float64Array, aux: Float64Array, evaluated?: () => void): Promise<DeviceTellResult> {
  if (task.evaluateOnDevice) await task.evaluateOnDevice(dev, dev.generation, fitness, aux);
  else if (task.evaluateOn) await task.evaluateOn((x, members) => dev.forward(x, members), dev.generation, fitness, aux);
  else throw new Error('deviceGeneration: the task has neither evaluateOnDevice nor evaluateOn');
  evaluated?.();
  task.afterGeneration?.(aux, dev.config.popSize);
  return dev.tell(fitness);
}
