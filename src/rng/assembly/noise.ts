// Philox4x32-10 + arithmetic-only Box–Muller, the same algorithm as src/rng/normal.ts (fillNormalsRef),
// operation for operation, so both give bit-identical float32 normals. Compiled to build/noise.wasm.
// `normalsSimd` (four Philox blocks per step in i64x2/f64x2 lanes) is the one the loader uses; the
// scalar `normals` produces the last 1–3 blocks of a call. wasm's i64 multiply gives Philox's
// 32×32→64 product in one instruction, which is where much of the speed over the reference comes from.

const M0: u64 = 0xd2511f53;
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

const LN2: f64 = 0.6931471805599453;
const SQRT2: f64 = 1.4142135623730951;
const HALF_PI_OVER_2_30: f64 = 1.4629180792671596e-9;

// @ts-ignore: decorator
@inline function logWordPlusOne(w: u32): f64 {
  if (w == 0) return 0.0;
  let k: i32 = w == 0xffffffff ? 32 : 31 - <i32>clz<u32>(w + 1);
  // 2^-k exactly, from the exponent bits.
  let f: f64 = (<f64>w + 1.0) * reinterpret<f64>(<u64>(1023 - k) << 52);
  if (f > SQRT2) { f *= 0.5; k += 1; }
  const s = (f - 1.0) / (f + 1.0);
  const s2 = s * s;
  const p = 1.0 + s2 * (0.3333333333333333 + s2 * (0.2 + s2 * (0.14285714285714285 + s2 * (0.1111111111111111
    + s2 * (0.09090909090909091 + s2 * (0.07692307692307693 + s2 * 0.06666666666666667))))));
  return <f64>k * LN2 + 2.0 * s * p;
}

// @ts-ignore: decorator
@inline function sinPoly(a: f64): f64 {
  const a2 = a * a;
  return a * (1.0 - a2 * (0.16666666666666666 - a2 * (0.008333333333333333 - a2 * (0.0001984126984126984 - a2 * (2.7557319223985893e-6
    - a2 * (2.505210838544172e-8 - a2 * (1.6059043836821613e-10 - a2 * 7.647163731819816e-13)))))));
}

// @ts-ignore: decorator
@inline function cosPoly(a: f64): f64 {
  const a2 = a * a;
  return 1.0 - a2 * (0.5 - a2 * (0.041666666666666664 - a2 * (0.001388888888888889 - a2 * (2.48015873015873e-5
    - a2 * (2.755731922398589e-7 - a2 * (2.08767569878681e-9 - a2 * 1.1470745597729725e-11))))));
}

// @ts-ignore: decorator
@inline function pairOut(wr: u32, wa: u32, out: usize): void {
  const r = Math.sqrt(-2.0 * (logWordPlusOne(wr) - 32.0 * LN2));
  const q = wa >>> 30;
  const t = wa & 0x3fffffff;
  let c: f64, s: f64;
  if (t < 0x20000000) {
    const a = <f64>t * HALF_PI_OVER_2_30;
    c = cosPoly(a); s = sinPoly(a);
  } else {
    const b = <f64>(0x40000000 - t) * HALF_PI_OVER_2_30;
    c = sinPoly(b); s = cosPoly(b);
  }
  let x: f64, y: f64;
  if (q == 0) { x = c; y = s; }
  else if (q == 1) { x = -s; y = c; }
  else if (q == 2) { x = -c; y = -s; }
  else { x = s; y = -c; }
  store<f32>(out, <f32>(r * x));
  store<f32>(out, <f32>(r * y), 4);
}

/** Writes `blocks` Philox blocks' worth of normals (4 each) as f32 at `out`, starting at block `b0`. */
export function normals(key0: u32, key1: u32, c1: u32, c2: u32, c3: u32, b0: u32, blocks: u32, out: usize): void {
  for (let i: u32 = 0; i < blocks; i++) {
    let x0: u32 = b0 + i, x1 = c1, x2 = c2, x3 = c3, k0 = key0, k1 = key1;
    for (let round = 0; round < 10; round++) {
      const p0: u64 = M0 * <u64>x0;
      const p1: u64 = M1 * <u64>x2;
      const n0 = (<u32>(p1 >> 32)) ^ x1 ^ k0;
      const n2 = (<u32>(p0 >> 32)) ^ x3 ^ k1;
      x1 = <u32>p1; x3 = <u32>p0; x0 = n0; x2 = n2;
      k0 += W0; k1 += W1;
    }
    const o = out + (<usize>i << 4);
    pairOut(x0, x1, o);
    pairOut(x2, x3, o + 8);
  }
}

