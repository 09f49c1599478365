// Philox4x32-10 + arithmetic-only Box–Muller, the same algorithm as src/rng/normal.ts (fillNormalsRef),
// operation for operation, so both give bit-identical float32 normals. Compiled to build/noise.wasm.
// Scalar code: wasm's i64 multiply gives Philox's 32×32→64 product in one instruction, which is where
// most of the speed over the TypeScript reference comes from.

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

/** First free byte after the module's static data (where the caller may place its output buffer). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
