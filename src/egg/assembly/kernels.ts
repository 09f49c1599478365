// The per-row integer work of EGG's batched forward pass, in WebAssembly SIMD128 (AssemblyScript;
// compiled by `npm run build:wasm` into build/egg.wasm). The int8 GEMMs are the backend's; these are
// the O(rows·(m+n)) parts around them, which in TypeScript took ~3/4 of a forward at D = 64:
// the rank-1 term and shift of every matmul, the L1 layer norm, the minGRU gates, the residual adds,
// the perturbed embedding and the base-2 log-softmax.
//
// The module imports the wasm backend's shared memory and keeps no state and no static data: every
// argument is a byte address of a buffer the TypeScript side allocated there (tables included), so
// any number of threads may run it on one memory. Every function is exact integer arithmetic and
// equals, bit for bit, the TypeScript reference in src/egg/kernels.ts (tested on random and extreme
// inputs in test/egg/kernels.test.ts). I8 below is saturation to [−127, 127].

/** Where static data ends (nothing is stored there; checked by the loader). */
export function heapBase(): usize {
  return __heap_base;
}

@inline function sat(x: i32): i32 {
  return x > 127 ? 127 : x < -127 ? -127 : x;
}

/** Σ_c x[c]·v[c] over n int8 values (|result| ≤ 127²·n < 2^31 for n ≤ 2^17). */
@inline function dotI8(x: usize, v: usize, n: i32): i32 {
  let s = i32x4.splat(0);
  let c = 0;
  for (; c + 16 <= n; c += 16) {
    const xa = v128.load(x + <usize>c);
    const va = v128.load(v + <usize>c);
    s = i32x4.add(s, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(xa), i16x8.extend_low_i8x16_s(va)));
    s = i32x4.add(s, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(xa), i16x8.extend_high_i8x16_s(va)));
  }
  let d = i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
  for (; c < n; c++) d += <i32>load<i8>(x + <usize>c) * <i32>load<i8>(v + <usize>c);
  return d;
}

/** Stores the 8 lanes of two i32x4 (already within [−127, 127]) as 8 int8. */
@inline function store8(p: usize, lo: v128, hi: v128): void {
  const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(lo, hi), i16x8.splat(0));
  store<i64>(p, i64x2.extract_lane(b, 0));
}

/**
 * The matmul epilogue for W of shape m×n: for every row i with its pair's noise u (m int8) then v
 * (n int8) at noise + noiseAt[i] + nOff and antithetic sign s_i ∈ {−1, 0, 1},
 *   out[i,r] = I8((acc[i,r] + ((s_i·(x_i·v))·u_r ≫ k)) ≫ shift)     (s_i = 0: I8(acc[i,r] ≫ shift))
 * with ≫ the arithmetic (flooring) shift; x is rows×n int8, acc rows×m int32, out rows×m int8.
 */
