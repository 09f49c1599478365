/// <reference types="@webgpu/types" />
/**
 * The reasoning LM's forward on the device (issue 30), for EGGROLL's sampling: RecurrentLm's step (model.ts) recorded
 * into one command buffer per token — embedding, per block the RMS norm, the gate layer, the minGRU update, the RMS
 * norm and the MLP, then the final norm and the head — with every matrix through DeviceEggroll's fused layer (the
 * shared GEMM, the member's low-rank term and the epilogue), so the parameters, the generation's noise and every
 * member's recurrent state stay on the device; per token the rows' input tokens go up and their logits come back
 * (the host draws the next tokens: sample.ts, sampleBatchAsync). Float32 on the device: the logits agree with the
 * CPU model's within float32 rounding (the CPU's norms accumulate in double), so a sampled token can differ where
 * two are nearly tied.
 */
import { LINEAR_INDEX_FN, workgroupGrid, type GpuKernels } from '../backend/index.js';
import type { DeviceEggroll, DeviceLayer } from '../es/device-eggroll.js';
import type { ParamSet } from '../nn/params.js';
import { RMS_EPS, type LmConfig } from './model.js';

/** x[i, :] = emb[tok[i], :]. */
const EMBED_WGSL = /* wgsl */ `
struct U { rows: u32, d: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> tok: array<u32>;
@group(0) @binding(2) var<storage, read> emb: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;
${LINEAR_INDEX_FN}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let q = lin(wid, lid);
  if (q >= u.rows * u.d) { return; }
  x[q] = emb[tok[q / u.d] * u.d + q % u.d];
}
`;

/** out = x·g/√(mean(x²) + ε) per row (one invocation a row; model.ts rmsNormRows). */
const RMSNORM_WGSL = /* wgsl */ `
struct U { rows: u32, d: u32, eps: f32, pad: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${LINEAR_INDEX_FN}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = lin(wid, lid);
  if (i >= u.rows) { return; }
  var ss = 0.0;
  for (var j = 0u; j < u.d; j++) { let v = x[i * u.d + j]; ss = ss + v * v; }
  let inv = 1.0 / sqrt(ss / f32(u.d) + u.eps);
  for (var j = 0u; j < u.d; j++) { out[i * u.d + j] = x[i * u.d + j] * inv * g[j]; }
}
`;

/** The minGRU update and the residual: z = σ(z̃), h ← h + z⊙(h̃ − h), x ← x + h ([z̃ | h̃] = zh, rows × 2D). */
const GATE_WGSL = /* wgsl */ `
struct U { rows: u32, d: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> zh: array<f32>;
@group(0) @binding(2) var<storage, read_write> h: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;
${LINEAR_INDEX_FN}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let q = lin(wid, lid);
  if (q >= u.rows * u.d) { return; }
  let i = q / u.d;
  let j = q % u.d;
  let z = 1.0 / (1.0 + exp(-zh[i * 2u * u.d + j]));
  let hv = h[q] + z * (zh[i * 2u * u.d + u.d + j] - h[q]);
  h[q] = hv;
  x[q] = x[q] + hv;
}
`;

/** x ← x + y. */
const ADD_WGSL = /* wgsl */ `
struct U { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;
${LINEAR_INDEX_FN}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let q = lin(wid, lid);
  if (q >= u.n) { return; }
  x[q] = x[q] + y[q];
}
`;

/** The LM's layers in the order DeviceEggroll keeps them: per block the gate, MLP in and MLP out, then the head. */
export function lmDeviceLayers(cfg: LmConfig, params: ParamSet): DeviceLayer[] {
  const id = (name: string) => params.index(name);
  const layers: DeviceLayer[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    layers.push({ w: id(`b${l}.gru.w`), b: id(`b${l}.gru.b`), act: 'identity' }, { w: id(`b${l}.mlp.w1`), b: id(`b${l}.mlp.b1`), act: 'relu' }, { w: id(`b${l}.mlp.w2`), b: id(`b${l}.mlp.b2`), act: 'identity' });
  }
  layers.push({ w: id('head.w'), b: id('head.b'), act: 'identity' });
  return layers;
}

