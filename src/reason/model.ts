/**
 * The reasoning language model: a character-level recurrent LM of minGRU blocks (Feng et al. 2024,
 * "Were RNNs all we needed?"), float32, run one token at a time for a whole population batch.
 *
 *   x = emb[token]
 *   per block:  n = rms(x)·g1;  [z̃ | h̃] = n·Wgᵀ + bg;  z = σ(z̃);  h ← h + z⊙(h̃ − h);  x = x + h
 *               n = rms(x)·g2;  x = x + relu(n·W1ᵀ + b1)·W2ᵀ + b2
 *   logits = rms(x)·gf·Whᵀ + bh,   rms(v) = v / √(mean(v²) + 1e-5)
 *
 * The gates depend only on the input, never on h, so the same model also runs over a whole sequence at
 * once with one matmul per layer (tf-model.ts, for backprop): that is what lets the tfjs twin be fast.
 * Every matrix goes through `Batch.layer` (the shared GEMM plus each row's EGGROLL low-rank term), so
 * the engine's strategies perturb it without the model knowing. Matrices are 'lowrank'; the embedding,
 * norm gains and biases are 'frozen' under evolution (HyperscaleES's freeze_nonlora, the LLM default).
 * A parameter set that also holds LoRA adapters of a matrix (tune.ts: `<w>.lora.v`, R × in, and `<w>.lora.u`,
 * out × R) adds (x·Vᵀ)·Uᵀ to that layer before its activation: two more layers through `Batch.matmul`, so the
 * adapters are perturbed like any matrix.
 */
import type { Backend } from '../backend/types.js';
import type { Batch } from '../nn/batch.js';
import type { ParamSet, ParamSpec } from '../nn/params.js';
import { initNormal } from '../nn/init.js';
import { VOCAB_SIZE } from './vocab.js';
import { exp } from '../math/index.js';

export interface LmConfig {
  /** Model width D. */
  dim: number;
  /** MLP width F. */
  hidden: number;
  layers: number;
  vocab: number;
}

export const LM_DEFAULTS: LmConfig = { dim: 128, hidden: 256, layers: 2, vocab: VOCAB_SIZE };

export const RMS_EPS = 1e-5;

/** The names of matrix `w`'s LoRA adapters (tune.ts): U (out × R, starts at zero) and V (R × in, random). */
export const loraNames = (w: string) => ({ up: `${w}.lora.u`, down: `${w}.lora.v` });

export function lmSpecs(c: LmConfig): ParamSpec[] {
  const { dim: D, hidden: F, vocab: V } = c;
  const specs: ParamSpec[] = [{ name: 'emb', shape: [V, D], mode: 'frozen' }];
  for (let l = 0; l < c.layers; l++) {
    specs.push(
      { name: `b${l}.norm1`, shape: [D], mode: 'frozen' },
      { name: `b${l}.gru.w`, shape: [2 * D, D], mode: 'lowrank' },
      { name: `b${l}.gru.b`, shape: [2 * D], mode: 'frozen' },
      { name: `b${l}.norm2`, shape: [D], mode: 'frozen' },
      { name: `b${l}.mlp.w1`, shape: [F, D], mode: 'lowrank' },
      { name: `b${l}.mlp.b1`, shape: [F], mode: 'frozen' },
      { name: `b${l}.mlp.w2`, shape: [D, F], mode: 'lowrank' },
      { name: `b${l}.mlp.b2`, shape: [D], mode: 'frozen' },
    );
  }
  specs.push({ name: 'norm', shape: [D], mode: 'frozen' }, { name: 'head.w', shape: [V, D], mode: 'lowrank' }, { name: 'head.b', shape: [V], mode: 'frozen' });
  return specs;
}

/** Initial values (before pretraining): N(0, 1/fan_in) matrices, N(0, 1) embedding, unit gains, zero biases; a pure function of the seed. */
export function initLm(params: ParamSet, seed: number): void {
  params.specs.forEach((s, pid) => {
    const v = params.values[pid];
    if (s.name === 'emb') initNormal(seed, pid, v, 1);
    else if (s.shape.length === 2) initNormal(seed, pid, v, 1 / Math.sqrt(s.shape[1]) * (s.name.endsWith('w2') ? 0.5 : 1));
    else if (/norm/.test(s.name)) v.fill(1);
    else v.fill(0);
  });
}

/** x·g/√(mean(x²)+ε) for each row of a rows×D block (the reference; double accumulation, float32 result). */
export function rmsNormRows(x: Float32Array, out: Float32Array, rows: number, D: number, gainFor: (row: number) => Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let ss = 0;
    for (let j = 0; j < D; j++) ss += x[o + j] * x[o + j];
    const inv = 1 / Math.sqrt(ss / D + RMS_EPS);
    const g = gainFor(r);
    for (let j = 0; j < D; j++) out[o + j] = x[o + j] * inv * g[j];
  }
}

/**
 * The model's forward pass one token at a time over `maxRows` rows, each with its own recurrent state.
 * Buffers are allocated once; `step` allocates nothing.
 */
export class RecurrentLm {
  readonly pid: { emb: number; norm1: number[]; gruW: number[]; gruB: number[]; norm2: number[]; w1: number[]; b1: number[]; w2: number[]; b2: number[]; norm: number; headW: number; headB: number };
  /** Per layer, rows×D hidden state. */
  private readonly h: Float32Array[];
  private readonly x: Float32Array;
  private readonly n: Float32Array;
  private readonly zh: Float32Array;
  private readonly u: Float32Array;
  private readonly y: Float32Array;
  private readonly gain: Float32Array;
  /** Per matrix pid, its adapters' pids (a lora run), else absent. */
  private readonly adapters = new Map<number, { up: number; down: number; rank: number }>();
  /** rows×R (the input through V) and rows×max(out) (its image through U) of an adapted layer. */
  private readonly loraT: Float32Array;
  private readonly loraY: Float32Array;

