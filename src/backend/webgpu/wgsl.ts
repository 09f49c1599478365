/**
 * The WebGPU kernels' WGSL. Every output element is computed by one invocation in a fixed order (k ascending), with
 * no atomics and no cross-invocation reduction, so a result depends only on its own inputs: the row contract of
 * backend/types.ts holds, and the same adapter and driver give the same bits on every run.
 */
import { PHILOX_FN } from './wgsl-common.js';



/** Workgroup tile of the f32 GEMM: TILE×TILE outputs, k walked TILE at a time through workgroup memory. */
export const GEMM_TILE = 16;

/**
 * C ← alpha·op(A)·op(B) + beta·C (row-major; A m×k or k×m when transA; B k×n or n×k when transB). beta = 0 ignores C
 * (even NaN), as every backend does.
 */
export const SGEMM_WGSL = /* wgsl */ `
struct Dims { m: u32, n: u32, k: u32, transA: u32, transB: u32, alpha: f32, beta: f32, pad: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
const T = ${GEMM_TILE}u;
var<workgroup> ta: array<array<f32, ${GEMM_TILE}>, ${GEMM_TILE}>;
var<workgroup> tb: array<array<f32, ${GEMM_TILE}>, ${GEMM_TILE}>;

fn opA(i: u32, p: u32) -> f32 {
  if (i >= d.m || p >= d.k) { return 0.0; }
  if (d.transA == 1u) { return a[p * d.m + i]; }
  return a[i * d.k + p];
}
fn opB(p: u32, j: u32) -> f32 {
  if (p >= d.k || j >= d.n) { return 0.0; }
  if (d.transB == 1u) { return b[j * d.k + p]; }
  return b[p * d.n + j];
}

@compute @workgroup_size(${GEMM_TILE}, ${GEMM_TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = wg.y * T + l.y;
  let j = wg.x * T + l.x;
  var acc = 0.0;
  let tiles = (d.k + T - 1u) / T;
  for (var t = 0u; t < tiles; t++) {
    ta[l.y][l.x] = opA(i, t * T + l.x);
    tb[l.y][l.x] = opB(t * T + l.y, j);
    workgroupBarrier();
    for (var p = 0u; p < T; p++) { acc = acc + ta[l.y][p] * tb[p][l.x]; }
    workgroupBarrier();
  }
  if (i < d.m && j < d.n) {
    let o = i * d.n + j;
    if (d.beta == 0.0) { c[o] = d.alpha * acc; } else { c[o] = d.alpha * acc + d.beta * c[o]; }
  }
}
`;

/**
 * Exact C(m×n, i32) ← A(m×k, int8) · B(n×k, int8)ᵀ, wrapping like int32 arithmetic. A and B arrive packed four int8
 * to a u32 word (k padded with zeros to a multiple of 4); each word pair is one dot4I8Packed where the adapter's WGSL
 * has it (packed 4×8 integer dot products: one instruction on GPUs with DP4a), else four bytes sign-extended with
 * extractBits. Both are exact, so both give the CPU's bits.
 */
export function igemmWgsl(packedDot: boolean): string {
  return IGEMM_WGSL.replace('{ acc = acc + dot4(', packedDot ? '{ acc = acc + dot4I8Packed(' : '{ acc = acc + dot4(');
}

export const IGEMM_WGSL = /* wgsl */ `
struct Dims { m: u32, n: u32, kw: u32, pad: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> c: array<i32>;

fn dot4(x: u32, y: u32) -> i32 {
  let xi = bitcast<i32>(x);
  let yi = bitcast<i32>(y);
  var s = 0i;
  for (var q = 0u; q < 4u; q++) { s = s + extractBits(xi, q * 8u, 8u) * extractBits(yi, q * 8u, 8u); }
  return s;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  let j = g.x;
  if (i >= d.m || j >= d.n) { return; }
  var acc = 0i;
  for (var w = 0u; w < d.kw; w++) { acc = acc + dot4(a[i * d.kw + w], b[j * d.kw + w]); }
  c[i * d.n + j] = acc;
}
`;

/**
 * Philox4x32-10 words on the device: block b0 + t of the stream (key0, key1; counter words c1, c2, c3) into
 * out[4t .. 4t+4), the same words rng/philox.ts gives.
 */
export const PHILOX_WGSL = /* wgsl */ `
struct Stream { key0: u32, key1: u32, c1: u32, c2: u32, c3: u32, b0: u32, blocks: u32, pad: u32 }
@group(0) @binding(0) var<uniform> s: Stream;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

${PHILOX_FN}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t >= s.blocks) { return; }
  let c = philox4x32(vec4u(s.b0 + t, s.c1, s.c2, s.c3), s.key0, s.key1);
  out[4u * t] = c.x; out[4u * t + 1u] = c.y; out[4u * t + 2u] = c.z; out[4u * t + 3u] = c.w;
}
`;

