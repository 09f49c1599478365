/**
 * EGG's forward pass, noise and integer update in WGSL (issue 30: a device-resident EGG generation). Every kernel is
 * the integer arithmetic of kernels.ts / model.ts / noise.ts / qeggroll.ts, written for a GPU: int8 values travel
 * packed four to a u32 word (byte q of a word is element q, the CPU's byte order), products accumulate in i32, ≫ is
 * the arithmetic shift and I8 a clamp to [−127, 127]. Integer arithmetic is exact and every sum here is an integer
 * sum (order-free), so the device gives the CPU's bits — tested in test/egg/device.test.ts.
 *
 * Row i of a generation is population member i: sign +1 for even i, −1 for odd, pair i ≫ 1 (evaluate.ts's layout).
 * One-dimensional kernels run 64 invocations a workgroup over a (x, y) grid of at most 65,535 × 65,535 workgroups
 * (`lin` below; the host's `grid`), so a population's rows × words never hits the per-dimension limit.
 */

import { LINEAR_INDEX_FN, PHILOX_FN } from '../backend/index.js';

/** Shared helpers: packed bytes, saturation, the linear invocation index. */
const COMMON = /* wgsl */ `
fn sx(w: u32, q: u32) -> i32 { return extractBits(bitcast<i32>(w), q * 8u, 8u); }
fn un(w: u32) -> vec4i { return vec4i(sx(w, 0u), sx(w, 1u), sx(w, 2u), sx(w, 3u)); }
fn sat(v: vec4i) -> vec4i { return clamp(v, vec4i(-127), vec4i(127)); }
// I8 of four values, packed (the two's-complement low byte of each).
fn pk(v: vec4i) -> u32 {
  let c = bitcast<vec4u>(sat(v)) & vec4u(0xffu);
  return c.x | (c.y << 8u) | (c.z << 16u) | (c.w << 24u);
}
${LINEAR_INDEX_FN}fn rowSign(i: u32) -> i32 { return 1 - 2 * i32(i & 1u); }
`;

/** Philox4x32-10 (rng/philox.ts) and its 64-bit product from 16-bit halves: the backend's WGSL (mulhilo is also divTrunc's). */
const PHILOX = PHILOX_FN;

/**
 * noise.ts generatePairs on the device: word w of pair p's noise vector is Philox block b = w − off[j] of stream
 * (counter b, c1 = p, c2 = epoch, c3 = parameter j) — parameter j owning words [off[j], off[j+1]) — turned into four
 * int8 normals by tables.ts normalI8 (START then the CDF scan; entries from kMax on are 2³², which no word reaches).
 */
export const EGG_NOISE_WGSL = /* wgsl */ `
struct U { key0: u32, key1: u32, epoch: u32, pairs: u32, perPairW: u32, params: u32, kMax: u32, pad: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> offW: array<u32>;
@group(0) @binding(2) var<storage, read> cdf: array<u32>;
@group(0) @binding(3) var<storage, read> start: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
${COMMON}
${PHILOX}
fn nrm(x: u32) -> i32 {
  var k = start[x >> 20u];
  while (k < u.kMax && x >= cdf[k]) { k++; }
  return i32(k) - 127;
}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.pairs * u.perPairW) { return; }
  let p = id / u.perPairW;
  let w = id % u.perPairW;
  var j = 0u;
  while (j + 1u < u.params && offW[j + 1u] <= w) { j++; }
  let c = philox4x32(vec4u(w - offW[j], p, u.epoch, j), u.key0, u.key1);
  out[id] = pk(vec4i(nrm(c.x), nrm(c.y), nrm(c.z), nrm(c.w)));
}
`;

/**
 * model.ts setNoise's perturbed vectors, for every vector parameter (slot s) and row: I8(w_j + (sign·u_j·v_j ≫ k)).
 * info[s] = (the parameter's first word in params, its noise slice's first byte in a pair).
 */
