/**
 * Noisers: the only place where a model's matmuls meet the evolution strategy. A model's layers call
 * `noiser.matmul(paramId, x, y, rows)` and `noiser.addBias(...)` for a whole population batch (one row
 * per member-input); the noiser decides what perturbation each row sees. Plain inference, EGGROLL and
 * OpenES are three noisers over the same model code (the shape HyperscaleES uses).
 */
import type { Backend, PackedB } from '../backend/types.js';
import { negZeroBias, type Activation } from '../backend/index.js';
import type { ParamSet } from '../nn/params.js';
import { sizeOf } from '../nn/params.js';
import { denseNoise, lowRankFactors } from './noise.js';
import type { TensorNoise } from './strategies/plugin.js';

/**
 * Which member each row of a population batch belongs to, resolved to the noise it needs: `pair[i]` is
 * the pair's index local to the noiser's pair range, `sign[i]` is +1/−1 (antithetic), or 0 for a row
 * that must see the unperturbed parameters.
 */
export interface RowMap {
  count: number;
  pair: Int32Array;
  sign: Float32Array;
  /** Rows grouped by local pair (counting sort): rows of pair p are order[start[p] .. start[p+1]). */
  start: Int32Array;
  order: Int32Array;
  /** Scratch for the counting sort, kept with the map so rebuilding it each step allocates nothing. */
  cursor: Int32Array;
}

export interface Noiser {
  readonly params: ParamSet;
  readonly backend: Backend;
  /** Y(rows×m) ← X(rows×n)·Wᵀ for W = params[pid] (m×n), each row with its member's perturbation. */
  matmul(pid: number, x: Float32Array, y: Float32Array, rows: RowMap): void;
  /** Y[i,:] += b for b = params[pid] (length m), each row with its member's perturbation. */
  addBias(pid: number, y: Float32Array, rows: RowMap): void;
  /** Y[i,:] ← act(Y[i,:] + b) for b = params[pid], each row with its member's perturbation (Backend.biasAct). */
  biasAct(pid: number, y: Float32Array, act: Activation, rows: RowMap): void;
  /** matmul(pidW, x, y, rows) then biasAct(pidB, y, act, rows), bit for bit; one backend call where it can. */
  layer(pidW: number, pidB: number, x: Float32Array, y: Float32Array, act: Activation, rows: RowMap): void;
  /** The parameter vector as row i should see it (for element-wise parameters such as norm gains). */
  vectorFor(pid: number, row: number, rows: RowMap, out: Float32Array): Float32Array;
}

export interface MemberLayout {
  /** Antithetic pairs: members 2k and 2k+1 share noise with opposite signs. */
  antithetic: boolean;
  /** First pair this noiser holds noise for (global index). */
  pairStart: number;
  pairCount: number;
}

export const pairOf = (member: number, antithetic: boolean) => (antithetic ? member >> 1 : member);
export const signOf = (member: number, antithetic: boolean) => (antithetic && (member & 1) === 1 ? -1 : 1);

/** Builds a RowMap for rows whose members are members[0..count); a member of −1 means "unperturbed". */
export function makeRowMap(members: Int32Array, count: number, layout: MemberLayout, out?: RowMap): RowMap {
  const cap = Math.max(count, 1);
  const rm: RowMap = out && out.pair.length >= count && out.start.length >= layout.pairCount + 1
    ? out
    : { count, pair: new Int32Array(cap), sign: new Float32Array(cap), start: new Int32Array(layout.pairCount + 1), order: new Int32Array(cap), cursor: new Int32Array(layout.pairCount + 1) };
  rm.count = count;
  rm.start.fill(0);
  for (let i = 0; i < count; i++) {
    const mem = members[i];
    if (mem < 0) { rm.pair[i] = 0; rm.sign[i] = 0; continue; }
    const p = pairOf(mem, layout.antithetic) - layout.pairStart;
    if (p < 0 || p >= layout.pairCount) throw new RangeError(`member ${mem} is outside this noiser's pairs [${layout.pairStart}, ${layout.pairStart + layout.pairCount})`);
    rm.pair[i] = p;
    rm.sign[i] = signOf(mem, layout.antithetic);
    rm.start[p + 1]++;
  }
  for (let p = 0; p < layout.pairCount; p++) rm.start[p + 1] += rm.start[p];
  const fill = rm.cursor;
  fill.set(rm.start.subarray(0, layout.pairCount));
  for (let i = 0; i < count; i++) if (rm.sign[i] !== 0) rm.order[fill[rm.pair[i]]++] = i;
  return rm;
}


