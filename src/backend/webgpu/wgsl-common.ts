/**
 * WGSL shared by the backend's kernels and by the models' own (egg/device-wgsl.ts, reason/device-lm.ts): Philox and
 * the linear invocation index. Exported through backend/index.ts, so a model's kernels never reach into the backend.
 */

/**
 * The linear index of a one-dimensional kernel with 64 invocations a workgroup laid on an (x, y) grid of workgroups
 * (workgroupGrid in device.ts): a population's rows × columns may pass the 65,535 workgroups one dimension allows.
 */
export const LINEAR_INDEX_FN = /* wgsl */ `
fn lin(wid: vec3u, lid: vec3u) -> u32 { return (wid.y * 65535u + wid.x) * 64u + lid.x; }
`;

/**
 * Philox4x32-10 in WGSL, shared by the kernels that draw (rng/philox.ts's rounds and constants; the 32×32 → 64-bit
 * product is built from 16-bit halves, WGSL having no 64-bit integers).
 */
export const PHILOX_FN = /* wgsl */ `
fn mulhilo(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2u(hi, a * b);
}

fn philox4x32(counter: vec4u, key0: u32, key1: u32) -> vec4u {
  var c = counter;
  var k0 = key0; var k1 = key1;
  for (var r = 0u; r < 10u; r++) {
    let p0 = mulhilo(0xD2511F53u, c.x);
    let p1 = mulhilo(0xCD9E8D57u, c.z);
    c = vec4u(p1.x ^ c.y ^ k0, p1.y, p0.x ^ c.w ^ k1, p0.y);
    k0 = k0 + 0x9E3779B9u; k1 = k1 + 0xBB67AE85u;
  }
  return c;
}
`;