  constructor(readonly cfg: LmConfig, readonly params: ParamSet, backend: Backend, readonly maxRows: number) {
    const { dim: D, hidden: F, layers: L } = cfg;
    const ids = (suffix: string) => Array.from({ length: L }, (_, l) => params.index(`b${l}.${suffix}`));
    this.pid = {
      emb: params.index('emb'), norm1: ids('norm1'), gruW: ids('gru.w'), gruB: ids('gru.b'), norm2: ids('norm2'),
      w1: ids('mlp.w1'), b1: ids('mlp.b1'), w2: ids('mlp.w2'), b2: ids('mlp.b2'), norm: params.index('norm'), headW: params.index('head.w'), headB: params.index('head.b'),
    };
    this.h = Array.from({ length: L }, () => new Float32Array(maxRows * D));
    this.x = backend.allocF32(maxRows * D);
    this.n = backend.allocF32(maxRows * D);
    this.zh = backend.allocF32(maxRows * 2 * D);
    this.u = backend.allocF32(maxRows * F);
    this.y = backend.allocF32(maxRows * D);
    this.gain = new Float32Array(D);
    let rank = 0;
    params.specs.forEach((spec, pid) => {
      const names = loraNames(spec.name);
      if (spec.shape.length !== 2 || !params.has(names.up)) return;
      const up = params.index(names.up), down = params.index(names.down);
      rank = Math.max(rank, params.specs[down].shape[0]);
      this.adapters.set(pid, { up, down, rank: params.specs[down].shape[0] });
    });
    this.loraT = backend.allocF32(rank > 0 ? maxRows * rank : 0);
    this.loraY = backend.allocF32(rank > 0 ? maxRows * Math.max(2 * D, F, cfg.vocab) : 0);
  }

  /** y = act(x·Wᵀ + b [+ (x·Vᵀ)·Uᵀ where the set holds adapters of W]) for the batch's rows. */
  private layer(batch: Batch, pidW: number, pidB: number, x: Float32Array, y: Float32Array, act: 'identity' | 'relu'): void {
    const a = this.adapters.get(pidW);
    if (!a) { batch.layer(pidW, pidB, x, y, act); return; }
    const rows = batch.count, out = this.params.specs[pidW].shape[0];
    batch.layer(pidW, pidB, x, y, 'identity');
    const t = this.loraT.subarray(0, rows * a.rank), z = this.loraY.subarray(0, rows * out);
    batch.matmul(a.down, x, t);
    batch.matmul(a.up, t, z);
    if (act === 'relu') for (let i = 0; i < rows * out; i++) { const v = y[i] + z[i]; y[i] = v > 0 ? v : 0; }
    else for (let i = 0; i < rows * out; i++) y[i] += z[i];
  }

  /** Zeroes every row's recurrent state (a new sequence starts). */
  reset(): void {
    for (const h of this.h) h.fill(0);
  }

  private norm(batch: Batch, pid: number, x: Float32Array, out: Float32Array): void {
    rmsNormRows(x, out, batch.count, this.cfg.dim, (r) => batch.vectorFor(pid, r, this.gain));
  }

  /**
   * Feeds one token per row (tokens[r] for row r of `batch`) and writes the next-token logits
   * (rows×vocab) into `logits`. Row r of the batch keeps state slot r.
   */
  step(batch: Batch, tokens: ArrayLike<number>, logits: Float32Array): void {
    const rows = batch.count;
    if (rows > this.maxRows) throw new RangeError(`model built for ${this.maxRows} rows, got ${rows}`);
    const { dim: D, hidden: F } = this.cfg;
    const emb = this.params.values[this.pid.emb];
    const x = this.x, n = this.n, zh = this.zh, u = this.u, y = this.y;
    for (let r = 0; r < rows; r++) {
      const t = tokens[r];
      if (!(t >= 0 && t < this.cfg.vocab)) throw new RangeError(`token ${t} is outside the vocabulary [0, ${this.cfg.vocab})`);
      x.set(emb.subarray(t * D, t * D + D), r * D);
    }
    for (let l = 0; l < this.cfg.layers; l++) {
      this.norm(batch, this.pid.norm1[l], x, n);
      this.layer(batch, this.pid.gruW[l], this.pid.gruB[l], n.subarray(0, rows * D), zh.subarray(0, rows * 2 * D), 'identity');
      const h = this.h[l];
      for (let r = 0; r < rows; r++) {
        const o = r * D, q = r * 2 * D;
        for (let j = 0; j < D; j++) {
          const z = 1 / (1 + exp(-zh[q + j]));
          const hv = h[o + j] + z * (zh[q + D + j] - h[o + j]);
          h[o + j] = hv;
          x[o + j] += hv;
        }
      }
      this.norm(batch, this.pid.norm2[l], x, n);
      this.layer(batch, this.pid.w1[l], this.pid.b1[l], n.subarray(0, rows * D), u.subarray(0, rows * F), 'relu');
      this.layer(batch, this.pid.w2[l], this.pid.b2[l], u.subarray(0, rows * F), y.subarray(0, rows * D), 'identity');
      for (let i = 0; i < rows * D; i++) x[i] += y[i];
    }
    this.norm(batch, this.pid.norm, x, n);
    this.layer(batch, this.pid.headW, this.pid.headB, n.subarray(0, rows * D), logits.subarray(0, rows * this.cfg.vocab), 'identity');
  }
}