export const EGG_VECTORS_WGSL = /* wgsl */ `
struct U { rows: u32, d4: u32, slots: u32, perPair: u32, k: u32, d: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> params: array<u32>;
@group(0) @binding(2) var<storage, read> noise: array<u32>;
@group(0) @binding(3) var<storage, read> info: array<vec2u>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  let perSlot = u.rows * u.d4;
  if (id >= u.slots * perSlot) { return; }
  let s = id / perSlot;
  let i = (id % perSlot) / u.d4;
  let w = id % u.d4;
  let base = (i >> 1u) * u.perPair + info[s].y;
  let uv = un(noise[base / 4u + w]);
  let vv = un(noise[(base + u.d) / 4u + w]);
  out[id] = pk(un(params[info[s].x + w]) + ((rowSign(i) * uv * vv) >> vec4u(u.k)));
}
`;

/**
 * The step's start: each row's input byte from its group's window; a 0 byte (a document start) zeroes the row's
 * recurrent states; then the embedding row of the byte, perturbed like a matmul: I8(E[t] + ((sign·u[t]·v) ≫ k)).
 */
export const EGG_EMBED_WGSL = /* wgsl */ `
struct U { rows: u32, d4: u32, perPair: u32, k: u32, t: u32, t1: u32, groupSize: u32, layers: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> windows: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
@group(0) @binding(3) var<storage, read> noise: array<u32>;
@group(0) @binding(4) var<storage, read_write> y: array<u32>;
@group(0) @binding(5) var<storage, read_write> states: array<u32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.rows * u.d4) { return; }
  let i = id / u.d4;
  let w = id % u.d4;
  let tok = windows[(i / u.groupSize) * u.t1 + u.t];
  if (tok == 0u) { for (var l = 0u; l < u.layers; l++) { states[l * u.rows * u.d4 + id] = 0u; } }
  let base = (i >> 1u) * u.perPair; // the embedding's noise is the first slice of a pair
  let ut = rowSign(i) * sx(noise[(base + tok) / 4u], (base + tok) % 4u);
  let v = un(noise[(base + 256u) / 4u + w]);
  y[id] = pk(un(params[tok * u.d4 + w]) + ((ut * v) >> vec4u(u.k)));
}
`;

/**
 * The L1 layer norm per row (one invocation a row): mav = max(1, I8(Σ|x| ≫ log₂D)), out_j = I8(trunc(x_j·w_j / mav))
 * with w the row's perturbed vector (slot word offset vecW) and trunc(p/m) = ⌊|p|·RECIP[m] / 2²¹⌋ with p's sign —
 * tables.ts divTrunc, the < 2³⁵ product taken as 64 bits.
 */
export const EGG_LAYERNORM_WGSL = /* wgsl */ `
struct U { rows: u32, d4: u32, logD: u32, vecW: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> vecs: array<u32>;
@group(0) @binding(3) var<storage, read> recip: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
${COMMON}
${PHILOX}
fn divT(p: i32, r: u32) -> i32 {
  let h = mulhilo(u32(abs(p)), r);
  let q = i32((h.x << 11u) | (h.y >> 21u));
  return select(q, -q, p < 0);
}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = lin(wid, lid);
  if (i >= u.rows) { return; }
  var sum = 0i;
  for (var w = 0u; w < u.d4; w++) { let a = abs(un(x[i * u.d4 + w])); sum += a.x + a.y + a.z + a.w; }
  let r = recip[max(1, min(127, sum >> u.logD))];
  for (var w = 0u; w < u.d4; w++) {
    let p = un(x[i * u.d4 + w]) * un(vecs[u.vecW + i * u.d4 + w]);
    out[i * u.d4 + w] = pk(vec4i(divT(p.x, r), divT(p.y, r), divT(p.z, r), divT(p.w, r)));
  }
}
`;

/** The rank-1 term's row factor of x@W: t[i] = sign·(x_i · v) with v the row's pair's input-side noise of W. */
export const EGG_ROWDOT_WGSL = /* wgsl */ `
struct U { rows: u32, n4: u32, perPair: u32, vOff: u32, xW: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> noise: array<u32>;
@group(0) @binding(3) var<storage, read_write> t: array<i32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = lin(wid, lid);
  if (i >= u.rows) { return; }
  let v0 = ((i >> 1u) * u.perPair + u.vOff) / 4u;
  var acc = 0i;
  for (var w = 0u; w < u.n4; w++) { acc += dot(un(x[u.xW + i * u.n4 + w]), un(noise[v0 + w])); }
  t[i] = rowSign(i) * acc;
}
`;