/**
 * EGGROLL's low-rank term, phase 1: t[i·r + ρ] = coef[i] · (X[i,:] · Bt[pair[i]·r + ρ, :]) for rows×r invocations.
 */
export const LOWRANK_T_WGSL = /* wgsl */ `
struct Dims { rows: u32, n: u32, m: u32, r: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> bt: array<f32>;
@group(0) @binding(3) var<storage, read> pair: array<i32>;
@group(0) @binding(4) var<storage, read> coef: array<f32>;
@group(0) @binding(5) var<storage, read_write> t: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let q = g.x;
  if (q >= d.rows * d.r) { return; }
  let i = q / d.r;
  let rho = q % d.r;
  if (coef[i] == 0.0) { t[q] = 0.0; return; }
  let brow = (u32(pair[i]) * d.r + rho) * d.n;
  var acc = 0.0;
  for (var j = 0u; j < d.n; j++) { acc = acc + x[i * d.n + j] * bt[brow + j]; }
  t[q] = coef[i] * acc;
}
`;

/**
 * Phase 2: Y[i, c] += Σ_ρ t[i·r + ρ] · At[pair[i]·r + ρ, c], ρ in order, for rows×m invocations; a row with coef 0 is
 * left untouched (bit for bit).
 */
export const LOWRANK_ADD_WGSL = /* wgsl */ `
struct Dims { rows: u32, n: u32, m: u32, r: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> at: array<f32>;
@group(0) @binding(2) var<storage, read> pair: array<i32>;
@group(0) @binding(3) var<storage, read> coef: array<f32>;
@group(0) @binding(4) var<storage, read> t: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let q = g.x;
  if (q >= d.rows * d.m) { return; }
  let i = q / d.m;
  let c = q % d.m;
  if (coef[i] == 0.0) { return; }
  let base = u32(pair[i]) * d.r;
  var v = y[q];
  for (var rho = 0u; rho < d.r; rho++) { v = v + t[i * d.r + rho] * at[(base + rho) * d.m + c]; }
  y[q] = v;
}
`;

/**
 * Standard normals on the device, the streams of rng/normal.ts: invocation (b, p) makes elements 4b .. 4b+3 of pair
 * p's stream (Philox counter words: block b, c1 = pairStart + p, c2, c3; key0, key1) into out[p·len + 4b + j] for
 * 4b + j < len. Box–Muller in float32 with arithmetic-only log, sin and cos (the CPU's algorithm, with ln u taken
 * through 1 − u for u ≥ ½ so the radius keeps its precision near 0): within a few float32 ulps of the CPU's values
 * (whose float64 transform is then rounded), not bit-equal — a GPU's float arithmetic promises no more.
 */
export const NORMALS_WGSL = /* wgsl */ `
struct Stream { key0: u32, key1: u32, c2: u32, c3: u32, pairStart: u32, len: u32, pairs: u32, pad: u32 }
@group(0) @binding(0) var<uniform> s: Stream;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

${PHILOX_FN}
const LN2 = 0.6931471805599453;

// 2·atanh(s) = ln((1 + s)/(1 − s)), for |s| ≤ 1/3.
fn atanh2(x: f32) -> f32 {
  let x2 = x * x;
  let p = 1.0 + x2 * (0.33333334 + x2 * (0.2 + x2 * (0.14285715 + x2 * (0.11111111 + x2 * (0.09090909 + x2 * 0.07692308)))));
  return 2.0 * x * p;
}

// ln u for u = (w + 1)/2^32 ∈ (0, 1].
fn logUnit(w: u32) -> f32 {
  if (w >= 0x80000000u) {
    // u ≥ ½: 1 − u = d exactly as an integer (~w), so ln u = 2·atanh(−d/(2 − d)) keeps full precision near u = 1.
    let d = f32(~w) * 2.3283064e-10;
    return atanh2(-d / (2.0 - d));
  }
  let y = w + 1u;
  var k = 31u - countLeadingZeros(y);
  var f = f32(y) * exp2(-f32(k));
  var kf = f32(k);
  if (f > 1.4142135) { f = f * 0.5; kf = kf + 1.0; }
  return (kf - 32.0) * LN2 + atanh2((f - 1.0) / (f + 1.0));
}

fn sinPoly(a: f32) -> f32 {
  let a2 = a * a;
  return a * (1.0 - a2 * (0.16666667 - a2 * (0.008333334 - a2 * (0.0001984127 - a2 * 2.7557319e-6))));
}
fn cosPoly(a: f32) -> f32 {
  let a2 = a * a;
  return 1.0 - a2 * (0.5 - a2 * (0.041666668 - a2 * (0.0013888889 - a2 * (2.4801588e-5 - a2 * 2.7557319e-7))));
}

// (cos, sin) of 2π·w/2^32: quadrant from the top two bits, reflection past π/4 (as rng/normal.ts).
fn cosSinTurn(w: u32) -> vec2f {
  let q = w >> 30u;
  let t = w & 0x3fffffffu;
  var c: f32; var sn: f32;
  if (t < 0x20000000u) {
    let a = f32(t) * 1.4629181e-9;
    c = cosPoly(a); sn = sinPoly(a);
  } else {
    let b = f32(0x40000000u - t) * 1.4629181e-9;
    c = sinPoly(b); sn = cosPoly(b);
  }
  if (q == 0u) { return vec2f(c, sn); }
  if (q == 1u) { return vec2f(-sn, c); }
  if (q == 2u) { return vec2f(-c, -sn); }
  return vec2f(sn, -c);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let b = g.x;
  let p = g.y;
  if (p >= s.pairs || 4u * b >= s.len) { return; }
  let w = philox4x32(vec4u(b, s.pairStart + p, s.c2, s.c3), s.key0, s.key1);
  let r0 = sqrt(-2.0 * logUnit(w.x));
  let cs0 = cosSinTurn(w.y);
  let r1 = sqrt(-2.0 * logUnit(w.z));
  let cs1 = cosSinTurn(w.w);
  let z = array<f32, 4>(r0 * cs0.x, r0 * cs0.y, r1 * cs1.x, r1 * cs1.y);
  let base = p * s.len + 4u * b;
  for (var j = 0u; j < 4u; j++) {
    if (4u * b + j < s.len) { out[base + j] = z[j]; }
  }
}
`;

