// WebAssembly SIMD128 kernels for the wasm backend (AssemblyScript; compiled by `npm run build:wasm`).
//
// Everything here works on raw byte addresses into ONE shared linear memory owned by the TypeScript
// side (src/backend/wasm-memory.ts), which also allocates every buffer, including the packing scratch
// each thread needs. No kernel keeps state or uses static data, so any number of threads can run
// kernels on the same memory at once as long as their output ranges do not overlap.
//
// Determinism (the Backend contract in src/backend/types.ts): every f32 output element is one f32
// accumulator summed in increasing k (mul, then add — no FMA, which wasm SIMD128 lacks anyway), then
// alpha·acc + beta·c. Edge tiles are zero-padded during packing and run through the same micro-kernel,
// so an element's value never depends on m, on where a row falls in a tile, or on the thread count.
// int8 is exact integer arithmetic, so order does not matter there at all.

// ---------------------------------------------------------------------------------------------------
// f32 GEMM: C ← alpha·op(A)·op(B) + beta·C, with op(A) m×k and op(B) k×n, all row-major and packed.
// The caller packs op(B) once (packB) and then runs sgemmPacked on one or more row ranges.

const MR: i32 = 4; // rows of the micro-tile
const NR: i32 = 8; // columns of the micro-tile (two f32x4)
// Cache blocking for f32: rows of A are packed MC at a time, and k is walked in slices of KC so that a
// B panel slice (KC·NR·4 = 8 KiB) stays in L1 while the MC rows' A slice (MC·KC·4 = 64 KiB) stays in
// L2. Between k slices a tile's running sums are parked, exactly, in an f32 scratch — the same
// sequence of f32 additions as one uninterrupted loop, so blocking never changes a result bit.
const MC: i32 = 64;
const KC: i32 = 256;
// For int8 the packed A block (rows · k/2 · 4 bytes) should stay in L2.
const A_BLOCK_BYTES: i32 = 192 * 1024;

/** Rows per packed A block (f32). */
export function blockRows(k: i32): i32 {
  return MC;
}

/** Bytes of per-thread scratch sgemmPacked needs: the packed A slice, then the parked partial sums. */
export function apackBytes(k: i32, n: i32): i32 {
  const slice = MC * min(max(k, 1), KC) * 4;
  const partial = k > KC ? MC * ((n + NR - 1) / NR) * NR * 4 : 0;
  return slice + partial;
}

/** Bytes packB writes: ceil(n/NR) panels of k×NR floats. */
export function bpackBytes(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * max(k, 1) * 4;
}

/**
 * Pack op(B) (k×n) into panels of NR columns: panel jp holds, for p = 0..k-1, the NR floats
 * op(B)[p][jp·NR .. jp·NR+NR); columns past n are zero. B is k×n, or n×k when transB.
 */
export function packB(transB: bool, k: i32, n: i32, b: usize, out: usize): void {
  const panels = (n + NR - 1) / NR;
  let dst = out;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jp * NR;
    const w = min(NR, n - j0);
    if (!transB) {
      if (w == NR) {
        for (let p = 0; p < k; p++) {
          const src = b + ((<usize>p * <usize>n + <usize>j0) << 2);
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          dst += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          const src = b + ((<usize>p * <usize>n + <usize>j0) << 2);
          for (let q = 0; q < NR; q++) store<f32>(dst + (<usize>q << 2), q < w ? load<f32>(src + (<usize>q << 2)) : 0);
          dst += 32;
        }
      }
    } else {
      for (let p = 0; p < k; p++) {
        for (let q = 0; q < NR; q++) {
          store<f32>(dst + (<usize>q << 2), q < w ? load<f32>(b + ((<usize>(j0 + q) * <usize>k + <usize>p) << 2)) : 0);
        }
        dst += 32;
      }
    }
  }
}

