/// <reference types="@webgpu/types" />
/**
 * A device-resident EGG run (issue 30): the int8 weights, every member's recurrent states and each generation's
 * noise stay on the GPU for the whole run. Per generation the byte windows go up (groups × (T+1) bytes) and the
 * fitness comes back (4 bytes a member); the update's pair signs go up and its two counts come back. The noise is
 * drawn on the device (Philox and the CDF table: integer, the CPU's bits), the T steps of every layer are recorded
 * into one command buffer, and the integer update runs there too. The host's copies of the weights and states are
 * fetched only when asked (`download`: a checkpoint, an evaluation).
 *
 * Integer arithmetic is exact, so a generation here gives the same fitness, states and weights as EggTrainer on
 * any CPU backend, bit for bit (test/egg/device.test.ts); the kernels are egg/device-wgsl.ts.
 */
import { workgroupGrid as grid, type GpuKernels } from '../backend/index.js';
import { EGG_ADD3_WGSL, EGG_ADD_INTO_WGSL, EGG_EMBED_WGSL, EGG_GRU_RESET_WGSL, EGG_GRU_UPDATE_WGSL, EGG_LAYERNORM_WGSL, EGG_LOGPROB_WGSL, EGG_NOISE_WGSL,
  EGG_ROWDOT_WGSL, EGG_UPDATE_WGSL, EGG_VECTORS_WGSL, eggMatmulWgsl } from './device-wgsl.js';
import type { EggArch } from './model.js';
import { VOCAB } from './model.js';
import { CDF_U32, EXP2, isqrt, mantTable, RECIP_I32, START } from './tables.js';
import type { UpdateStats } from './qeggroll.js';

/** What a device run needs of the config. */
export interface DeviceEggShape {
  pop: number;
  groupSize: number;
  tokens: number;
  sigmaShift: number;
  noiseKey: [number, number];
}

const u32s = (...v: number[]): ArrayBuffer => {
  const words = new Uint32Array(Math.ceil(v.length / 4) * 4);
  words.set(v.map((x) => x >>> 0));
  return words.buffer;
};

export class DeviceEgg {
  private readonly D4: number;
  private readonly rows: number;
  private readonly P: number;
  private readonly perPair: number;
  private readonly k: number;
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly states: GPUBuffer;
  private readonly noise: GPUBuffer;
  private readonly windows: GPUBuffer;
  private readonly fitness: GPUBuffer;
  private readonly signs: GPUBuffer;
  private readonly stats: GPUBuffer;
  private readonly act: Record<'y' | 'u' | 'a' | 'b' | 'f' | 'fh' | 'm1' | 'logits' | 't', GPUBuffer>;
  private readonly vecs: GPUBuffer;
  /** Per vector parameter id: its slot in `vecs` (rows × D words each). */
  private readonly slot = new Map<number, number>();
  private readonly tables: { offW: GPUBuffer; cdf: GPUBuffer; start: GPUBuffer; recip: GPUBuffer; exp2: GPUBuffer; mant: GPUBuffer; vecInfo: GPUBuffer; spec: GPUBuffer };
  private readonly kMax: number;
  private readonly matmulCode: string;

