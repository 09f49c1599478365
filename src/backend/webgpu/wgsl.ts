/**
 * The WebGPU kernels' WGSL. Every output element is computed by one invocation in a fixed order (k ascending), with
 * no atomics and no cross-invocation reduction, so a result depends only on its own inputs: the row contract of
 * backend/types.ts holds, and the same adapter and driver give the same bits on every run.
 */

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
 * to a u32 word (k padded with zeros to a multiple of 4); each byte is sign-extended with extractBits.
 */
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
 * out[4t .. 4t+4), the same words rng/philox.ts gives (the 32×32 → 64-bit product is built from 16-bit halves).
 */
export const PHILOX_WGSL = /* wgsl */ `
struct Stream { key0: u32, key1: u32, c1: u32, c2: u32, c3: u32, b0: u32, blocks: u32, pad: u32 }
@group(0) @binding(0) var<uniform> s: Stream;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

fn mulhilo(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2u(hi, a * b);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t >= s.blocks) { return; }
  var c = vec4u(s.b0 + t, s.c1, s.c2, s.c3);
  var k0 = s.key0; var k1 = s.key1;
  for (var r = 0u; r < 10u; r++) {
    let p0 = mulhilo(0xD2511F53u, c.x);
    let p1 = mulhilo(0xCD9E8D57u, c.z);
    c = vec4u(p1.x ^ c.y ^ k0, p1.y, p0.x ^ c.w ^ k1, p0.y);
    k0 = k0 + 0x9E3779B9u; k1 = k1 + 0xBB67AE85u;
  }
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
