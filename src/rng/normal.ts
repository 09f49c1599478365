/**
 * Standard normals from Philox4x32-10 by the Box–Muller transform: each Philox block (4 × u32) gives
 * 4 normals, so element j of a stream is a pure function of (key, stream words, ⌊j/4⌋).
 *
 * The transform uses only +, −, ×, ÷ and √ on float64 (its own log, sin and cos polynomials instead of
 * Math.log/sin/cos, whose last bits differ between engines). IEEE-754 makes those operations exact
 * to the last bit everywhere, so this TypeScript code and the WebAssembly kernel in
 * src/rng/assembly/noise.ts produce bit-identical noise, on any machine; the wasm kernel is used when
 * it loads (see noise-wasm.ts) and is tested against this reference.
 */
import { philox4x32 } from './philox.js';
import { normalsKernel } from '../backend/index.js';

const block = new Uint32Array(4);

/** A stream is addressed by a 64-bit key and three 32-bit counter words; word 0 counts blocks (stream.ts). */
export type { StreamAddress } from './stream.js';
import type { StreamAddress } from './stream.js';

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;
const HALF_PI_OVER_2_30 = 1.4629180792671596e-9;
/** 2^-k for k = 0..32, exact. */
const INV_POW2 = new Float64Array(33);
for (let k = 0, v = 1; k <= 32; k++, v *= 0.5) INV_POW2[k] = v;

/** ln(w + 1) for an unsigned 32-bit w, to ~1e-14 relative, with arithmetic only. */
export function logWordPlusOne(w: number): number {
  if (w === 0) return 0;
  // y = w + 1 = 2^k · f with f in [1, 2): k from the integer's leading zeros (w + 1 = 2^32 when w = 2^32 − 1).
  let k = w === 0xffffffff ? 32 : 31 - Math.clz32(w + 1);
  let f = (w + 1) * INV_POW2[k];
  if (f > SQRT2) { f *= 0.5; k += 1; }
  const s = (f - 1) / (f + 1);
  const s2 = s * s;
  const p = 1 + s2 * (0.3333333333333333 + s2 * (0.2 + s2 * (0.14285714285714285 + s2 * (0.1111111111111111
    + s2 * (0.09090909090909091 + s2 * (0.07692307692307693 + s2 * 0.06666666666666667))))));
  return k * LN2 + 2 * s * p;
}

function sinPoly(a: number): number {
  const a2 = a * a;
  return a * (1 - a2 * (0.16666666666666666 - a2 * (0.008333333333333333 - a2 * (0.0001984126984126984 - a2 * (2.7557319223985893e-6
    - a2 * (2.505210838544172e-8 - a2 * (1.6059043836821613e-10 - a2 * 7.647163731819816e-13)))))));
}

function cosPoly(a: number): number {
  const a2 = a * a;
  return 1 - a2 * (0.5 - a2 * (0.041666666666666664 - a2 * (0.001388888888888889 - a2 * (2.48015873015873e-5
    - a2 * (2.755731922398589e-7 - a2 * (2.08767569878681e-9 - a2 * 1.1470745597729725e-11))))));
}

/** cos and sin of 2π·w/2^32 for an unsigned 32-bit w: quadrant from the top 2 bits, reflection past π/4. */
export function cosSinTurn(w: number, out: Float64Array): void {
  const q = w >>> 30;
  const t = w & 0x3fffffff;
  let c: number, s: number;
  if (t < 0x20000000) {
    const a = t * HALF_PI_OVER_2_30;
    c = cosPoly(a); s = sinPoly(a);
  } else {
    const b = (0x40000000 - t) * HALF_PI_OVER_2_30;
    c = sinPoly(b); s = cosPoly(b);
  }
  if (q === 0) { out[0] = c; out[1] = s; }
  else if (q === 1) { out[0] = -s; out[1] = c; }
  else if (q === 2) { out[0] = -c; out[1] = -s; }
  else { out[0] = s; out[1] = -c; }
}

const cs = new Float64Array(2);
const z = new Float64Array(4);

/** The reference implementation of fillNormals (plain TypeScript). */
export function fillNormalsRef(addr: StreamAddress, start: number, out: Float32Array | Float64Array, offset: number, count: number): void {
  if (start % 4 !== 0) throw new RangeError(`fillNormals: start must be a multiple of 4, got ${start}`);
  let b = start / 4;
  let i = 0;
  while (i < count) {
    philox4x32(b, addr.c1, addr.c2, addr.c3, addr.key0, addr.key1, block, 0);
    b++;
    for (let h = 0; h < 2; h++) {
      // u = (w + 1)/2^32 ∈ (0, 1], so ln u = ln(w + 1) − 32 ln 2 is finite; the angle is w'/2^32 turns.
      const r = Math.sqrt(-2 * (logWordPlusOne(block[2 * h]) - 32 * LN2));
      cosSinTurn(block[2 * h + 1], cs);
      z[2 * h] = r * cs[0];
      z[2 * h + 1] = r * cs[1];
    }
    const n = Math.min(4, count - i);
    for (let j = 0; j < n; j++) out[offset + i + j] = z[j];
    i += 4;
  }
}

/**
 * Fills out[offset .. offset+count) with N(0, 1) samples from positions [start, start+count) of the
 * stream. `start` must be a multiple of 4 (one Philox block), which keeps every element's value
 * independent of how a caller slices the stream. Uses the native or the wasm kernel when available (same bits).
 */
export function fillNormals(addr: StreamAddress, start: number, out: Float32Array | Float64Array, offset: number, count: number): void {
  if (start % 4 !== 0) throw new RangeError(`fillNormals: start must be a multiple of 4, got ${start}`);
  const kernel = count > 0 && out instanceof Float32Array ? normalsKernel() : null;
  if (kernel) kernel.fill(addr, start / 4, out as Float32Array, offset, count);
  else fillNormalsRef(addr, start, out, offset, count);
}

/** Uniform u32 words of a stream, for integer noise and sampling. */
export function fillUint32(addr: StreamAddress, start: number, out: Uint32Array, offset: number, count: number): void {
  if (start % 4 !== 0) throw new RangeError(`fillUint32: start must be a multiple of 4, got ${start}`);
  let b = start / 4;
  for (let i = 0; i < count; i += 4) {
    philox4x32(b++, addr.c1, addr.c2, addr.c3, addr.key0, addr.key1, block, 0);
    for (let j = 0; j < 4 && i + j < count; j++) out[offset + i + j] = block[j];
  }
}