  constructor(readonly gpu: GpuKernels, readonly arch: EggArch, readonly shape: DeviceEggShape) {
    const D = arch.shape.width;
    this.D4 = D / 4;
    this.rows = shape.pop;
    this.P = shape.pop / 2;
    this.perPair = arch.noise.perPair;
    this.k = 4 + shape.sigmaShift;
    const { rows, P } = this;
    const layers = arch.shape.layers;
    const limit = gpu.device.limits.maxStorageBufferBindingSize;
    const sizes: [string, number][] = [['recurrent states', layers * rows * D], ['noise', P * this.perPair], ['MLP activations', rows * 4 * D], ['parameters', arch.size]];
    const vectorIds = arch.specs.flatMap((s, id) => (s.kind === 'vector' ? [id] : []));
    sizes.push(['perturbed vectors', vectorIds.length * rows * D]);
    for (const [what, bytes] of sizes) {
      if (bytes > limit) throw new RangeError(`EGG on this device: the ${what} need ${bytes} bytes in one buffer, more than its limit of ${limit} (a smaller --pop, --width or --layers fits)`);
    }
    const store = (bytes: number) => { const b = gpu.storage(bytes); this.buffers.push(b); return b; };
    const up = (data: ArrayBufferView) => { const b = gpu.upload(data); this.buffers.push(b); return b; };
    this.params = store(arch.size);
    this.states = store(layers * rows * D);
    this.noise = store(P * this.perPair);
    this.windows = store((rows / shape.groupSize) * (shape.tokens + 1) * 4);
    this.fitness = store(rows * 4);
    this.signs = store(P * 4);
    this.stats = store(8);
    this.act = {
      y: store(rows * D), u: store(rows * D), a: store(rows * D), b: store(rows * D), f: store(rows * D), fh: store(rows * D),
      m1: store(rows * 4 * D), logits: store(rows * VOCAB), t: store(rows * 4),
    };
    vectorIds.forEach((id, s) => this.slot.set(id, s));
    this.vecs = store(vectorIds.length * rows * D);
    // Word offsets of each parameter's noise slice in a pair, the CDF (entries of 2³² stop the scan: kMax), START.
    const offW = Uint32Array.from(arch.noise.offsets, (o) => o / 4);
    let kMax = CDF_U32.length;
    while (kMax > 0 && CDF_U32[kMax - 1] >= 2 ** 32) kMax--;
    this.kMax = kMax;
    const spec = new Uint32Array(arch.specs.length * 8);
    arch.specs.forEach((s, j) => spec.set([s.offset / 4, s.rows, s.cols, arch.noise.offsets[j], s.kind === 'vector' ? 1 : 0], 8 * j));
    this.tables = {
      offW: up(offW), cdf: up(Uint32Array.from(CDF_U32.subarray(0, kMax))), start: up(Uint32Array.from(START)),
      recip: up(Uint32Array.from(RECIP_I32)), exp2: up(EXP2), mant: up(mantTable()),
      vecInfo: up(Uint32Array.from(vectorIds.flatMap((id) => [arch.specs[id].offset / 4, arch.noise.offsets[id]]))),
      spec: up(spec),
    };
    this.matmulCode = eggMatmulWgsl(gpu.packedDot);
  }

  /** The host's weights and states become the device's (a new run, a resume). */
  upload(params: Int8Array, states: Int8Array): void {
    this.gpu.write(this.params, params.subarray(0, this.arch.size));
    this.gpu.write(this.states, states);
  }

  /** The device's weights and states into the host's arrays (a checkpoint, an evaluation). */
  async download(params: Int8Array, states: Int8Array): Promise<void> {
    params.set(new Int8Array(await this.gpu.readBack(this.gpu.device.createCommandEncoder(), this.params, this.arch.size)));
    states.set(new Int8Array(await this.gpu.readBack(this.gpu.device.createCommandEncoder(), this.states, states.length)));
  }