/**
 * Pack `rows` rows of op(A) starting at row i0, columns [kb, kb+kc), into groups of MR: group g holds,
 * for p = 0..kc-1, the MR floats op(A)[i0+g·MR .. +MR)[kb+p]; rows past `rows` are zero.
 * A is m×k (row stride k), or k×lda when transA.
 */
function packA(transA: bool, rows: i32, kb: i32, kc: i32, k: i32, a: usize, lda: i32, i0: i32, out: usize): void {
  const groups = (rows + MR - 1) / MR;
  let dst = out;
  for (let g = 0; g < groups; g++) {
    const r0 = i0 + g * MR;
    const h = min(MR, rows - g * MR);
    if (transA) {
      if (h == MR) {
        for (let p = kb; p < kb + kc; p++) {
          v128.store(dst, v128.load(a + ((<usize>p * <usize>lda + <usize>r0) << 2)));
          dst += 16;
        }
      } else {
        for (let p = kb; p < kb + kc; p++) {
          for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < h ? load<f32>(a + ((<usize>p * <usize>lda + <usize>(r0 + r)) << 2)) : 0);
          dst += 16;
        }
      }
    } else {
      const s0 = a + ((<usize>r0 * <usize>k + <usize>kb) << 2);
      const rs = <usize>k << 2;
      if (h == MR) {
        for (let p = 0; p < kc; p++) {
          const s = s0 + (<usize>p << 2);
          store<f32>(dst, load<f32>(s));
          store<f32>(dst, load<f32>(s + rs), 4);
          store<f32>(dst, load<f32>(s + 2 * rs), 8);
          store<f32>(dst, load<f32>(s + 3 * rs), 12);
          dst += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = s0 + (<usize>p << 2);
          for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < h ? load<f32>(s + <usize>r * rs) : 0);
          dst += 16;
        }
      }
    }
  }
}

// @inline: the epilogue of one row of the micro-tile; w columns valid.
@inline function storeRowF32(c: usize, v0: v128, v1: v128, w: i32, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha);
  let r0 = f32x4.mul(va, v0);
  let r1 = f32x4.mul(va, v1);
  if (w == NR) {
    if (beta != 0) {
      const vb = f32x4.splat(beta);
      r0 = f32x4.add(r0, f32x4.mul(vb, v128.load(c)));
      r1 = f32x4.add(r1, f32x4.mul(vb, v128.load(c, 16)));
    }
    v128.store(c, r0);
    v128.store(c, r1, 16);
    return;
  }
  // Partial tile: the same arithmetic lane by lane (alpha·acc + beta·c in f32), so a column's value is
  // the same whether it sits in a full or a partial tile.
  storeLane(c, 0, f32x4.extract_lane(r0, 0), w, beta);
  storeLane(c, 1, f32x4.extract_lane(r0, 1), w, beta);
  storeLane(c, 2, f32x4.extract_lane(r0, 2), w, beta);
  storeLane(c, 3, f32x4.extract_lane(r0, 3), w, beta);
  storeLane(c, 4, f32x4.extract_lane(r1, 0), w, beta);
  storeLane(c, 5, f32x4.extract_lane(r1, 1), w, beta);
  storeLane(c, 6, f32x4.extract_lane(r1, 2), w, beta);
}

@inline function storeLane(c: usize, q: i32, v: f32, w: i32, beta: f32): void {
  if (q < w) {
    const at = c + (<usize>q << 2);
    store<f32>(at, beta != 0 ? v + beta * load<f32>(at) : v);
  }
}

/**
 * C rows [i0, i0+rows) ← alpha·op(A)[i0.., :]·op(B) + beta·C, op(B) already packed by packB.
 * `scratch` is this thread's apackBytes(k, n) bytes. lda is the row count of the whole op(A) when
 * transA (A is stored k×lda), ignored otherwise.
 */