/**
 * The epilogue's activations, shared by BIAS_ACT_WGSL and FUSED_LAYER_WGSL: 0 identity, 1 tanh (the CPU's formula
 * t/(t + 2), t = expm1(2|x|): a series below 0.25, the device's exp above), 2 relu.
 */
const ACTIVATE_FN = /* wgsl */ `
fn activate(z: f32, act: u32) -> f32 {
  if (act == 1u) {
    let a = abs(z);
    var t = 1.0;
    if (a < 9.1) {
      // expm1(2a): its series below 0.25 (exp(x) − 1 would cancel there), exp above.
      let x2 = 2.0 * a;
      var x = exp(x2) - 1.0;
      if (x2 < 0.25) { x = x2 * (1.0 + x2 * (0.5 + x2 * (0.16666667 + x2 * (0.041666668 + x2 * (0.008333334 + x2 * (0.0013888889 + x2 * 0.0001984127)))))); }
      t = x / (x + 2.0);
    }
    return select(t, -t, z < 0.0);
  }
  if (act == 2u) { return select(z, 0.0, z < 0.0); }
  return z;
}
`;

/**
 * The layer epilogue on the device: Y[i, j] ← act(Y[i, j] + (b[j] + coef[i]·E[pair[i], j])) with coef[i] = sign·σ
 * (0 for an unperturbed row) and E the pairs' dense bias noise (hasNoise 0: no noise term); act 0 identity, 1 tanh
 * (the CPU's formula t/(t + 2), t = expm1(2|x|): a series below 0.25, the device's exp above), 2 relu.
 */
export const BIAS_ACT_WGSL = /* wgsl */ `
struct Dims { rows: u32, m: u32, act: u32, hasNoise: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> pair: array<i32>;
@group(0) @binding(4) var<storage, read> coef: array<f32>;
@group(0) @binding(5) var<storage, read> e: array<f32>;
${ACTIVATE_FN}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let q = g.x;
  if (q >= d.rows * d.m) { return; }
  let i = q / d.m;
  let j = q % d.m;
  var bias = b[j];
  if (d.hasNoise == 1u && coef[i] != 0.0) { bias = bias + coef[i] * e[u32(pair[i]) * d.m + j]; }
  y[q] = activate(y[q] + bias, d.act);
}
`;

/** SA[q, c] = w[q / r] · At[q, c] for q < pairs·r (each pair's A rows scaled by its weight: the update GEMM's left operand). */
export const SCALE_ROWS_WGSL = /* wgsl */ `
struct Dims { rows: u32, m: u32, r: u32, pad: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> at: array<f32>;
@group(0) @binding(3) var<storage, read_write> sa: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let q = g.x;
  if (q >= d.rows * d.m) { return; }
  sa[q] = w[(q / d.m) / d.r] * at[q];
}
`;