/**
 * x@W with its epilogue fused into the GEMM (kernels.ts matmulEpilogue): each invocation makes four outputs of a row
 * (one packed word): acc = x_i·W_rᵀ exactly, then I8((acc + ⌊t·u_r / 2ᵏ⌋) ≫ shift). ⌊t·u/2ᵏ⌋ is taken as
 * (t ≫ k)·u + (((t mod 2ᵏ)·u) ≫ k), exact in i32 where t·u (up to 2³⁴ for n = 4096) is not.
 */
export function eggMatmulWgsl(packedDot: boolean): string {
  return /* wgsl */ `
struct U { rows: u32, m4: u32, n4: u32, perPair: u32, uOff: u32, wW: u32, k: u32, shift: u32, xW: u32, outW: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
@group(0) @binding(3) var<storage, read> noise: array<u32>;
@group(0) @binding(4) var<storage, read> t: array<i32>;
@group(0) @binding(5) var<storage, read_write> out: array<u32>;
${COMMON}
fn dot4(a: u32, b: u32) -> i32 { ${packedDot ? 'return dot4I8Packed(a, b);' : 'return dot(un(a), un(b));'} }
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let ow = g.x;
  let i = g.y;
  if (ow >= u.m4 || i >= u.rows) { return; }
  var acc = vec4i(0);
  let xr = u.xW + i * u.n4;
  let w0 = u.wW + 4u * ow * u.n4;
  for (var w = 0u; w < u.n4; w++) {
    let xv = x[xr + w];
    acc += vec4i(dot4(xv, params[w0 + w]), dot4(xv, params[w0 + u.n4 + w]), dot4(xv, params[w0 + 2u * u.n4 + w]), dot4(xv, params[w0 + 3u * u.n4 + w]));
  }
  let tt = t[i];
  let uv = un(noise[((i >> 1u) * u.perPair + u.uOff) / 4u + ow]);
  let low = tt & ((1 << u.k) - 1);
  let term = (tt >> u.k) * uv + ((low * uv) >> vec4u(u.k));
  out[u.outW + i * u.m4 + ow] = pk((acc + term) >> vec4u(u.shift));
}
`;
}

/** out = I8(a + b + c) with c the rows' perturbed bias (slot word offset vecW). */
export const EGG_ADD3_WGSL = /* wgsl */ `
struct U { words: u32, vecW: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read> vecs: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.words) { return; }
  out[id] = pk(un(a[id]) + un(b[id]) + un(vecs[u.vecW + id]));
}
`;

/** The GRU's reset: f̂ = I8(((f + 127)⊙s) ≫ 8), s the layer's state (word offset sW). */
export const EGG_GRU_RESET_WGSL = /* wgsl */ `
struct U { words: u32, sW: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> f: array<u32>;
@group(0) @binding(2) var<storage, read> states: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.words) { return; }
  out[id] = pk(((un(f[id]) + 127) * un(states[u.sW + id])) >> vec4u(8u));
}
`;

/** The GRU's update and the residual: h = I8(s + I8(((f + 127)⊙(ĥ − s)) ≫ 8)); s ← h; y ← I8(y + h). */
export const EGG_GRU_UPDATE_WGSL = /* wgsl */ `
struct U { words: u32, sW: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> f: array<u32>;
@group(0) @binding(2) var<storage, read> hh: array<u32>;
@group(0) @binding(3) var<storage, read_write> states: array<u32>;
@group(0) @binding(4) var<storage, read_write> y: array<u32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.words) { return; }
  let s = un(states[u.sW + id]);
  let h = sat(s + sat(((un(f[id]) + 127) * (un(hh[id]) - s)) >> vec4u(8u)));
  states[u.sW + id] = pk(h);
  y[id] = pk(un(y[id]) + h);
}
`;

/** The MLP's residual: y ← I8(y + a). */
export const EGG_ADD_INTO_WGSL = /* wgsl */ `
struct U { words: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.words) { return; }
  y[id] = pk(un(y[id]) + un(a[id]));
}
`;

/**
 * Fitness: each row's log₂-probability of its target byte (the byte after this step's input in its window), in
 * 1/16 bit (kernels.ts logProb16: y' − LOG2[Σ EXP2[y']], log2Fix16 by the leading bit and the mantissa table), added
 * to fitness[i].
 */