export class DeviceLm {
  private readonly gpu: GpuKernels;
  private readonly x: GPUBuffer;
  private readonly n: GPUBuffer;
  private readonly zh: GPUBuffer;
  private readonly u: GPUBuffer;
  private readonly y: GPUBuffer;
  private readonly logits: GPUBuffer;
  private readonly tok: GPUBuffer;
  private readonly h: GPUBuffer[];

  /** `dev` must be DeviceEggroll.forLayers(gpu, lmDeviceLayers(cfg, params), params, …). */
  constructor(readonly dev: DeviceEggroll, readonly cfg: LmConfig, readonly params: ParamSet, readonly rows: number) {
    this.gpu = dev.gpu;
    const { dim: D, hidden: F, vocab: V } = cfg;
    const g = this.gpu;
    this.x = g.storage(rows * D * 4); this.n = g.storage(rows * D * 4); this.zh = g.storage(rows * 2 * D * 4);
    this.u = g.storage(rows * F * 4); this.y = g.storage(rows * D * 4); this.logits = g.storage(rows * V * 4); this.tok = g.storage(rows * 4);
    this.h = Array.from({ length: cfg.layers }, () => g.storage(rows * D * 4));
  }

  /** Zeroes every row's recurrent state (a new sequence starts). */
  reset(): void {
    const enc = this.gpu.device.createCommandEncoder();
    for (const h of this.h) enc.clearBuffer(h);
    this.gpu.device.queue.submit([enc.finish()]);
  }

  /**
   * One token for every row (row i perturbed as member `members[i]`, −1 unperturbed); resolves with the rows' next-token
   * logits (rows × V).
   */
  async step(tokens: Int32Array, members: Int32Array): Promise<Float32Array> {
    const { gpu: g, dev, cfg, rows } = this;
    const { dim: D, vocab: V } = cfg;
    for (const t of tokens) if (!(t >= 0 && t < V)) throw new RangeError(`token ${t} is outside the vocabulary [0, ${V})`);
    g.write(this.tok, Uint32Array.from(tokens));
    const enc = g.device.createCommandEncoder();
    const at = dev.beginRows(enc, rows, members);
    const e = (name: string, code: string, words: number[], bufs: GPUBuffer[], n: number) => {
      const uni = new ArrayBuffer(16);
      new Uint32Array(uni).set(words.map((v) => v >>> 0));
      g.encode(enc, name, code, uni, bufs, ...workgroupGrid(n));
    };
    const norm = (pid: number, x: GPUBuffer, out: GPUBuffer) => {
      const uni = new ArrayBuffer(16);
      new Uint32Array(uni, 0, 2).set([rows, D]);
      new Float32Array(uni, 8, 1)[0] = RMS_EPS;
      g.encode(enc, 'lm-rmsnorm', RMSNORM_WGSL, uni, [x, dev.tensor(pid), out], ...workgroupGrid(rows));
    };
    const p = this.params;
    e('lm-embed', EMBED_WGSL, [rows, D], [this.tok, dev.tensor(p.index('emb')), this.x], rows * D);
    for (let l = 0; l < cfg.layers; l++) {
      norm(p.index(`b${l}.norm1`), this.x, this.n);
      dev.recordLayer(enc, at, 3 * l, this.n, this.zh);
      e('lm-gate', GATE_WGSL, [rows, D], [this.zh, this.h[l], this.x], rows * D);
      norm(p.index(`b${l}.norm2`), this.x, this.n);
      dev.recordLayer(enc, at, 3 * l + 1, this.n, this.u);
      dev.recordLayer(enc, at, 3 * l + 2, this.u, this.y);
      e('lm-add', ADD_WGSL, [rows * D], [this.y, this.x], rows * D);
    }
    norm(p.index('norm'), this.x, this.n);
    dev.recordLayer(enc, at, 3 * cfg.layers, this.n, this.logits);
    return new Float32Array(await g.readBack(enc, this.logits, rows * V * 4));
  }

  destroy(): void {
    for (const b of [this.x, this.n, this.zh, this.u, this.y, this.logits, this.tok, ...this.h]) b.destroy();
  }
}