export function matmulEpilogue(rows: i32, m: i32, n: i32, x: usize, acc: usize, noise: usize, sign: usize, noiseAt: usize,
  nOff: i32, k: i32, shift: i32, out: usize): void {
  const lo = i32x4.splat(-127), hi = i32x4.splat(127);
  for (let i = 0; i < rows; i++) {
    const sg = <i32>load<i8>(sign + <usize>i);
    const ci = acc + ((<usize>i * <usize>m) << 2);
    const oi = out + <usize>i * <usize>m;
    let r = 0;
    if (sg == 0) {
      for (; r + 8 <= m; r += 8) {
        const a0 = i32x4.shr_s(v128.load(ci + (<usize>r << 2)), shift);
        const a1 = i32x4.shr_s(v128.load(ci + (<usize>r << 2), 16), shift);
        store8(oi + <usize>r, i32x4.max_s(i32x4.min_s(a0, hi), lo), i32x4.max_s(i32x4.min_s(a1, hi), lo));
      }
      for (; r < m; r++) store<i8>(oi + <usize>r, <i8>sat(load<i32>(ci + (<usize>r << 2)) >> shift));
      continue;
    }
    const u = noise + <usize>(load<i32>(noiseAt + (<usize>i << 2)) + nOff);
    const v = u + <usize>m;
    const t = sg * dotI8(x + <usize>i * <usize>n, v, n);
    if (n <= 1024) {
      // |t·u_r| ≤ 127³·1024 < 2^31: the product is exact in i32.
      const ts = i32x4.splat(t);
      for (; r + 8 <= m; r += 8) {
        const u16 = v128.load8x8_s(u + <usize>r);
        const p0 = i32x4.shr_s(i32x4.mul(ts, i32x4.extend_low_i16x8_s(u16)), k);
        const p1 = i32x4.shr_s(i32x4.mul(ts, i32x4.extend_high_i16x8_s(u16)), k);
        const a0 = i32x4.shr_s(i32x4.add(v128.load(ci + (<usize>r << 2)), p0), shift);
        const a1 = i32x4.shr_s(i32x4.add(v128.load(ci + (<usize>r << 2), 16), p1), shift);
        store8(oi + <usize>r, i32x4.max_s(i32x4.min_s(a0, hi), lo), i32x4.max_s(i32x4.min_s(a1, hi), lo));
      }
      for (; r < m; r++) {
        const p = (t * <i32>load<i8>(u + <usize>r)) >> k;
        store<i8>(oi + <usize>r, <i8>sat((load<i32>(ci + (<usize>r << 2)) + p) >> shift));
      }
    } else {
      // The product needs up to 34 bits: floor it exactly in i64; the sum with acc fits i32.
      for (; r < m; r++) {
        const p = <i32>((<i64>t * <i64>load<i8>(u + <usize>r)) >> <i64>k);
        store<i8>(oi + <usize>r, <i8>sat((load<i32>(ci + (<usize>r << 2)) + p) >> shift));
      }
    }
  }
}

/**
 * L1 layer norm of rows×D int8 x with per-row weights w (rows×D):
 *   out[i,j] = I8(trunc(x[i,j]·w[i,j] / a_i)),  a_i = max(1, I8(Σ_j |x[i,j]| ≫ logD)),
 * the division through recip (int32, recip[a] = ⌈2^21/a⌉): trunc(p/a) = sign(p)·⌊|p|·recip[a]/2^21⌋,
 * exact for |p| < 2^14 (see src/egg/tables.ts). The 35-bit product is split so that everything stays
 * in i32: with R = Rh·2^10 + Rl, ⌊|p|·R/2^21⌋ = ⌊(|p|·Rh + ⌊|p|·Rl/2^10⌋)/2^11⌋.
 */
export function layerNorm(rows: i32, D: i32, logD: i32, x: usize, w: usize, out: usize, recip: usize): void {
  for (let i = 0; i < rows; i++) {
    const xi = x + <usize>i * <usize>D;
    const wi = w + <usize>i * <usize>D;
    const oi = out + <usize>i * <usize>D;
    let sum = 0;
    for (let j = 0; j < D; j++) {
      const v = <i32>load<i8>(xi + <usize>j);
      sum += v < 0 ? -v : v;
    }
    let a = sat(sum >> logD);
    if (a < 1) a = 1;
    const R = load<i32>(recip + (<usize>a << 2));
    const rh = R >> 10, rl = R & 1023;
    for (let j = 0; j < D; j++) {
      const p = <i32>load<i8>(xi + <usize>j) * <i32>load<i8>(wi + <usize>j);
      const ap = p < 0 ? -p : p;
      const q = (ap * rh + ((ap * rl) >> 10)) >> 11;
      store<i8>(oi + <usize>j, <i8>sat(p < 0 ? -q : q));
    }
  }
}