  /**
   * One generation's evaluation at `epoch` on `windows` (groups × (T+1) bytes): the pairs' noise, then T steps of
   * every member, all on the device; the members' fitness (Σ log₂-probability in 1/16 bit) into `fitness`. The
   * states advance on the device.
   */
  async evaluate(epoch: number, windows: Uint8Array, fitness: Int32Array): Promise<void> {
    const { gpu, arch, rows, D4, P, perPair, k, act } = this;
    const T = this.shape.tokens;
    this.gpu.write(this.windows, Uint32Array.from(windows.subarray(0, (this.rows / this.shape.groupSize) * (T + 1))));
    const enc = gpu.device.createCommandEncoder();
    enc.clearBuffer(this.fitness);
    const words = rows * D4;
    const e = (name: string, code: string, uniform: ArrayBuffer, buffers: GPUBuffer[], n: number) => gpu.encode(enc, name, code, uniform, buffers, ...grid(n));
    const [key0, key1] = this.shape.noiseKey;
    e('egg-noise', EGG_NOISE_WGSL, u32s(key0, key1, epoch, P, perPair / 4, arch.specs.length, this.kMax), [this.tables.offW, this.tables.cdf, this.tables.start, this.noise], P * (perPair / 4));
    e('egg-vectors', EGG_VECTORS_WGSL, u32s(rows, D4, this.slot.size, perPair, k, 4 * D4), [this.params, this.noise, this.tables.vecInfo, this.vecs], this.slot.size * words);
    const vecW = (id: number) => this.slot.get(id)! * words;
    const layerNorm = (x: GPUBuffer, id: number, out: GPUBuffer) =>
      e('egg-layernorm', EGG_LAYERNORM_WGSL, u32s(rows, D4, arch.logD, vecW(id)), [x, this.vecs, this.tables.recip, out], rows);
    /** out = x@W for parameter id, x at word offset xW of its buffer (a layer's states). */
    const matmul = (x: GPUBuffer, id: number, out: GPUBuffer, xW = 0) => {
      const s = arch.specs[id];
      const n4 = s.cols / 4, m4 = s.rows / 4, off = arch.noise.offsets[id];
      e('egg-rowdot', EGG_ROWDOT_WGSL, u32s(rows, n4, perPair, off + s.rows, xW), [x, this.noise, act.t], rows);
      gpu.encode(enc, 'egg-matmul', this.matmulCode, u32s(rows, m4, n4, perPair, off, s.offset / 4, k, s.shift, xW, 0), [x, this.params, this.noise, act.t, out],
        Math.ceil(m4 / 8), Math.ceil(rows / 8));
    };
    const layers = arch.layerIds.length;
    for (let t = 0; t < T; t++) {
      e('egg-embed', EGG_EMBED_WGSL, u32s(rows, D4, perPair, k, t, T + 1, this.shape.groupSize, layers), [this.windows, this.params, this.noise, act.y, this.states], words);
      arch.layerIds.forEach((ids, l) => {
        const sW = l * words;
        layerNorm(act.y, ids.ln1, act.u);
        matmul(act.u, ids.wf, act.a);
        matmul(this.states, ids.uf, act.b, sW);
        e('egg-add3', EGG_ADD3_WGSL, u32s(words, vecW(ids.bf)), [act.a, act.b, this.vecs, act.f], words); // f: the gate
        e('egg-gru-reset', EGG_GRU_RESET_WGSL, u32s(words, sW), [act.f, this.states, act.fh], words);
        matmul(act.u, ids.wh, act.a);
        matmul(act.fh, ids.uh, act.b);
        e('egg-add3', EGG_ADD3_WGSL, u32s(words, vecW(ids.bh)), [act.a, act.b, this.vecs, act.fh], words); // fh now holds ĥ
        e('egg-gru-update', EGG_GRU_UPDATE_WGSL, u32s(words, sW), [act.f, act.fh, this.states, act.y], words);
        layerNorm(act.y, ids.ln2, act.u);
        matmul(act.u, ids.w1, act.m1);
        matmul(act.m1, ids.w2, act.a);
        e('egg-add-into', EGG_ADD_INTO_WGSL, u32s(words), [act.a, act.y], words);
      });
      layerNorm(act.y, arch.lnOut, act.u);
      matmul(act.u, arch.head, act.logits);
      e('egg-logprob', EGG_LOGPROB_WGSL, u32s(rows, t, T + 1, this.shape.groupSize), [act.logits, this.windows, this.tables.exp2, this.tables.mant, this.fitness], rows);
    }
    fitness.set(new Int32Array(await gpu.readBack(enc, this.fitness, rows * 4)));
  }

  /**
   * The integer update on the device from the pair signs F (qeggroll.ts IntegerUpdater.apply's meaning, on the noise
   * the last evaluate drew); returns the counts of moved and clipped parameters.
   */
  async update(F: Int8Array, thr: number): Promise<UpdateStats> {
    const { gpu, arch } = this;
    this.gpu.write(this.signs, Int32Array.from(F));
    const enc = gpu.device.createCommandEncoder();
    enc.clearBuffer(this.stats);
    const words = arch.size / 4;
    const need = thr * isqrt(this.P) * 16;
    gpu.encode(enc, 'egg-update', EGG_UPDATE_WGSL, u32s(words, arch.specs.length, this.P, this.perPair, need), [this.tables.spec, this.signs, this.noise, this.params, this.stats], ...grid(words));
    const [moved, clipped] = new Uint32Array(await gpu.readBack(enc, this.stats, 8));
    return { moved, clipped };
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }
}