/**
 * Unperturbed evaluation: Y = X Wᵀ (+ b). It never packs W (Backend.packedB): an inference handle may live
 * across updates of the parameters, so it reads W at every call.
 */
export class InferenceNoiser implements Noiser {
  constructor(readonly params: ParamSet, readonly backend: Backend) {}

  matmul(pid: number, x: Float32Array, y: Float32Array, rows: RowMap): void {
    const [m, n] = this.params.specs[pid].shape;
    this.backend.sgemm(false, true, rows.count, m, n, 1, x, this.params.values[pid], 0, y);
  }

  addBias(pid: number, y: Float32Array, rows: RowMap): void {
    const b = this.params.values[pid];
    const m = b.length;
    for (let i = 0; i < rows.count; i++) for (let j = 0; j < m; j++) y[i * m + j] += b[j];
  }

  biasAct(pid: number, y: Float32Array, act: Activation, rows: RowMap): void {
    const b = this.params.values[pid];
    this.backend.biasAct(act, rows.count, b.length, y, b, null, null, null);
  }

  layer(pidW: number, pidB: number, x: Float32Array, y: Float32Array, act: Activation, rows: RowMap): void {
    this.matmul(pidW, x, y, rows);
    this.biasAct(pidB, y, act, rows);
  }

  vectorFor(pid: number): Float32Array {
    return this.params.values[pid];
  }
}

/** Dense-noise caches up to this size live in the backend's kernel memory. */
const KERNEL_CACHE_BYTES = 256 * 2 ** 20;

export interface PerturbedNoiserOptions extends MemberLayout {
  seed: number;
  epoch: number;
  sigma: number;
  rank: number;
  /** How each evolved tensor is perturbed, by its evolve mode: the strategy plug-in's choice (strategies/plugin.ts). */
  noiseFor: (mode: 'lowrank' | 'full') => TensorNoise;
  /**
   * Dense noise is materialised once per generation while it fits in this many bytes; beyond that it is
   * regenerated in every call (slower, bounded memory).
   */
  denseCacheBytes: number;
  /**
   * Per tensor, dense noise given instead of drawn (pairCount × size values): a flat strategy's candidate offsets
   * from the parameters (es/flat-evolution.ts), with σ = 1 and no antithetic pairs.
   */
  explicit?: readonly (Float32Array | undefined)[];
}

/**
 * The population noiser for one generation and one range of pairs: each evolved tensor perturbed as the strategy
 * says (noiseFor): EGGROLL's low-rank A·Bᵀ/√r, or dense Gaussian noise.
 * Factors are generated once, when the noiser is made, and reused by every forward call of the
 * generation and by the update.
 */
export class PerturbedNoiser implements Noiser {
  /** Per parameter: low-rank factors ((pairs·r)×m and (pairs·r)×n), or undefined. */
  readonly at: (Float32Array | undefined)[];
  readonly bt: (Float32Array | undefined)[];
  /** Per parameter: dense noise for every pair (pairs × size), when cached. */
  readonly dense: (Float32Array | undefined)[];
  private coef: Float32Array = new Float32Array(0);
  private biasCoef: Float32Array = new Float32Array(0);
  private scratchX: Float32Array = new Float32Array(0);
  private scratchY: Float32Array = new Float32Array(0);
  private scratchE: Float32Array = new Float32Array(0);
  /**
   * Per parameter: W packed for the backend's GEMM (Backend.packedB), made at the first matmul. A snapshot
   * of W, which is fixed for the noiser's life: the strategy releases a generation's noisers at tell(),
   * before anything reads the updated W, so a pack of an old W can never be used.
   */
  private readonly packs: (PackedB | undefined)[] = [];
  /** Arrays taken from the backend's allocator, handed back by dispose(). */
  private readonly owned: Float32Array[] = [];
  private disposed = false;