/** g[j] = scale · Σ_p w[p]·E[p, j], p ascending (the dense tensors' ES direction; the CPU sums in float64). */
export const DENSE_DIRECTION_WGSL = /* wgsl */ `
struct Dims { pairs: u32, len: u32, scale: f32, pad: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> e: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let j = g.x;
  if (j >= d.len) { return; }
  var acc = 0.0;
  for (var p = 0u; p < d.pairs; p++) { acc = acc + w[p] * e[p * d.len + j]; }
  out[j] = d.scale * acc;
}
`;

/**
 * One optimiser step on a tensor (es/optim.ts's formulas, ascent): kind 0 SGD (momentum mu > 0 keeps m), 1 Adam/AdamW
 * (c1, c2: the bias corrections 1/(1 − βᵗ), computed on the host; wd: decoupled weight decay).
 */
export const OPTIM_WGSL = /* wgsl */ `
struct Opt { len: u32, kind: u32, lr: f32, mu: f32, b1: f32, b2: f32, eps: f32, wd: f32, c1: f32, c2: f32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> o: Opt;
@group(0) @binding(1) var<storage, read_write> theta: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= o.len) { return; }
  let gi = g[i];
  if (o.kind == 0u) {
    if (o.mu > 0.0) { m[i] = o.mu * m[i] + gi; theta[i] = theta[i] + o.lr * m[i]; }
    else { theta[i] = theta[i] + o.lr * gi; }
    return;
  }
  m[i] = o.b1 * m[i] + (1.0 - o.b1) * gi;
  v[i] = o.b2 * v[i] + (1.0 - o.b2) * gi * gi;
  theta[i] = theta[i] + o.lr * ((m[i] * o.c1) / (sqrt(v[i] * o.c2) + o.eps) - o.wd * theta[i]);
}
`;

/**
 * A whole perturbed layer in one kernel: Y ← act(X·Wᵀ + Σ_ρ t[i·r + ρ]·At[pair·r + ρ, :] + b + c_i·E[pair, :]) — the
 * tiled GEMM (SGEMM_WGSL's, transB) with the low-rank term (t from LOWRANK_T_WGSL) and the bias/activation epilogue
 * (BIAS_ACT_WGSL's formulas) applied to each output before it is written, in the unfused kernels' order, so Y is
 * written once instead of three times. row[i] = (pair, bits of the bias noise coefficient c_i, bits of the low-rank
 * coefficient: 0 skips the term as LOWRANK_ADD_WGSL does, 0). Eight storage buffers: WebGPU's default limit.
 */
export const FUSED_LAYER_WGSL = /* wgsl */ `
struct Dims { rows: u32, m: u32, n: u32, r: u32, act: u32, hasLowRank: u32, hasNoise: u32, pad: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> t: array<f32>;
@group(0) @binding(4) var<storage, read> at: array<f32>;
@group(0) @binding(5) var<storage, read> row: array<vec4u>;
@group(0) @binding(6) var<storage, read> b: array<f32>;
@group(0) @binding(7) var<storage, read> e: array<f32>;
@group(0) @binding(8) var<storage, read_write> y: array<f32>;
const T = ${GEMM_TILE}u;
var<workgroup> ta: array<array<f32, ${GEMM_TILE}>, ${GEMM_TILE}>;
var<workgroup> tb: array<array<f32, ${GEMM_TILE}>, ${GEMM_TILE}>;
${ACTIVATE_FN}
@compute @workgroup_size(${GEMM_TILE}, ${GEMM_TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = wg.y * T + l.y;
  let j = wg.x * T + l.x;
  var acc = 0.0;
  let tiles = (d.n + T - 1u) / T;
  for (var q = 0u; q < tiles; q++) {
    let p = q * T + l.x;
    ta[l.y][l.x] = select(0.0, x[i * d.n + p], i < d.rows && p < d.n);
    let pb = q * T + l.y;
    tb[l.y][l.x] = select(0.0, w[j * d.n + pb], j < d.m && pb < d.n);
    workgroupBarrier();
    for (var k = 0u; k < T; k++) { acc = acc + ta[l.y][k] * tb[k][l.x]; }
    workgroupBarrier();
  }
  if (i >= d.rows || j >= d.m) { return; }
  let info = row[i];
  var v = 1.0 * acc;
  if (d.hasLowRank == 1u && bitcast<f32>(info.z) != 0.0) {
    let base = info.x * d.r;
    for (var rho = 0u; rho < d.r; rho++) { v = v + t[i * d.r + rho] * at[(base + rho) * d.m + j]; }
  }
  var bias = b[j];
  let c = bitcast<f32>(info.y);
  if (d.hasNoise == 1u && c != 0.0) { bias = bias + c * e[info.x * d.m + j]; }
  y[i * d.m + j] = activate(v + bias, d.act);
}
`;