// ---- SIMD path: 4 Philox blocks per iteration (one per i32x4 lane), Box–Muller on f64x2 lane pairs.
// Every operation mirrors the scalar code above in value and order, so the output bits are identical.

// @ts-ignore: decorator
@inline function hornerLog(s2: v128): v128 {
  let p = f64x2.add(f64x2.splat(0.07692307692307693), f64x2.mul(s2, f64x2.splat(0.06666666666666667)));
  p = f64x2.add(f64x2.splat(0.09090909090909091), f64x2.mul(s2, p));
  p = f64x2.add(f64x2.splat(0.1111111111111111), f64x2.mul(s2, p));
  p = f64x2.add(f64x2.splat(0.14285714285714285), f64x2.mul(s2, p));
  p = f64x2.add(f64x2.splat(0.2), f64x2.mul(s2, p));
  p = f64x2.add(f64x2.splat(0.3333333333333333), f64x2.mul(s2, p));
  return f64x2.add(f64x2.splat(1.0), f64x2.mul(s2, p));
}

// @ts-ignore: decorator
@inline function sinPolyV(a: v128): v128 {
  const a2 = f64x2.mul(a, a);
  let p = f64x2.sub(f64x2.splat(1.6059043836821613e-10), f64x2.mul(a2, f64x2.splat(7.647163731819816e-13)));
  p = f64x2.sub(f64x2.splat(2.505210838544172e-8), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(2.7557319223985893e-6), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(0.0001984126984126984), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(0.008333333333333333), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(0.16666666666666666), f64x2.mul(a2, p));
  return f64x2.mul(a, f64x2.sub(f64x2.splat(1.0), f64x2.mul(a2, p)));
}

// @ts-ignore: decorator
@inline function cosPolyV(a: v128): v128 {
  const a2 = f64x2.mul(a, a);
  let p = f64x2.sub(f64x2.splat(2.08767569878681e-9), f64x2.mul(a2, f64x2.splat(1.1470745597729725e-11)));
  p = f64x2.sub(f64x2.splat(2.755731922398589e-7), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(2.48015873015873e-5), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(0.001388888888888889), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(0.041666666666666664), f64x2.mul(a2, p));
  p = f64x2.sub(f64x2.splat(0.5), f64x2.mul(a2, p));
  return f64x2.sub(f64x2.splat(1.0), f64x2.mul(a2, p));
}

/**
 * Box–Muller for two lanes: wr, wa hold the radius and angle words in i32 lanes 0 and 1. Writes the
 * (x, y) normals of lane 0 at out0 and of lane 1 at out1.
 */
