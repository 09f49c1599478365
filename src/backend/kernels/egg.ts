/**
 * The contract of EGG's per-row integer kernels (everything in the integer LM's forward pass but the int8 GEMMs):
 * the reference is egg/kernels.ts's tsEggKernels, the accelerated form egg-wasm.ts; every implementation gives the
 * same bits (test/egg/kernels.test.ts).
 */

/** The lookup tables the kernels read (egg/tables.ts makes them). */
export interface EggTables {
  readonly recip: Int32Array;
  readonly exp2: Int32Array;
  /** Built on first use (a few ms): only a backend that takes the wasm kernels asks for it. */
  mant(): Int32Array;
}

export interface EggKernels {
  readonly name: 'ts' | 'wasm';
  /**
   * Matmul epilogue for W (m×n): out[i,r] = I8((acc[i,r] + ((s_i·(x_i·v))·u_r ≫ k)) ≫ shift) where row
   * i's pair noise is u (m int8) then v (n int8) at noise[noiseAt[i] + nOff], s_i = sign[i] ∈ {−1,0,1}
   * (0: no noise term). x rows×n, acc rows×m (the shared GEMM x·Wᵀ), out rows×m.
   */
  matmulEpilogue(rows: number, m: number, n: number, x: Int8Array, acc: Int32Array, noise: Int8Array, sign: Int8Array,
    noiseAt: Int32Array, nOff: number, k: number, shift: number, out: Int8Array): void;
  /** out[i,j] = I8(trunc(x[i,j]·w[i,j] / max(1, I8(Σ_j|x[i,j]| ≫ logD)))) over rows×D; w is per row. */
  layerNorm(rows: number, D: number, logD: number, x: Int8Array, w: Int8Array, out: Int8Array): void;
  /** out = I8(a + b + c) over len elements. */
  add3(len: number, a: Int8Array, b: Int8Array, c: Int8Array, out: Int8Array): void;
  /** y = I8(y + a) over len elements. */
  addInto(len: number, y: Int8Array, a: Int8Array): void;
  /** out = I8(((f + 127)·s) ≫ 8). */
  gruReset(len: number, f: Int8Array, s: Int8Array, out: Int8Array): void;
  /** h = I8(s + I8(((f + 127)·(ĥ − s)) ≫ 8)); s ← h; y ← I8(y + h). */
  gruUpdate(len: number, f: Int8Array, hh: Int8Array, s: Int8Array, y: Int8Array): void;
  /** y[i,:] = I8(E[t_i,:] + ((s_i·u[t_i])·v ≫ k)) with u (256) then v (D) at noise[noiseAt[i] + nOff]. */
  embed(rows: number, D: number, tokens: Uint8Array, emb: Int8Array, noise: Int8Array, sign: Int8Array, noiseAt: Int32Array,
    nOff: number, k: number, y: Int8Array): void;
  /** out[i] = log₂-probability of targets[i] under row i's 256 logits, in 1/16 bit (see logProb16). */
  logProbs(rows: number, logits: Int8Array, targets: Uint8Array, out: Int32Array): void;
}
