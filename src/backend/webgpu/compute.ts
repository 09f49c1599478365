/// <reference types="@webgpu/types" />
/**
 * The WebGPU kernels as device operations: each `encode*` records one kernel on device buffers into a command
 * encoder (so a device-resident generation can chain them without a round trip), and the host forms (`sgemm`,
 * `igemm`, `philoxWords`) upload, run one kernel and read the result back — what tests and benchmarks compare
 * against the CPU backends. Pipelines are compiled once per device.
 */
import { gpuDevice, type GpuHandle } from './gpu.js';
import { DEVICE_ACTIVATIONS, type DeviceActivation } from './device.js';
import { BIAS_ACT_WGSL, DENSE_DIRECTION_WGSL, FUSED_LAYER_WGSL, GEMM_TILE, igemmWgsl, LOWRANK_ADD_WGSL, LOWRANK_T_WGSL, NORMALS_WGSL, OPTIM_WGSL, PHILOX_WGSL, SCALE_ROWS_WGSL, SGEMM_WGSL } from './wgsl.js';

/** GPUBufferUsage's flags (the `webgpu` package puts them on globalThis only once a device is open). */
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;

export interface StreamWords {
  key0: number;
  key1: number;
  c1: number;
  c2: number;
  c3: number;
}

/** One stream family of normals (rng/normal.ts): the key and counter words c2, c3; c1 is the pair. */
export interface NormalStreams {
  key0: number;
  key1: number;
  c2: number;
  c3: number;
}

export type { DeviceActivation } from './device.js';

/** An optimiser step's settings (es/optim.ts's, with the bias corrections computed on the host). */
export interface DeviceOptimizerStep {
  kind: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1/(1 − β₁ᵗ), 1/(1 − β₂ᵗ) (Adam). */
  c1: number;
  c2: number;
}

/** Whether the device's WGSL has dot4I8Packed (the packed_4x8_integer_dot_product language feature). */
async function probePackedDot(device: GPUDevice): Promise<boolean> {
  device.pushErrorScope('validation');
  const m = device.createShaderModule({ code: '@compute @workgroup_size(1) fn main() { _ = dot4I8Packed(1u, 2u); }' });
  const [info, err] = await Promise.all([m.getCompilationInfo(), device.popErrorScope()]);
  return !err && !info.messages.some((x) => x.type === 'error');
}

export class GpuKernels {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** Uniform buffers of the commands recorded since the last completed submission (destroyed once it completes). */
  private uniforms: GPUBuffer[] = [];

  /** Whether the int8 GEMM uses WGSL's dot4I8Packed (probed once: the shader compiles without an error). */
  readonly packedDot: boolean;

  private constructor(readonly gpu: GpuHandle, packedDot: boolean) {
    this.packedDot = packedDot;
  }