/** out = I8(a + b + c), elementwise over `len` int8 values (the sum is taken before saturating). */
export function add3(len: i32, a: usize, b: usize, c: usize, out: usize): void {
  const lo = i16x8.splat(-127), hi = i16x8.splat(127);
  let j = 0;
  for (; j + 8 <= len; j += 8) {
    const p = <usize>j;
    const s = i16x8.add(i16x8.add(v128.load8x8_s(a + p), v128.load8x8_s(b + p)), v128.load8x8_s(c + p));
    const v = i8x16.narrow_i16x8_s(i16x8.max_s(i16x8.min_s(s, hi), lo), i16x8.splat(0));
    store<i64>(out + p, i64x2.extract_lane(v, 0));
  }
  for (; j < len; j++) {
    const p = <usize>j;
    store<i8>(out + p, <i8>sat(<i32>load<i8>(a + p) + <i32>load<i8>(b + p) + <i32>load<i8>(c + p)));
  }
}

/** y = I8(y + a), elementwise over `len` int8 values. */
export function addInto(len: i32, y: usize, a: usize): void {
  const lo = i16x8.splat(-127), hi = i16x8.splat(127);
  let j = 0;
  for (; j + 8 <= len; j += 8) {
    const p = <usize>j;
    const s = i16x8.add(v128.load8x8_s(y + p), v128.load8x8_s(a + p));
    const v = i8x16.narrow_i16x8_s(i16x8.max_s(i16x8.min_s(s, hi), lo), i16x8.splat(0));
    store<i64>(y + p, i64x2.extract_lane(v, 0));
  }
  for (; j < len; j++) {
    const p = <usize>j;
    store<i8>(y + p, <i8>sat(<i32>load<i8>(y + p) + <i32>load<i8>(a + p)));
  }
}

/** The GRU's reset-gated state: out = I8(((f + 127)·s) ≫ 8) elementwise (|(f+127)·s| ≤ 255·128 fits i16). */
export function gruReset(len: i32, f: usize, s: usize, out: usize): void {
  const lo = i16x8.splat(-127), hi = i16x8.splat(127), c127 = i16x8.splat(127);
  let j = 0;
  for (; j + 8 <= len; j += 8) {
    const p = <usize>j;
    const g = i16x8.add(v128.load8x8_s(f + p), c127);
    const h = i16x8.shr_s(i16x8.mul(g, v128.load8x8_s(s + p)), 8);
    const v = i8x16.narrow_i16x8_s(i16x8.max_s(i16x8.min_s(h, hi), lo), i16x8.splat(0));
    store<i64>(out + p, i64x2.extract_lane(v, 0));
  }
  for (; j < len; j++) {
    const p = <usize>j;
    store<i8>(out + p, <i8>sat(((<i32>load<i8>(f + p) + 127) * <i32>load<i8>(s + p)) >> 8));
  }
}

/**
 * The GRU's state update and the residual add, elementwise:
 *   h = I8(s + I8(((f + 127)·(ĥ − s)) ≫ 8));  s ← h;  y ← I8(y + h).
 */
export function gruUpdate(len: i32, f: usize, hh: usize, s: usize, y: usize): void {
  const lo4 = i32x4.splat(-127), hi4 = i32x4.splat(127);
  const lo = i16x8.splat(-127), hi = i16x8.splat(127), c127 = i16x8.splat(127), z = i16x8.splat(0);
  let j = 0;
  for (; j + 8 <= len; j += 8) {
    const p = <usize>j;
    const g = i16x8.add(v128.load8x8_s(f + p), c127);
    const s16 = v128.load8x8_s(s + p);
    const d = i16x8.sub(v128.load8x8_s(hh + p), s16);
    const q0 = i32x4.max_s(i32x4.min_s(i32x4.shr_s(i32x4.extmul_low_i16x8_s(g, d), 8), hi4), lo4);
    const q1 = i32x4.max_s(i32x4.min_s(i32x4.shr_s(i32x4.extmul_high_i16x8_s(g, d), 8), hi4), lo4);
    const h = i16x8.max_s(i16x8.min_s(i16x8.add(s16, i16x8.narrow_i32x4_s(q0, q1)), hi), lo);
    store<i64>(s + p, i64x2.extract_lane(i8x16.narrow_i16x8_s(h, z), 0));
    const yn = i16x8.max_s(i16x8.min_s(i16x8.add(v128.load8x8_s(y + p), h), hi), lo);
    store<i64>(y + p, i64x2.extract_lane(i8x16.narrow_i16x8_s(yn, z), 0));
  }
  for (; j < len; j++) {
    const p = <usize>j;
    const sv = <i32>load<i8>(s + p);
    const h = sat(sv + sat(((<i32>load<i8>(f + p) + 127) * (<i32>load<i8>(hh + p) - sv)) >> 8));
    store<i8>(s + p, <i8>h);
    store<i8>(y + p, <i8>sat(<i32>load<i8>(y + p) + h));
  }
}