export function sgemmPacked(transA: bool, i0: i32, rows: i32, n: i32, k: i32, alpha: f32,
  a: usize, lda: i32, bpack: usize, beta: f32, c: usize, scratch: usize): void {
  const panels = (n + NR - 1) / NR;
  const apack = scratch;
  // Parked partial sums: MC rows × (panels·NR) floats, after the packed A slice.
  const part = scratch + <usize>MC * <usize>min(max(k, 1), KC) * 4;
  const partRow = <usize>panels * (NR * 4);
  for (let ib = 0; ib < rows; ib += MC) {
    const mb = min(MC, rows - ib);
    const groups = (mb + MR - 1) / MR;
    // k = 0 still needs one pass to write alpha·0 + beta·C.
    for (let kb = 0; kb < max(k, 1); kb += KC) {
      const kc = min(KC, k - kb);
      const first = kb == 0;
      const last = kb + KC >= k;
      packA(transA, mb, kb, kc, k, a, lda, i0 + ib, apack);
      for (let jp = 0; jp < panels; jp++) {
        const bp0 = bpack + (<usize>jp * <usize>k + <usize>kb) * (NR * 4);
        const j0 = jp * NR;
        const w = min(NR, n - j0);
        for (let g = 0; g < groups; g++) {
          let ap = apack + <usize>g * <usize>kc * (MR * 4);
          let bp = bp0;
          const pt = part + <usize>(g * MR) * partRow + <usize>jp * (NR * 4);
          let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
          let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
          let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
          let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
          if (!first) {
            c00 = v128.load(pt); c01 = v128.load(pt, 16);
            c10 = v128.load(pt + partRow); c11 = v128.load(pt + partRow, 16);
            c20 = v128.load(pt + 2 * partRow); c21 = v128.load(pt + 2 * partRow, 16);
            c30 = v128.load(pt + 3 * partRow); c31 = v128.load(pt + 3 * partRow, 16);
          }
          for (let p = 0; p < kc; p++) {
            const b0 = v128.load(bp);
            const b1 = v128.load(bp, 16);
            const a0 = v128.load32_splat(ap);
            c00 = f32x4.add(c00, f32x4.mul(a0, b0));
            c01 = f32x4.add(c01, f32x4.mul(a0, b1));
            const a1 = v128.load32_splat(ap, 4);
            c10 = f32x4.add(c10, f32x4.mul(a1, b0));
            c11 = f32x4.add(c11, f32x4.mul(a1, b1));
            const a2 = v128.load32_splat(ap, 8);
            c20 = f32x4.add(c20, f32x4.mul(a2, b0));
            c21 = f32x4.add(c21, f32x4.mul(a2, b1));
            const a3 = v128.load32_splat(ap, 12);
            c30 = f32x4.add(c30, f32x4.mul(a3, b0));
            c31 = f32x4.add(c31, f32x4.mul(a3, b1));
            ap += 16;
            bp += 32;
          }
          if (!last) {
            v128.store(pt, c00); v128.store(pt, c01, 16);
            v128.store(pt + partRow, c10); v128.store(pt + partRow, c11, 16);
            v128.store(pt + 2 * partRow, c20); v128.store(pt + 2 * partRow, c21, 16);
            v128.store(pt + 3 * partRow, c30); v128.store(pt + 3 * partRow, c31, 16);
            continue;
          }
          const r = i0 + ib + g * MR;
          const h = min(MR, mb - g * MR);
          const crow = c + ((<usize>r * <usize>n + <usize>j0) << 2);
          const rs = <usize>n << 2;
          storeRowF32(crow, c00, c01, w, alpha, beta);
          if (h > 1) storeRowF32(crow + rs, c10, c11, w, alpha, beta);
          if (h > 2) storeRowF32(crow + 2 * rs, c20, c21, w, alpha, beta);
          if (h > 3) storeRowF32(crow + 3 * rs, c30, c31, w, alpha, beta);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Dot products, GEMV and the EGGROLL low-rank update.

// Sum of x[0..n)·y[0..n): two f32x4 accumulators over blocks of 8, their lanes summed in a fixed
// order, then the tail in order. Deterministic for a given n, which is all the contract needs.
@inline function dot(x: usize, y: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = <usize>j << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  const s = f32x4.add(s0, s1);
  let t: f32 = (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  for (; j < n; j++) t += load<f32>(x + (<usize>j << 2)) * load<f32>(y + (<usize>j << 2));
  return t;
}

// y[0..n) += t·x[0..n) (mul, then add).
@inline function axpy(t: f32, x: usize, y: usize, n: i32): void {
  const vt = f32x4.splat(t);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(vt, v128.load(x + o))));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(y + o, load<f32>(y + o) + t * load<f32>(x + o));
  }
}

/** y[i] ← alpha·(A[i,:]·x) + beta·y[i] for rows [i0, i0+rows) of A (m×n). */
export function sgemvN(i0: i32, rows: i32, n: i32, alpha: f32, a: usize, x: usize, beta: f32, y: usize): void {
  for (let i = i0; i < i0 + rows; i++) {
    const d = alpha * dot(a + ((<usize>i * <usize>n) << 2), x, n);
    const at = y + (<usize>i << 2);
    store<f32>(at, beta != 0 ? d + beta * load<f32>(at) : d);
  }
}

/**
 * y[j] ← alpha·Σ_i A[i,j]·x[i] + beta·y[j] for A m×n, columns [j0, j0+cols). acc is scratch of cols
 * floats. Rows are added in increasing i.
 */
export function sgemvT(j0: i32, cols: i32, m: i32, n: i32, alpha: f32, a: usize, x: usize, beta: f32, y: usize, acc: usize): void {
  memory.fill(acc, 0, <usize>cols << 2);
  for (let i = 0; i < m; i++) {
    axpy(load<f32>(x + (<usize>i << 2)), a + ((<usize>i * <usize>n + <usize>j0) << 2), acc, cols);
  }
  for (let j = 0; j < cols; j++) {
    const at = y + (<usize>(j0 + j) << 2);
    const v = alpha * load<f32>(acc + (<usize>j << 2));
    store<f32>(at, beta != 0 ? v + beta * load<f32>(at) : v);
  }
}

// y[0..n) += t0·x0 + t1·x1 + … for q = 2..4 factor rows, added one after another for each element —
// the same sequence of f32 operations as q separate axpys, with one pass over y instead of q.
@inline function axpy4(q: i32, t0: f32, t1: f32, t2: f32, t3: f32, x0: usize, x1: usize, x2: usize, x3: usize, y: usize, n: i32): void {
  const v0 = f32x4.splat(t0), v1 = f32x4.splat(t1), v2 = f32x4.splat(t2), v3 = f32x4.splat(t3);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    let acc = f32x4.add(v128.load(y + o), f32x4.mul(v0, v128.load(x0 + o)));
    acc = f32x4.add(acc, f32x4.mul(v1, v128.load(x1 + o)));
    if (q > 2) acc = f32x4.add(acc, f32x4.mul(v2, v128.load(x2 + o)));
    if (q > 3) acc = f32x4.add(acc, f32x4.mul(v3, v128.load(x3 + o)));
    v128.store(y + o, acc);
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let acc = load<f32>(y + o) + t0 * load<f32>(x0 + o);
    acc = acc + t1 * load<f32>(x1 + o);
    if (q > 2) acc = acc + t2 * load<f32>(x2 + o);
    if (q > 3) acc = acc + t3 * load<f32>(x3 + o);
    store<f32>(y + o, acc);
  }
}

/**
 * Y[i,:] += coef[i] · Σ_ρ (X[i,:]·Bt[p·r+ρ,:]) · At[p·r+ρ,:] with p = pair[i], for rows [i0, i0+rows).
 * Rows with coef 0 are left untouched. Factors are taken four at a time, so Y is read once per four.
 */
export function lowRankAdd(i0: i32, rows: i32, n: i32, m: i32, r: i32, x: usize, bt: usize, at: usize,
  pair: usize, coef: usize, y: usize): void {
  const bs = <usize>n << 2;
  const as = <usize>m << 2;
  for (let i = i0; i < i0 + rows; i++) {
    const cf = load<f32>(coef + (<usize>i << 2));
    if (cf == 0) continue;
    const p = load<i32>(pair + (<usize>i << 2));
    const xi = x + ((<usize>i * <usize>n) << 2);
    const yi = y + ((<usize>i * <usize>m) << 2);
    for (let rho = 0; rho < r; rho += 4) {
      const q = min(4, r - rho);
      const f = <usize>(p * r + rho);
      const b0 = bt + f * bs, a0 = at + f * as;
      const t0 = cf * dot(xi, b0, n);
      if (q == 1) {
        axpy(t0, a0, yi, m);
        continue;
      }
      const t1 = cf * dot(xi, b0 + bs, n);
      const t2: f32 = q > 2 ? cf * dot(xi, b0 + 2 * bs, n) : 0;
      const t3: f32 = q > 3 ? cf * dot(xi, b0 + 3 * bs, n) : 0;
      axpy4(q, t0, t1, t2, t3, a0, a0 + as, a0 + 2 * as, a0 + 3 * as, yi, m);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The layer epilogue: Y[i,:] ← act(Y[i,:] + b_i), b_i = bias (+ coef[i]·noise[pair[i],:] for a row with
// dense bias noise). The same function, bit for bit, as the TypeScript reference biasActRef in
// src/backend/epilogue.ts (read its header for the tanh formula and pqn's summation order): only f32
// +, −, ×, ÷, √, floor, compares and selects, in the same order, and no FMA.

const ACT_IDENTITY: i32 = 0;
const ACT_TANH: i32 = 1;
const ACT_RELU: i32 = 2;
const ACT_PQN: i32 = 3;

@inline function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const cut = f32x4.splat(9.1);
  const ok = f32x4.lt(a, cut); // false for NaN and for |x| ≥ 9.1
  const ac = v128.and(a, ok);
  const y = f32x4.add(ac, ac);
  const k = f32x4.floor(f32x4.add(f32x4.mul(y, f32x4.splat(<f32>1.4426950408889634)), f32x4.splat(0.5)));
  const r = f32x4.sub(f32x4.sub(y, f32x4.mul(k, f32x4.splat(<f32>0.693145751953125))), f32x4.mul(k, f32x4.splat(<f32>1.428606765330187e-6)));
  let q = f32x4.splat(<f32>(1.0 / 40320.0));
  q = f32x4.add(f32x4.splat(<f32>(1.0 / 5040.0)), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(<f32>(1.0 / 720.0)), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(<f32>(1.0 / 120.0)), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(<f32>(1.0 / 24.0)), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(<f32>(1.0 / 6.0)), f32x4.mul(r, q));
  q = f32x4.add(f32x4.splat(<f32>0.5), f32x4.mul(r, q));
  const p = f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q));
  const s = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23); // 2^k, exact
  const one = f32x4.splat(1);
  const t = f32x4.add(f32x4.mul(s, p), f32x4.sub(s, one));
  let v = f32x4.div(t, f32x4.add(t, f32x4.splat(2)));
  v = v128.bitselect(one, v, f32x4.ge(a, cut));
  v = v128.or(v, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(x, v, f32x4.ne(x, x));
}

@inline function act4(act: i32, z: v128): v128 {
  if (act == ACT_TANH) return tanh4(z);
  if (act == ACT_RELU) return v128.bitselect(f32x4.splat(0), z, f32x4.lt(z, f32x4.splat(0)));
  return z;
}

// Up to three trailing elements as one vector (unused lanes 0), and back.
@inline function loadTail(p: usize, w: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (w > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (w > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}
@inline function storeTail(p: usize, v: v128, w: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (w > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (w > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// The canonical row sum of pqn (lane j mod 4 over whole groups of four, (l0+l1)+(l2+l3), tail in order),
// of v or, with square, of (v − c)².
@inline function laneSum(v: usize, m: i32, c: f32, square: bool): f32 {
  let acc = f32x4.splat(0);
  const vc = f32x4.splat(c);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    let t = v128.load(v + (<usize>j << 2));
    if (square) {
      t = f32x4.sub(t, vc);
      t = f32x4.mul(t, t);
    }
    acc = f32x4.add(acc, t);
  }
  let s: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; j < m; j++) {
    let t = load<f32>(v + (<usize>j << 2));
    if (square) {
      t = t - c;
      t = t * t;
    }
    s = s + t;
  }
  return s;
}

@inline function pqnRow(y: usize, m: i32): void {
  const fm = <f32>m;
  const mean = laneSum(y, m, 0, false) / fm;
  const vr = laneSum(y, m, mean, true) / fm;
  const inv: f32 = <f32>1 / sqrt<f32>(vr + <f32>1e-5);
  const vm = f32x4.splat(mean), vi = f32x4.splat(inv), zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const o = y + (<usize>j << 2);
    const z = f32x4.mul(f32x4.sub(v128.load(o), vm), vi);
    v128.store(o, v128.bitselect(z, zero, f32x4.gt(z, zero)));
  }
  for (; j < m; j++) {
    const o = y + (<usize>j << 2);
    const z = (load<f32>(o) - mean) * inv;
    store<f32>(o, z > 0 ? z : 0);
  }
}

/**
 * The epilogue for rows [i0, i0+rows) of Y (rows×m). noise = 0: no bias noise; else row i with
 * coef[i] ≠ 0 adds coef[i]·noise[pair[i]·m + j] to the bias (mul, then add) before adding it to Y.
 */
export function biasAct(i0: i32, rows: i32, m: i32, act: i32, y: usize, bias: usize, pair: usize, noise: usize, coef: usize): void {
  const m4 = m & ~3;
  const w = m - m4;
  for (let i = i0; i < i0 + rows; i++) {
    const yi = y + ((<usize>i * <usize>m) << 2);
    let cf: f32 = 0;
    let e: usize = 0;
    if (noise != 0) {
      cf = load<f32>(coef + (<usize>i << 2));
      if (cf != 0) e = noise + ((<usize>load<i32>(pair + (<usize>i << 2)) * <usize>m) << 2);
    }
    const vc = f32x4.splat(cf);
    for (let j = 0; j < m4; j += 4) {
      const o = <usize>j << 2;
      let b = v128.load(bias + o);
      if (cf != 0) b = f32x4.add(b, f32x4.mul(vc, v128.load(e + o)));
      v128.store(yi + o, act4(act, f32x4.add(v128.load(yi + o), b)));
    }
    if (w > 0) {
      const o = <usize>m4 << 2;
      let b = loadTail(bias + o, w);
      if (cf != 0) b = f32x4.add(b, f32x4.mul(vc, loadTail(e + o, w)));
      storeTail(yi + o, act4(act, f32x4.add(loadTail(yi + o, w), b)), w);
    }
    if (act == ACT_PQN) pqnRow(yi, m);
  }
}

// ---------------------------------------------------------------------------------------------------
// Exact int8 GEMM: C(m×n, i32) ← A(m×k, i8)·B(n×k, i8)ᵀ.
// Operands are sign-extended to i16 while packing, pairs of k are multiplied and added by
// i32x4.dot_i16x8_s (|a·b| ≤ 2^14, a pair ≤ 2^15), and accumulated in i32: exact for k < 2^16.
// Layout: a packed B panel holds, per k-pair t, columns j0..j0+7 as (B[j][2t], B[j][2t+1]) i16 pairs
// (32 bytes); a packed A group holds, per t, rows r0..r0+3 as the same pairs (16 bytes), so one
// 32-bit splat of A's pair against one B vector gives four columns' partial dot products.

const KP_PAD: i32 = 2;

export function ipackBBytes(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * ((k + KP_PAD - 1) / KP_PAD) * 4;
}

export function iapackBytes(k: i32): i32 {
  return iblockRows(k) * ((k + KP_PAD - 1) / KP_PAD) * 4;
}

function iblockRows(k: i32): i32 {
  // (int8 is not k-blocked: its packed B panel is half the f32 one, and L1 holds it up to k ≈ 2000.)
  let mc = A_BLOCK_BYTES / (max((k + 1) >> 1, 1) * 4);
  mc = mc - (mc % MR);
  return max(MR, min(mc, 256));
}

@inline function pair16(lo: i32, hi: i32): i32 {
  return (lo & 0xffff) | (hi << 16);
}

/** Pack B (n×k int8) into panels of NR columns of sign-extended i16 pairs; padding is zero. */
export function ipackB(n: i32, k: i32, b: usize, out: usize): void {
  const panels = (n + NR - 1) / NR;
  const kp = (k + 1) >> 1;
  let dst = out;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jp * NR;
    const w = min(NR, n - j0);
    for (let t = 0; t < kp; t++) {
      const p = t << 1;
      for (let q = 0; q < NR; q++) {
        let v = 0;
        if (q < w) {
          const row = b + <usize>(j0 + q) * <usize>k + <usize>p;
          const lo = <i32>load<i8>(row);
          const hi = p + 1 < k ? <i32>load<i8>(row, 1) : 0;
          v = pair16(lo, hi);
        }
        store<i32>(dst + (<usize>q << 2), v);
      }
      dst += 32;
    }
  }
}

function ipackA(rows: i32, k: i32, a: usize, i0: i32, out: usize): void {
  const groups = (rows + MR - 1) / MR;
  const kp = (k + 1) >> 1;
  let dst = out;
  for (let g = 0; g < groups; g++) {
    const r0 = i0 + g * MR;
    const h = min(MR, rows - g * MR);
    for (let t = 0; t < kp; t++) {
      const p = t << 1;
      for (let r = 0; r < MR; r++) {
        let v = 0;
        if (r < h) {
          const row = a + <usize>(r0 + r) * <usize>k + <usize>p;
          const lo = <i32>load<i8>(row);
          const hi = p + 1 < k ? <i32>load<i8>(row, 1) : 0;
          v = pair16(lo, hi);
        }
        store<i32>(dst + (<usize>r << 2), v);
      }
      dst += 16;
    }
  }
}

@inline function storeRowI32(c: usize, v0: v128, v1: v128, w: i32): void {
  if (w == NR) {
    v128.store(c, v0);
    v128.store(c, v1, 16);
    return;
  }
  if (w > 0) store<i32>(c, i32x4.extract_lane(v0, 0));
  if (w > 1) store<i32>(c, i32x4.extract_lane(v0, 1), 4);
  if (w > 2) store<i32>(c, i32x4.extract_lane(v0, 2), 8);
  if (w > 3) store<i32>(c, i32x4.extract_lane(v0, 3), 12);
  if (w > 4) store<i32>(c, i32x4.extract_lane(v1, 0), 16);
  if (w > 5) store<i32>(c, i32x4.extract_lane(v1, 1), 20);
  if (w > 6) store<i32>(c, i32x4.extract_lane(v1, 2), 24);
}

/** C rows [i0, i0+rows) ← A[i0.., :]·Bᵀ with B packed by ipackB; iapack is iapackBytes(k) scratch. */
export function igemmPacked(i0: i32, rows: i32, n: i32, k: i32, a: usize, bpack: usize, c: usize, iapack: usize): void {
  const mc = iblockRows(k);
  const kp = (k + 1) >> 1;
  const panels = (n + NR - 1) / NR;
  const panelBytes = <usize>kp * 32;
  for (let ib = 0; ib < rows; ib += mc) {
    const mb = min(mc, rows - ib);
    ipackA(mb, k, a, i0 + ib, iapack);
    const groups = (mb + MR - 1) / MR;
    for (let jp = 0; jp < panels; jp++) {
      const bp0 = bpack + <usize>jp * panelBytes;
      const j0 = jp * NR;
      const w = min(NR, n - j0);
      for (let g = 0; g < groups; g++) {
        let ap = iapack + <usize>g * <usize>kp * 16;
        let bp = bp0;
        let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
        let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
        let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
        let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
        for (let t = 0; t < kp; t++) {
          const b0 = v128.load(bp);
          const b1 = v128.load(bp, 16);
          const a0 = v128.load32_splat(ap);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(a0, b0));
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(a0, b1));
          const a1 = v128.load32_splat(ap, 4);
          c10 = i32x4.add(c10, i32x4.dot_i16x8_s(a1, b0));
          c11 = i32x4.add(c11, i32x4.dot_i16x8_s(a1, b1));
          const a2 = v128.load32_splat(ap, 8);
          c20 = i32x4.add(c20, i32x4.dot_i16x8_s(a2, b0));
          c21 = i32x4.add(c21, i32x4.dot_i16x8_s(a2, b1));
          const a3 = v128.load32_splat(ap, 12);
          c30 = i32x4.add(c30, i32x4.dot_i16x8_s(a3, b0));
          c31 = i32x4.add(c31, i32x4.dot_i16x8_s(a3, b1));
          ap += 16;
          bp += 32;
        }
        const r = i0 + ib + g * MR;
        const h = min(MR, mb - g * MR);
        const crow = c + ((<usize>r * <usize>n + <usize>j0) << 2);
        const rs = <usize>n << 2;
        storeRowI32(crow, c00, c01, w);
        if (h > 1) storeRowI32(crow + rs, c10, c11, w);
        if (h > 2) storeRowI32(crow + 2 * rs, c20, c21, w);
        if (h > 3) storeRowI32(crow + 3 * rs, c30, c31, w);
      }
    }
  }
}

/** Where static data ends; the TypeScript allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------------
// Dynamic row scheduling for several threads: every thread runs the same call, and each takes the next
// `chunk` rows from a shared counter until none are left. A thread that the OS puts aside (the machine
// is shared) then simply takes fewer chunks instead of holding up the whole call. Which thread
// computes a row never changes its value (see the contract at the top), so results stay bit-identical.

@inline function nextRows(counter: usize, chunk: i32): i32 {
  return atomic.add<i32>(counter, chunk);
}

export function sgemmShared(counter: usize, chunk: i32, m: i32, transA: bool, n: i32, k: i32, alpha: f32,
  a: usize, lda: i32, bpack: usize, beta: f32, c: usize, scratch: usize): void {
  for (let i0 = nextRows(counter, chunk); i0 < m; i0 = nextRows(counter, chunk)) {
    sgemmPacked(transA, i0, min(chunk, m - i0), n, k, alpha, a, lda, bpack, beta, c, scratch);
  }
}

export function igemmShared(counter: usize, chunk: i32, m: i32, n: i32, k: i32, a: usize, bpack: usize, c: usize, iapack: usize): void {
  for (let i0 = nextRows(counter, chunk); i0 < m; i0 = nextRows(counter, chunk)) {
    igemmPacked(i0, min(chunk, m - i0), n, k, a, bpack, c, iapack);
  }
}

export function lowRankAddShared(counter: usize, chunk: i32, rows: i32, n: i32, m: i32, r: i32, x: usize, bt: usize, at: usize,
  pair: usize, coef: usize, y: usize): void {
  for (let i0 = nextRows(counter, chunk); i0 < rows; i0 = nextRows(counter, chunk)) {
    lowRankAdd(i0, min(chunk, rows - i0), n, m, r, x, bt, at, pair, coef, y);
  }
}

export function biasActShared(counter: usize, chunk: i32, rows: i32, m: i32, act: i32, y: usize, bias: usize, pair: usize, noise: usize, coef: usize): void {
  for (let i0 = nextRows(counter, chunk); i0 < rows; i0 = nextRows(counter, chunk)) {
    biasAct(i0, min(chunk, rows - i0), m, act, y, bias, pair, noise, coef);
  }
}