// @ts-ignore: decorator
@inline function pairOutV(wr: v128, wa: v128, out0: usize, out1: usize): void {
  // ln(w + 1): y = w + 1 exactly; k and f straight from the exponent and mantissa bits.
  const y = f64x2.add(f64x2.convert_low_i32x4_u(wr), f64x2.splat(1.0));
  const hiWords = v128.shuffle<i32>(y, y, 1, 3, 1, 3);
  let kf = f64x2.convert_low_i32x4_s(i32x4.sub(i32x4.shr_u(hiWords, 20), i32x4.splat(1023)));
  let f = v128.or(v128.and(y, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(f, f64x2.splat(SQRT2));
  f = v128.bitselect(f64x2.mul(f, f64x2.splat(0.5)), f, big);
  kf = v128.bitselect(f64x2.add(kf, f64x2.splat(1.0)), kf, big);
  const s = f64x2.div(f64x2.sub(f, f64x2.splat(1.0)), f64x2.add(f, f64x2.splat(1.0)));
  const lg = f64x2.add(f64x2.mul(kf, f64x2.splat(LN2)), f64x2.mul(f64x2.mul(f64x2.splat(2.0), s), hornerLog(f64x2.mul(s, s))));
  const r = f64x2.sqrt(f64x2.mul(f64x2.splat(-2.0), f64x2.sub(lg, f64x2.splat(32.0 * LN2))));
  // Angle: quadrant q from the top 2 bits; t < 2^29 uses t directly, else the reflection 2^30 − t.
  const q = i32x4.shr_u(wa, 30);
  const t = v128.and(wa, i32x4.splat(0x3fffffff));
  const low = i32x4.lt_u(t, i32x4.splat(0x20000000));
  const arg = v128.bitselect(t, i32x4.sub(i32x4.splat(0x40000000), t), low);
  const a = f64x2.mul(f64x2.convert_low_i32x4_u(arg), f64x2.splat(HALF_PI_OVER_2_30));
  const P = cosPolyV(a), Q = sinPolyV(a);
  const low64 = i64x2.extend_low_i32x4_s(low);
  const c = v128.bitselect(P, Q, low64);
  const sn = v128.bitselect(Q, P, low64);
  // Rotate by q quarter turns: odd q swaps (c, s); x is negated for q = 1, 2 and y for q = 2, 3.
  const q64 = i64x2.extend_low_i32x4_u(q);
  const odd = i64x2.eq(v128.and(q64, i64x2.splat(1)), i64x2.splat(1));
  let x = v128.bitselect(sn, c, odd);
  let yv = v128.bitselect(c, sn, odd);
  const negX = v128.or(i64x2.eq(q64, i64x2.splat(1)), i64x2.eq(q64, i64x2.splat(2)));
  const negY = v128.or(i64x2.eq(q64, i64x2.splat(2)), i64x2.eq(q64, i64x2.splat(3)));
  x = v128.bitselect(f64x2.neg(x), x, negX);
  yv = v128.bitselect(f64x2.neg(yv), yv, negY);
  const zx = f32x4.demote_f64x2_zero(f64x2.mul(r, x));
  const zy = f32x4.demote_f64x2_zero(f64x2.mul(r, yv));
  store<f32>(out0, f32x4.extract_lane(zx, 0));
  store<f32>(out0, f32x4.extract_lane(zy, 0), 4);
  store<f32>(out1, f32x4.extract_lane(zx, 1));
  store<f32>(out1, f32x4.extract_lane(zy, 1), 4);
}

/** Same output as `normals`, four blocks at a time with SIMD; the remainder goes through `normals`. */
export function normalsSimd(key0: u32, key1: u32, c1: u32, c2: u32, c3: u32, b0: u32, blocks: u32, out: usize): void {
  const m0 = i32x4.splat(<i32>M0), m1 = i32x4.splat(<i32>M1);
  let i: u32 = 0;
  for (; i + 4 <= blocks; i += 4) {
    const b = b0 + i;
    let x0 = i32x4(b, b + 1, b + 2, b + 3);
    let x1 = i32x4.splat(c1), x2 = i32x4.splat(c2), x3 = i32x4.splat(c3);
    let k0 = i32x4.splat(key0), k1 = i32x4.splat(key1);
    for (let round = 0; round < 10; round++) {
      const p0l = i64x2.extmul_low_i32x4_u(x0, m0), p0h = i64x2.extmul_high_i32x4_u(x0, m0);
      const p1l = i64x2.extmul_low_i32x4_u(x2, m1), p1h = i64x2.extmul_high_i32x4_u(x2, m1);
      const hi0 = v128.shuffle<i32>(p0l, p0h, 1, 3, 5, 7), lo0 = v128.shuffle<i32>(p0l, p0h, 0, 2, 4, 6);
      const hi1 = v128.shuffle<i32>(p1l, p1h, 1, 3, 5, 7), lo1 = v128.shuffle<i32>(p1l, p1h, 0, 2, 4, 6);
      const n0 = v128.xor(v128.xor(hi1, x1), k0);
      const n2 = v128.xor(v128.xor(hi0, x3), k1);
      x1 = lo1; x3 = lo0; x0 = n0; x2 = n2;
      k0 = i32x4.add(k0, i32x4.splat(<i32>W0));
      k1 = i32x4.add(k1, i32x4.splat(<i32>W1));
    }
    const o = out + (<usize>i << 4);
    // Lanes 0, 1 then lanes 2, 3 (moved down); pair (x0, x1) → normals 0, 1 of a block, (x2, x3) → 2, 3.
    pairOutV(x0, x1, o, o + 16);
    pairOutV(x2, x3, o + 8, o + 24);
    const x0h = v128.shuffle<i32>(x0, x0, 2, 3, 2, 3), x1h = v128.shuffle<i32>(x1, x1, 2, 3, 2, 3);
    const x2h = v128.shuffle<i32>(x2, x2, 2, 3, 2, 3), x3h = v128.shuffle<i32>(x3, x3, 2, 3, 2, 3);
    pairOutV(x0h, x1h, o + 32, o + 48);
    pairOutV(x2h, x3h, o + 40, o + 56);
  }
  if (i < blocks) normals(key0, key1, c1, c2, c3, b0 + i, blocks - i, out + (<usize>i << 4));
}

/** First free byte after the module's static data (where the caller may place its output buffer). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