/**
 * The perturbed embedding: y[i,:] = I8(E[t_i,:] + ((s_i·u[t_i])·v ≫ k)), with the pair's u (256 int8)
 * then v (D int8) at noise + noiseAt[i] + nOff; s_i = 0 copies E[t_i,:]. tokens are bytes.
 */
export function embed(rows: i32, D: i32, tokens: usize, emb: usize, noise: usize, sign: usize, noiseAt: usize, nOff: i32, k: i32, y: usize): void {
  for (let i = 0; i < rows; i++) {
    const t = <i32>load<u8>(tokens + <usize>i);
    const e = emb + <usize>t * <usize>D;
    const yi = y + <usize>i * <usize>D;
    const sg = <i32>load<i8>(sign + <usize>i);
    if (sg == 0) {
      memory.copy(yi, e, <usize>D);
      continue;
    }
    const u = noise + <usize>(load<i32>(noiseAt + (<usize>i << 2)) + nOff);
    const ut = sg * <i32>load<i8>(u + <usize>t);
    const v = u + 256;
    for (let j = 0; j < D; j++) {
      store<i8>(yi + <usize>j, <i8>sat(<i32>load<i8>(e + <usize>j) + ((ut * <i32>load<i8>(v + <usize>j)) >> k)));
    }
  }
}

/**
 * Base-2 log-softmax of each row's 256 int8 logits at its target byte, in 1/16-bit units:
 *   out[i] = y'[t_i] − LOG2(Σ_k EXP2[y'_k]),  y' = logit + 128,
 * with exp2 the 256-entry int32 EXP2 table and LOG2 = log2Fix16 through mant, the 2^16-entry int32
 * mantissa table (src/egg/tables.ts). targets are bytes; out is int32.
 */
export function logProbs(rows: i32, logits: usize, targets: usize, exp2: usize, mant: usize, out: usize): void {
  for (let i = 0; i < rows; i++) {
    const li = logits + (<usize>i << 8);
    let s = 0;
    for (let c = 0; c < 256; c += 4) {
      s += load<i32>(exp2 + (<usize>(<i32>load<i8>(li + <usize>c) + 128) << 2))
        + load<i32>(exp2 + (<usize>(<i32>load<i8>(li + <usize>c, 1) + 128) << 2))
        + load<i32>(exp2 + (<usize>(<i32>load<i8>(li + <usize>c, 2) + 128) << 2))
        + load<i32>(exp2 + (<usize>(<i32>load<i8>(li + <usize>c, 3) + 128) << 2));
    }
    const e = 31 - clz<i32>(s);
    const mm = e >= 16 ? <i32>(<u32>s >>> <u32>(e - 16)) : s << (16 - e);
    const fixed = 16 * (e - 4) * 65536 + load<i32>(mant + (<usize>(mm - 65536) << 2));
    const lg = (fixed + 32768) >> 16;
    const t = <i32>load<u8>(targets + <usize>i);
    store<i32>(out + (<usize>i << 2), <i32>load<i8>(li + <usize>t) + 128 - lg);
  }
}