  /** An array from the backend's kernel memory, remembered so dispose() can return it. */
  private alloc(length: number): Float32Array {
    const a = this.backend.allocF32(length);
    this.owned.push(a);
    return a;
  }

  /** `old` if it holds `length` values, else a new kernel array (the old one goes back to the backend at once). */
  private grow(old: Float32Array, length: number): Float32Array {
    if (old.length >= length) return old;
    const at = this.owned.indexOf(old);
    if (at >= 0) { this.owned.splice(at, 1); this.backend.free?.(old); }
    return this.alloc(length);
  }

  /**
   * Returns this generation's buffers to the backend. Kernel memory (wasm) is not garbage-collected, so
   * a noiser must be disposed when its generation is over; EvolutionStrategy does this for its own.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.packs) if (p) this.backend.packedB!.free(p);
    this.packs.length = 0;
    if (this.backend.free) for (const a of this.owned) this.backend.free(a);
    this.owned.length = 0;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  constructor(readonly params: ParamSet, readonly backend: Backend, readonly opts: PerturbedNoiserOptions) {
    const { pairStart, pairCount, seed, epoch, rank } = opts;
    this.at = []; this.bt = []; this.dense = [];
    let denseBytes = 0;
    params.specs.forEach((s, pid) => {
      if (this.isLowRank(pid)) {
        const [m, n] = s.shape;
        const r = this.rankOf(pid);
        const at = this.alloc(pairCount * r * m);
        const bt = this.alloc(pairCount * r * n);
        lowRankFactors(seed, pid, epoch, pairStart, pairCount, m, n, r, at, bt);
        this.at[pid] = at; this.bt[pid] = bt;
      } else if (this.isDense(pid) && opts.explicit) {
        const e = opts.explicit[pid];
        if (!e || e.length !== pairCount * sizeOf(s.shape)) throw new RangeError(`explicit noise for '${s.name}' must hold ${pairCount}×${sizeOf(s.shape)} values`);
        this.dense[pid] = e;
      } else if (this.isDense(pid)) {
        const size = sizeOf(s.shape);
        denseBytes += pairCount * size * 4;
        if (denseBytes <= opts.denseCacheBytes) {
          // In kernel memory when it is modest (the wasm backend then reads it without copying), else plain.
          const e = pairCount * size * 4 <= KERNEL_CACHE_BYTES ? this.alloc(pairCount * size) : new Float32Array(pairCount * size);
          for (let k = 0; k < pairCount; k++) denseNoise(seed, pid, epoch, pairStart + k, e, k * size, size);
          this.dense[pid] = e;
        }
      }
    });
  }

  /**
   * The rank used for one matrix: min(r, m, n). A rank-r perturbation of a matrix with fewer than r
   * rows or columns is still of rank min(m, n), so a narrow layer (an output head with 2 actions) just
   * uses its full rank rather than making the whole model's rank invalid.
   */
  rankOf(pid: number): number {
    const [m, n] = this.params.specs[pid].shape;
    return Math.min(this.opts.rank, m, n);
  }

  isLowRank(pid: number): boolean {
    const mode = this.params.specs[pid].mode;
    return mode !== 'frozen' && this.opts.noiseFor(mode) === 'lowrank';
  }

  isDense(pid: number): boolean {
    const mode = this.params.specs[pid].mode;
    return mode !== 'frozen' && this.opts.noiseFor(mode) === 'dense';
  }