export const EGG_LOGPROB_WGSL = /* wgsl */ `
struct U { rows: u32, t: u32, t1: u32, groupSize: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> logits: array<u32>;
@group(0) @binding(2) var<storage, read> windows: array<u32>;
@group(0) @binding(3) var<storage, read> exp2t: array<i32>;
@group(0) @binding(4) var<storage, read> mant: array<i32>;
@group(0) @binding(5) var<storage, read_write> fitness: array<i32>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = lin(wid, lid);
  if (i >= u.rows) { return; }
  var sum = 0i;
  for (var w = 0u; w < 64u; w++) {
    let v = un(logits[i * 64u + w]) + 128;
    sum += exp2t[v.x] + exp2t[v.y] + exp2t[v.z] + exp2t[v.w];
  }
  let e = firstLeadingBit(u32(sum));
  let m = select(u32(sum) << (16u - e), u32(sum) >> (e - 16u), e >= 16u);
  let fixed = 16 * (i32(e) - 4) * 65536 + mant[m - 65536u];
  let tgt = windows[(i / u.groupSize) * u.t1 + u.t + 1u];
  let lt = sx(logits[i * 64u + tgt / 4u], tgt % 4u);
  fitness[i] += lt + 128 - ((fixed + 32768) >> 16u);
}
`;

/**
 * The integer EGGROLL update (qeggroll.ts) for every parameter word: Z = Σ_k F_k·u_k[r]·v_k[c] (a vector: u_k[r]·v_k[r])
 * over the P pairs in i32 (wrapping like the CPU's int32 GEMM), then where Z ≠ 0 and |Z| ≥ need (= thr·⌊√P⌋·16, the
 * z-test 16·|Z| ≥ thr·⌊√P⌋·256 divided through) θ ← I8(θ + sign Z). stats[0] counts moved parameters, stats[1] those
 * held at ±127 (integer atomics: the counts do not depend on the order). spec[j] = (first word, R, C, noise offset,
 * vector?) for parameter j.
 */
export const EGG_UPDATE_WGSL = /* wgsl */ `
struct U { words: u32, params: u32, pairs: u32, perPair: u32, need: i32, pad0: u32, pad1: u32, pad2: u32 }
struct Spec { w0: u32, r: u32, c: u32, off: u32, vector: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> spec: array<Spec>;
@group(0) @binding(2) var<storage, read> signs: array<i32>;
@group(0) @binding(3) var<storage, read> noise: array<u32>;
@group(0) @binding(4) var<storage, read_write> params: array<u32>;
@group(0) @binding(5) var<storage, read_write> stats: array<atomic<u32>, 2>;
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let id = lin(wid, lid);
  if (id >= u.words) { return; }
  var j = 0u;
  while (j + 1u < u.params && spec[j + 1u].w0 <= id) { j++; }
  let sp = spec[j];
  let q = 4u * (id - sp.w0); // first element of this word within the parameter
  var z = vec4i(0);
  for (var k = 0u; k < u.pairs; k++) {
    let f = signs[k];
    if (f == 0) { continue; }
    let base = k * u.perPair + sp.off;
    if (sp.vector == 1u) {
      z += f * un(noise[base / 4u + q / 4u]) * un(noise[(base + sp.r) / 4u + q / 4u]);
    } else {
      let r = q / sp.c;
      let c = q % sp.c;
      z += f * sx(noise[(base + r) / 4u], (base + r) % 4u) * un(noise[(base + sp.r + c) / 4u]);
    }
  }
  let old = un(params[id]);
  var nv = old;
  var moved = 0u;
  var clipped = 0u;
  for (var e = 0u; e < 4u; e++) {
    if (z[e] != 0 && abs(z[e]) >= u.need) {
      nv[e] = clamp(old[e] + select(-1, 1, z[e] > 0), -127, 127);
      if (nv[e] == old[e]) { clipped++; } else { moved++; }
    }
  }
  params[id] = pk(nv);
  if (moved > 0u) { atomicAdd(&stats[0], moved); }
  if (clipped > 0u) { atomicAdd(&stats[1], clipped); }
}
`;
