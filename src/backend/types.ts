/**
 * The kernel boundary. The ES algorithms and the models call only these kernels; each backend (the
 * plain TypeScript reference, WebAssembly SIMD, native AVX-512/AVX2) implements all of them, and the
 * conformance tests in test/backend check every backend against the reference.
 *
 * Layout: every matrix is dense, row-major and packed (no leading dimensions); pass a subarray to
 * work on a part of a larger buffer.
 *
 * Contract shared by every backend, which determinism relies on: the value of one output row depends
 * only on that row's inputs, never on how many rows are computed in the same call. So splitting a
 * population over workers, or dropping members that are done, cannot change any member's result.
 */
import type { WasmMemory } from './wasm-api.js';
import type { Activation } from './epilogue.js';

export interface Backend {
  readonly name: BackendName;

  /**
   * Present when this backend's tensors live in one WebAssembly memory (wasm, native; absent on js).
   * Another kernel module (the language model's egg.wasm) may then instantiate itself on that memory
   * and run on the backend's own buffers, by address, with no copies — without knowing the backend.
   */
  readonly wasmMemory?: WasmMemoryCapability;

  /**
   * C ← alpha·op(A)·op(B) + beta·C, with op(A) m×k and op(B) k×n. A is stored m×k (or k×m when transA),
   * B is stored k×n (or n×k when transB). beta = 0 overwrites C (its old contents, even NaN, are ignored).
   */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;

  /** y ← alpha·op(A)·x + beta·y, A stored m×n; op(A) = Aᵀ (n×m) when trans. */
  sgemv(trans: boolean, m: number, n: number, alpha: number, a: Float32Array, x: Float32Array, beta: number, y: Float32Array): void;

  /**
   * The low-rank half of EGGROLL's perturbed forward, for `rows` rows at once:
   *   Y[i,:] += coef[i] · Σ_ρ (X[i,:] · Bt[p,ρ,:]) · At[p,ρ,:],   p = pair[i]
   * X is rows×n, Y is rows×m, Bt is (pairs·r)×n and At is (pairs·r)×m (factor ρ of pair p in row p·r+ρ).
   * coef[i] carries the antithetic sign and σ/√r; a row with coef 0 is left untouched.
   */
  lowRankAdd(rows: number, n: number, m: number, r: number, x: Float32Array, bt: Float32Array, at: Float32Array,
    pair: Int32Array, coef: Float32Array, y: Float32Array): void;

  /**
   * The layer epilogue, in place over a rows×m block: Y[i,:] ← act(Y[i,:] + b_i) with
   *   b_i[j] = bias[j] + coef[i]·noise[pair[i]·m + j]   when noise is given and coef[i] ≠ 0 (dense bias noise),
   *   b_i[j] = bias[j]                                  otherwise.
   * Every backend computes exactly the reference in src/backend/epilogue.ts (float32, fixed order, its own
   * tanh), so the result bits are the same on js, wasm and native.
   */
  biasAct(act: Activation, rows: number, m: number, y: Float32Array, bias: Float32Array,
    pair: Int32Array | null, noise: Float32Array | null, coef: Float32Array | null): void;

  /**
   * Optional: op(B) packed once for many sgemm calls with the same B (native has it; callers fall back to
   * sgemm without it). For weights that stay fixed while many small batches are multiplied by them — an RL
   * rollout's policy over a generation — so the kernel does not repack B at every call.
   */
  readonly packedB?: PackedBKernels;

  /**
   * Optional (native): one layer of a population batch in one call, giving exactly the bits of
   *   packedB.sgemm(false, rows, 1, x, w, 0, y)                       Y = X·Wᵀ, w = packedB.pack(true, m, n, W)
   *   lowRankAdd(rows, n, m, r, x, bt, at, pair, lrCoef, y)           when bt is given
   *   biasAct(act, rows, m, y, bias, pair, noise, biasCoef)           noise and biasCoef null: no bias noise
   * Flat arguments, so a call allocates nothing. For small batches, where each kernel call's fixed cost
   * is a visible part of the work (an RL environment step).
   */
  layer?(rows: number, n: number, m: number, x: Float32Array, w: PackedB, r: number, bt: Float32Array | null, at: Float32Array | null,
    pair: Int32Array, lrCoef: Float32Array | null, act: Activation, bias: Float32Array, noise: Float32Array | null,
    biasCoef: Float32Array | null, y: Float32Array): void;

  /** Exact C(m×n, int32) ← A(m×k, int8) · B(n×k, int8)ᵀ; no saturation anywhere. */
  igemm(m: number, n: number, k: number, a: Int8Array, b: Int8Array, c: Int32Array): void;

  /**
   * Typed arrays that kernels read and write without copying (wasm memory for the wasm backend) and
   * that worker threads can share. Engine buffers that kernels touch should come from here.
   */
  allocF32(length: number): Float32Array;
  allocI8(length: number): Int8Array;
  allocI32(length: number): Int32Array;

  /** Returns a buffer from allocF32/allocI8/allocI32 to its allocator (optional; js lets the GC do it). */
  free?(view: Float32Array | Int8Array | Int32Array): void;

  /** Stops worker threads and the like (optional; no backend ever keeps the process alive). */
  dispose?(): Promise<void>;
}

/**
 * Packed op(B) (Backend.packedB). A pack is a snapshot: it keeps the values B had when packed, so its owner
 * must drop it when B changes (the generation's noiser owns packs of the weights, released at tell()).
 */
export interface PackedBKernels {
  /** op(B), k×n (B stored k×n, or n×k when transB), packed in this backend's kernel layout. */
  pack(transB: boolean, n: number, k: number, b: Float32Array): PackedB;
  /**
   * C ← alpha·op(A)·op(B) + beta·C for op(B) from `pack` (m×k times k×n): exactly the bits of
   * `sgemm(transA, p.transB, m, p.n, p.k, alpha, a, B, beta, c)` on the B it was packed from.
   */
  sgemm(transA: boolean, m: number, alpha: number, a: Float32Array, p: PackedB, beta: number, c: Float32Array): void;
  /** Returns the pack's memory; using it afterwards throws. Idempotent. */
  free(p: PackedB): void;
}

export interface PackedB {
  readonly transB: boolean;
  readonly n: number;
  readonly k: number;
  /** False once freed. */
  readonly live: boolean;
}

export type BackendName = 'js' | 'wasm' | 'native' | 'webgpu';

/** A backend's WebAssembly memory, as other kernel modules may use it (see Backend.wasmMemory). */
export interface WasmMemoryCapability {
  /** The shared memory every buffer from allocF32/allocI8/allocI32 lives in: import it as `env.memory`. */
  readonly memory: WasmMemory;
  /** Whether a view lies in that memory; then its byteOffset is its address there. */
  owns(view: ArrayBufferView): boolean;
  /**
   * Bytes at the bottom of the memory kept out of the allocator for static data. A module instantiated
   * on this memory must need no more (its heapBase() ≤ staticBytes), or it would overwrite tensors.
   */
  readonly staticBytes: number;
}