  /** Dense noise of one local pair: the cached slice, or regenerated into scratch. */
  denseFor(pid: number, localPair: number): Float32Array {
    const size = sizeOf(this.params.specs[pid].shape);
    const cached = this.dense[pid];
    if (cached) return cached.subarray(localPair * size, (localPair + 1) * size);
    this.scratchE = this.grow(this.scratchE, size);
    denseNoise(this.opts.seed, pid, this.opts.epoch, this.opts.pairStart + localPair, this.scratchE, 0, size);
    return this.scratchE.subarray(0, size);
  }

  matmul(pid: number, x: Float32Array, y: Float32Array, rows: RowMap): void {
    const [m, n] = this.params.specs[pid].shape;
    const W = this.params.values[pid];
    // The shared GEMM: one call for the whole population, on W packed once per generation when the backend
    // can (an RL rollout calls this every environment step with a few rows; the bits are sgemm's).
    const packed = this.backend.packedB;
    if (packed && !this.disposed) {
      const p = this.packs[pid] ??= packed.pack(true, m, n, W);
      packed.sgemm(false, rows.count, 1, x, p, 0, y);
    } else {
      this.backend.sgemm(false, true, rows.count, m, n, 1, x, W, 0, y);
    }
    if (this.isLowRank(pid)) {
      this.backend.lowRankAdd(rows.count, n, m, this.rankOf(pid), x, this.bt[pid]!, this.at[pid]!, rows.pair, this.lowRankCoef(pid, rows), y);
    } else if (this.isDense(pid)) {
      this.denseMatmulAdd(pid, m, n, x, y, rows);
    }
  }

  /** Naive-ES term: for each pair, Y_rows += σ·s·X_rows·E_pᵀ with the pair's full m×n noise matrix. */
  private denseMatmulAdd(pid: number, m: number, n: number, x: Float32Array, y: Float32Array, rows: RowMap): void {
    const sigma = this.opts.sigma;
    for (let p = 0; p < this.opts.pairCount; p++) {
      const lo = rows.start[p], hi = rows.start[p + 1];
      const k = hi - lo;
      if (k === 0) continue;
      if (this.scratchX.length < k * n) this.scratchX = this.grow(this.scratchX, Math.max(k * n, 2 * n));
      if (this.scratchY.length < k * m) this.scratchY = this.grow(this.scratchY, Math.max(k * m, 2 * m));
      for (let t = 0; t < k; t++) this.scratchX.set(x.subarray(rows.order[lo + t] * n, rows.order[lo + t] * n + n), t * n);
      const E = this.denseFor(pid, p);
      this.backend.sgemm(false, true, k, m, n, 1, this.scratchX, E, 0, this.scratchY);
      for (let t = 0; t < k; t++) {
        const i = rows.order[lo + t];
        const s = sigma * rows.sign[i];
        for (let j = 0; j < m; j++) y[i * m + j] += s * this.scratchY[t * m + j];
      }
    }
  }

  addBias(pid: number, y: Float32Array, rows: RowMap): void {
    const b = this.params.values[pid];
    const m = b.length;
    const dense = this.isDense(pid);
    for (let i = 0; i < rows.count; i++) {
      const yi = i * m;
      if (!dense || rows.sign[i] === 0) {
        for (let j = 0; j < m; j++) y[yi + j] += b[j];
      } else {
        // Cached noise is read in place (no subarray per row); otherwise regenerated into scratch.
        const cached = this.dense[pid];
        const e = cached ?? this.denseFor(pid, rows.pair[i]);
        const eo = cached ? rows.pair[i] * m : 0;
        const s = this.opts.sigma * rows.sign[i];
        for (let j = 0; j < m; j++) y[yi + j] += b[j] + s * e[eo + j];
      }
    }
  }