  /** The kernels on this process's device; `packedDot: false` keeps the int8 GEMM off dot4I8Packed (to compare the two). */
  static async open(opts: { packedDot?: boolean } = {}): Promise<GpuKernels> {
    const gpu = await gpuDevice();
    return new GpuKernels(gpu, opts.packedDot !== false && await probePackedDot(gpu.device));
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  private pipeline(name: string, code: string): GPUComputePipeline {
    let p = this.pipelines.get(name);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.device.createShaderModule({ code, label: name }), entryPoint: 'main' } });
      this.pipelines.set(name, p);
    }
    return p;
  }

  /** A storage buffer holding `data` (padded to 4 bytes; at least 4 bytes, as WebGPU wants). */
  upload(data: ArrayBufferView, extraUsage = 0): GPUBuffer {
    const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
    const buf = this.device.createBuffer({ size, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST | extraUsage, mappedAtCreation: true });
    new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buf.unmap();
    return buf;
  }

  /**
   * Writes `data` at the start of `buf` (queued before the next submission). Copied into a plain ArrayBuffer first:
   * Dawn's Node binding crashes the process on a view of a SharedArrayBuffer (a ParamSet's, a checkpoint's).
   */
  write(buf: GPUBuffer, data: ArrayBufferView): void {
    this.device.queue.writeBuffer(buf, 0, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
  }

  /** An uninitialised (zeroed) storage buffer of `bytes`. */
  storage(bytes: number): GPUBuffer {
    return this.device.createBuffer({ size: Math.max(4, Math.ceil(bytes / 4) * 4), usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
  }

  private uniform(words: ArrayBuffer): GPUBuffer {
    const buf = this.device.createBuffer({ size: words.byteLength, usage: USAGE.UNIFORM, mappedAtCreation: true });
    new Uint8Array(buf.getMappedRange()).set(new Uint8Array(words));
    buf.unmap();
    this.uniforms.push(buf);
    return buf;
  }

  /** After a submission completed: its uniform buffers go (a long run records thousands of calls). */
  private settled(): void {
    for (const u of this.uniforms) u.destroy();
    this.uniforms = [];
  }

  /** Error scopes of the commands recorded since the last submission: run()/readBack() throw the first error. */
  private scopes: Promise<GPUError | null>[] = [];

  /**
   * A WebGPU validation error does not throw: the command buffer is silently invalid and nothing runs. So every
   * recorded dispatch and every submission is inside an error scope, and a submission rejects with the first error.
   */
  private async submitChecked(enc: GPUCommandEncoder): Promise<void> {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    this.device.queue.submit([enc.finish()]);
    const scopes = [...this.scopes, this.device.popErrorScope(), this.device.popErrorScope()];
    this.scopes = [];
    for (const e of await Promise.all(scopes)) if (e) throw new Error(`webgpu: ${e.message.split('\n')[0]}`);
  }

  private dispatch(enc: GPUCommandEncoder, name: string, code: string, buffers: GPUBuffer[], x: number, y = 1): void {
    this.device.pushErrorScope('validation');
    try {
      this.record(enc, name, code, buffers, x, y);
    } finally {
      this.scopes.push(this.device.popErrorScope());
    }
  }

  private record(enc: GPUCommandEncoder, name: string, code: string, buffers: GPUBuffer[], x: number, y: number): void {
    const p = this.pipeline(name, code);
    const bind = this.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const pass = enc.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  /**
   * Records a kernel that lives above this layer (a model's own WGSL, e.g. egg/device-wgsl.ts): `uniform` becomes
   * binding 0 and `buffers` bindings 1, 2, …; its pipeline is compiled once per `name`; (x, y) workgroups.
   */
  encode(enc: GPUCommandEncoder, name: string, code: string, uniform: ArrayBuffer, buffers: GPUBuffer[], x: number, y = 1): void {
    this.dispatch(enc, name, code, [this.uniform(uniform), ...buffers], x, y);
  }

  /** Records C ← alpha·op(A)·op(B) + beta·C on device buffers. */
  encodeSgemm(enc: GPUCommandEncoder, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: GPUBuffer, b: GPUBuffer, beta: number, c: GPUBuffer): void {
    const dims = new ArrayBuffer(32);
    new Uint32Array(dims, 0, 5).set([m, n, k, transA ? 1 : 0, transB ? 1 : 0]);
    new Float32Array(dims, 20, 2).set([alpha, beta]);
    this.dispatch(enc, 'sgemm', SGEMM_WGSL, [this.uniform(dims), a, b, c], Math.ceil(n / GEMM_TILE), Math.ceil(m / GEMM_TILE));
  }

  /** Records exact C(m×n) ← A(m×k)·B(n×k)ᵀ on int8 rows packed four to a word (kw words per row). */
  encodeIgemm(enc: GPUCommandEncoder, m: number, n: number, kw: number, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer): void {
    this.dispatch(enc, 'igemm', igemmWgsl(this.packedDot), [this.uniform(new Uint32Array([m, n, kw, 0]).buffer), a, b, c], Math.ceil(n / 8), Math.ceil(m / 8));
  }

  /**
   * Records EGGROLL's low-rank term for `rows` rows: Y[i,:] += coef[i]·Σ_ρ (X[i,:]·Bt[p,ρ,:])·At[p,ρ,:], p = pair[i]
   * (Backend.lowRankAdd's meaning); `t` is rows×r scratch.
   */
  encodeLowRankAdd(enc: GPUCommandEncoder, rows: number, n: number, m: number, r: number, x: GPUBuffer, bt: GPUBuffer, at: GPUBuffer, pair: GPUBuffer, coef: GPUBuffer, t: GPUBuffer, y: GPUBuffer): void {
    const dims = () => this.uniform(new Uint32Array([rows, n, m, r]).buffer);
    this.dispatch(enc, 'lowrank-t', LOWRANK_T_WGSL, [dims(), x, bt, pair, coef, t], Math.ceil((rows * r) / 64));
    this.dispatch(enc, 'lowrank-add', LOWRANK_ADD_WGSL, [dims(), at, pair, coef, t, y], Math.ceil((rows * m) / 64));
  }

  /** Records the low-rank term's phase 1 alone: t[i·r + ρ] = coef[i]·(X[i,:]·Bt[pair[i]·r + ρ, :]) (rows×r). */
  encodeLowRankT(enc: GPUCommandEncoder, rows: number, n: number, m: number, r: number, x: GPUBuffer, bt: GPUBuffer, pair: GPUBuffer, coef: GPUBuffer, t: GPUBuffer): void {
    this.dispatch(enc, 'lowrank-t', LOWRANK_T_WGSL, [this.uniform(new Uint32Array([rows, n, m, r]).buffer), x, bt, pair, coef, t], Math.ceil((rows * r) / 64));
  }

  /**
   * Records a whole perturbed layer in one kernel (FUSED_LAYER_WGSL): Y(rows×m) ← act(X·Wᵀ + low-rank term + b + c·E).
   * `lowRank` (t from encodeLowRankT, the factors At) and `noise` (the bias noise E) may be null; `row` holds per row
   * (pair, bits of c_i, bits of the low-rank coefficient, 0) as u32 (rowInfo makes it).
   */
  encodeLayer(enc: GPUCommandEncoder, rows: number, m: number, n: number, r: number, x: GPUBuffer, w: GPUBuffer, lowRank: { t: GPUBuffer; at: GPUBuffer } | null,
    row: GPUBuffer, b: GPUBuffer, noise: GPUBuffer | null, act: DeviceActivation, y: GPUBuffer): void {
    const dims = new Uint32Array([rows, m, n, r, DEVICE_ACTIVATIONS.indexOf(act), lowRank ? 1 : 0, noise ? 1 : 0, 0]);
    this.dispatch(enc, 'fused-layer', FUSED_LAYER_WGSL, [this.uniform(dims.buffer), x, w, lowRank?.t ?? b, lowRank?.at ?? b, row, b, noise ?? b, y],
      Math.ceil(m / GEMM_TILE), Math.ceil(rows / GEMM_TILE));
  }

  /**
   * Records normals of pairs [pairStart, pairStart + pairs) into `out`: `len` values per pair (elements 0 .. len of the
   * stream with c1 = the pair), pair after pair — lowRankFactors' and denseNoise's layout.
   */
  encodeNormals(enc: GPUCommandEncoder, st: NormalStreams, pairStart: number, pairs: number, len: number, out: GPUBuffer): void {
    const u = new Uint32Array([st.key0, st.key1, st.c2, st.c3, pairStart, len, pairs, 0]);
    this.dispatch(enc, 'normals', NORMALS_WGSL, [this.uniform(u.buffer), out], Math.ceil(Math.ceil(len / 4) / 64), pairs);
  }

  /** Records Y ← act(Y + b + coef[i]·E[pair[i]]) on rows×m (`e` null: no bias noise; then pair/coef are not read). */
  encodeBiasAct(enc: GPUCommandEncoder, rows: number, m: number, y: GPUBuffer, b: GPUBuffer, pair: GPUBuffer, coef: GPUBuffer, e: GPUBuffer | null, act: DeviceActivation): void {
    const dims = new Uint32Array([rows, m, DEVICE_ACTIVATIONS.indexOf(act), e ? 1 : 0]);
    this.dispatch(enc, 'bias-act', BIAS_ACT_WGSL, [this.uniform(dims.buffer), y, b, pair, coef, e ?? b], Math.ceil((rows * m) / 64));
  }

  /** Records SA = diag(w repeated r times)·At over pairs·r rows of m (the update GEMM's left operand). */
  encodeScaleRows(enc: GPUCommandEncoder, pairs: number, r: number, m: number, w: GPUBuffer, at: GPUBuffer, sa: GPUBuffer): void {
    const dims = new Uint32Array([pairs * r, m, r, 0]);
    this.dispatch(enc, 'scale-rows', SCALE_ROWS_WGSL, [this.uniform(dims.buffer), w, at, sa], Math.ceil((pairs * r * m) / 64));
  }

  /** Records out = scale·Σ_p w[p]·E[p, :] for pairs×len dense noise E. */
  encodeDenseDirection(enc: GPUCommandEncoder, pairs: number, len: number, scale: number, w: GPUBuffer, e: GPUBuffer, out: GPUBuffer): void {
    const dims = new ArrayBuffer(16);
    new Uint32Array(dims, 0, 2).set([pairs, len]);
    new Float32Array(dims, 8, 1)[0] = scale;
    this.dispatch(enc, 'dense-direction', DENSE_DIRECTION_WGSL, [this.uniform(dims), w, e, out], Math.ceil(len / 64));
  }

  /** Records one optimiser step θ ← θ + lr·step(g) on `len` values (m, v: the moments; unused ones may be any buffer). */
  encodeOptimizer(enc: GPUCommandEncoder, len: number, o: DeviceOptimizerStep, theta: GPUBuffer, g: GPUBuffer, m: GPUBuffer, v: GPUBuffer): void {
    const u = new ArrayBuffer(48);
    new Uint32Array(u, 0, 2).set([len, o.kind === 'sgd' ? 0 : 1]);
    new Float32Array(u, 8, 8).set([o.lr, o.momentum, o.beta1, o.beta2, o.eps, o.weightDecay, o.c1, o.c2]);
    this.dispatch(enc, 'optimizer', OPTIM_WGSL, [this.uniform(u), theta, g, m, v], Math.ceil(len / 64));
  }

  /** Records Philox4x32-10 blocks [b0, b0 + blocks) of a stream into `out` (4 words a block). */
  encodePhilox(enc: GPUCommandEncoder, s: StreamWords, b0: number, blocks: number, out: GPUBuffer): void {
    const u = new Uint32Array([s.key0, s.key1, s.c1, s.c2, s.c3, b0, blocks, 0]);
    this.dispatch(enc, 'philox', PHILOX_WGSL, [this.uniform(u.buffer), out], Math.ceil(blocks / 64));
  }

  /** Submits `enc` and resolves when the device has finished it (a benchmark's clock stops there). */
  async run(enc: GPUCommandEncoder): Promise<void> {
    const keepAlive = setInterval(() => {}, 50);
    try {
      await this.submitChecked(enc);
      await this.device.queue.onSubmittedWorkDone();
    } finally {
      clearInterval(keepAlive);
    }
    this.settled();
  }

  /**
   * Times a recorded command, device-resident: one untimed call (pipeline compilation), then calls of `record` into
   * a fresh encoder, each submitted and waited for, until `minSeconds` and at least 3 calls; median and best seconds.
   */
  async time(record: (enc: GPUCommandEncoder) => void, minSeconds: number): Promise<{ median_s: number; best_s: number; runs: number }> {
    const once = async () => {
      const enc = this.device.createCommandEncoder();
      record(enc);
      const t = performance.now();
      await this.run(enc);
      return (performance.now() - t) / 1000;
    };
    await once();
    const times: number[] = [];
    const t0 = performance.now();
    while (times.length < 3 || (performance.now() - t0) / 1000 < minSeconds) times.push(await once());
    times.sort((x, y) => x - y);
    return { median_s: times[Math.floor(times.length / 2)], best_s: times[0], runs: times.length };
  }

  /** Submits `enc` with a copy of `src` into a readable buffer, and resolves with its bytes. */
  async readBack(enc: GPUCommandEncoder, src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const read = this.device.createBuffer({ size, usage: MAP_READ | USAGE.COPY_DST });
    enc.copyBufferToBuffer(src, 0, read, 0, size);
    // Dawn in Node completes mapAsync (and error scopes) from its own threads: a timer keeps the event loop alive meanwhile.
    const keepAlive = setInterval(() => {}, 50);
    try {
      await this.submitChecked(enc);
      await read.mapAsync(MAP_READ);
    } catch (e) {
      read.destroy();
      this.settled();
      throw e;
    } finally {
      clearInterval(keepAlive);
    }
    const out = read.getMappedRange().slice(0, bytes);
    read.unmap();
    read.destroy();
    this.settled();
    return out;
  }

  /** Host form of sgemm (the Backend's arguments): upload, one kernel, read C back into `c`. */
  async sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): Promise<void> {
    if (m === 0 || n === 0) return;
    const bufs = [this.upload(a), this.upload(b), beta === 0 ? this.storage(m * n * 4) : this.upload(c)]; // beta 0: C is never read
    const enc = this.device.createCommandEncoder();
    this.encodeSgemm(enc, transA, transB, m, n, k, alpha, bufs[0], bufs[1], beta, bufs[2]);
    c.set(new Float32Array(await this.readBack(enc, bufs[2], m * n * 4)));
    for (const x of bufs) x.destroy();
  }

  /** Host form of lowRankAdd (the Backend's arguments). */
  async lowRankAdd(rows: number, n: number, m: number, r: number, x: Float32Array, bt: Float32Array, at: Float32Array, pair: Int32Array, coef: Float32Array, y: Float32Array): Promise<void> {
    if (rows === 0 || m === 0) return;
    const pairs = Math.max(...Array.from(pair.subarray(0, rows))) + 1;
    const bufs = [this.upload(x.subarray(0, rows * n)), this.upload(bt.subarray(0, pairs * r * n)), this.upload(at.subarray(0, pairs * r * m)),
      this.upload(pair.subarray(0, rows)), this.upload(coef.subarray(0, rows)), this.storage(rows * r * 4), this.upload(y.subarray(0, rows * m))];
    const enc = this.device.createCommandEncoder();
    this.encodeLowRankAdd(enc, rows, n, m, r, bufs[0], bufs[1], bufs[2], bufs[3], bufs[4], bufs[5], bufs[6]);
    y.set(new Float32Array(await this.readBack(enc, bufs[6], rows * m * 4)));
    for (const b of bufs) b.destroy();
  }

  /** Host form of the exact int8 GEMM: C(m×n, int32) ← A(m×k) · B(n×k)ᵀ. */
  async igemm(m: number, n: number, k: number, a: Int8Array, b: Int8Array, c: Int32Array): Promise<void> {
    if (m === 0 || n === 0) return;
    const kw = Math.max(1, Math.ceil(k / 4));
    const pack = (src: Int8Array, rows: number) => {
      const out = new Int8Array(rows * kw * 4);
      for (let r = 0; r < rows; r++) out.set(src.subarray(r * k, (r + 1) * k), r * kw * 4);
      return out;
    };
    const bufs = [this.upload(pack(a, m)), this.upload(pack(b, n)), this.storage(m * n * 4)];
    const enc = this.device.createCommandEncoder();
    this.encodeIgemm(enc, m, n, kw, bufs[0], bufs[1], bufs[2]);
    c.set(new Int32Array(await this.readBack(enc, bufs[2], m * n * 4)));
    for (const x of bufs) x.destroy();
  }

  /** Host form of encodeNormals: pairs×len normals read back. */
  async normals(st: NormalStreams, pairStart: number, pairs: number, len: number): Promise<Float32Array> {
    const buf = this.storage(pairs * len * 4);
    const enc = this.device.createCommandEncoder();
    this.encodeNormals(enc, st, pairStart, pairs, len, buf);
    const out = new Float32Array(await this.readBack(enc, buf, pairs * len * 4));
    buf.destroy();
    return out;
  }

  /** Host form of the device Philox: words of blocks [b0, b0 + blocks) into `out` (4·blocks words). */
  async philoxWords(s: StreamWords, b0: number, blocks: number, out: Uint32Array): Promise<void> {
    const buf = this.storage(blocks * 16);
    const enc = this.device.createCommandEncoder();
    this.encodePhilox(enc, s, b0, blocks, buf);
    out.set(new Uint32Array(await this.readBack(enc, buf, blocks * 16)));
    buf.destroy();
  }
}