  /**
   * Bias, its dense noise and the activation in one backend pass. Each perturbed row adds
   * b + (σ·sign)·ε_pair (float32, mul then add); unperturbed rows add b. When the generation's dense noise
   * is not cached (beyond denseCacheBytes), the noisy bias rows are added here first, in the same float32
   * operations, and the backend then adds −0 (the identity of addition) before the activation.
   */
  biasAct(pid: number, y: Float32Array, act: Activation, rows: RowMap): void {
    const b = this.params.values[pid];
    const m = b.length;
    if (!this.isDense(pid)) {
      this.backend.biasAct(act, rows.count, m, y, b, null, null, null);
      return;
    }
    const cached = this.dense[pid];
    this.denseBiasCoef(rows);
    if (cached) {
      this.backend.biasAct(act, rows.count, m, y, b, rows.pair, cached, this.biasCoef);
      return;
    }
    const f = Math.fround;
    for (let i = 0; i < rows.count; i++) {
      const cf = this.biasCoef[i];
      const e = cf !== 0 ? this.denseFor(pid, rows.pair[i]) : undefined;
      for (let j = 0; j < m; j++) y[i * m + j] = f(y[i * m + j] + (e ? f(b[j] + f(cf * e[j])) : b[j]));
    }
    this.backend.biasAct(act, rows.count, m, y, negZeroBias(m), null, null, null);
  }

  /** Per row: sign·σ/√r, the low-rank term's coefficient (in kernel memory, so wasm reads it without a copy). */
  private lowRankCoef(pid: number, rows: RowMap): Float32Array {
    this.coef = this.grow(this.coef, rows.count);
    const c = this.opts.sigma / Math.sqrt(this.rankOf(pid));
    for (let i = 0; i < rows.count; i++) this.coef[i] = rows.sign[i] * c;
    return this.coef;
  }

  /** Per row: sign·σ (float32), the dense bias noise's coefficient. */
  private denseBiasCoef(rows: RowMap): Float32Array {
    this.biasCoef = this.grow(this.biasCoef, rows.count);
    const s = Math.fround(this.opts.sigma);
    for (let i = 0; i < rows.count; i++) this.biasCoef[i] = rows.sign[i] * s;
    return this.biasCoef;
  }

  /**
   * matmul then biasAct. With Backend.layer (native) one call does the shared GEMM on the packed W, the
   * low-rank term and the epilogue, when the layer is what that call covers: a low-rank (or frozen) W and
   * a bias that is frozen or has cached dense noise. Anything else (OpenES's dense matrices, uncached bias
   * noise) takes the two separate calls. The same kernels run either way, so the bits are the same.
   */
  layer(pidW: number, pidB: number, x: Float32Array, y: Float32Array, act: Activation, rows: RowMap): void {
    const be = this.backend;
    const denseBias = this.isDense(pidB);
    if (!be.layer || !be.packedB || this.disposed || this.params.specs[pidW].shape.length !== 2 || this.isDense(pidW) ||
      (denseBias && !this.dense[pidB]) || this.params.values[pidB].length !== this.params.specs[pidW].shape[0]) {
      this.matmul(pidW, x, y, rows);
      this.biasAct(pidB, y, act, rows);
      return;
    }
    const [m, n] = this.params.specs[pidW].shape;
    const w = this.packs[pidW] ??= be.packedB.pack(true, m, n, this.params.values[pidW]);
    const lowRank = this.isLowRank(pidW);
    be.layer(rows.count, n, m, x, w, lowRank ? this.rankOf(pidW) : 0, lowRank ? this.bt[pidW]! : null, lowRank ? this.at[pidW]! : null,
      rows.pair, lowRank ? this.lowRankCoef(pidW, rows) : null, act, this.params.values[pidB],
      denseBias ? this.dense[pidB]! : null, denseBias ? this.denseBiasCoef(rows) : null, y);
  }

  vectorFor(pid: number, row: number, rows: RowMap, out: Float32Array): Float32Array {
    const b = this.params.values[pid];
    if (!this.isDense(pid) || rows.sign[row] === 0) return b;
    const e = this.denseFor(pid, rows.pair[row]);
    const s = this.opts.sigma * rows.sign[row];
    for (let j = 0; j < b.length; j++) out[j] = b[j] + s * e[j];
    return out;
  }
}
