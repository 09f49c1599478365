/**
 * Standard normals from Philox4x32-10 by the Box–Muller transform: each Philox block (4 × u32) gives
 * 4 normals, so element j of a stream is a pure function of (key, stream words, ⌊j/4⌋).
 */
import { philox4x32 } from './philox.js';

const TWO_PI = 2 * Math.PI;
const INV_2_32 = 1 / 4294967296;
const block = new Uint32Array(4);

/** A stream of normals is addressed by a 64-bit key and three 32-bit counter words; word 0 counts blocks. */
export interface StreamAddress {
  key0: number;
  key1: number;
  c1: number;
  c2: number;
  c3: number;
}

/**
 * Fills out[offset .. offset+count) with N(0, 1) samples from positions [start, start+count) of the
 * stream. `start` must be a multiple of 4 (one Philox block), which keeps every element's value
 * independent of how a caller slices the stream.
 */
export function fillNormals(addr: StreamAddress, start: number, out: Float32Array | Float64Array, offset: number, count: number): void {
  if (start % 4 !== 0) throw new RangeError(`fillNormals: start must be a multiple of 4, got ${start}`);
  let b = start / 4;
  let i = 0;
  while (i < count) {
    philox4x32(b, addr.c1, addr.c2, addr.c3, addr.key0, addr.key1, block, 0);
    b++;
    // Uniforms in (0, 1): the +0.5 keeps log() finite.
    const u1 = (block[0] + 0.5) * INV_2_32;
    const u2 = (block[1] + 0.5) * INV_2_32;
    const u3 = (block[2] + 0.5) * INV_2_32;
    const u4 = (block[3] + 0.5) * INV_2_32;
    const r1 = Math.sqrt(-2 * Math.log(u1));
    const r2 = Math.sqrt(-2 * Math.log(u3));
    const t1 = TWO_PI * u2;
    const t2 = TWO_PI * u4;
    const z0 = r1 * Math.cos(t1);
    const z1 = r1 * Math.sin(t1);
    const z2 = r2 * Math.cos(t2);
    const z3 = r2 * Math.sin(t2);
    const rest = count - i;
    out[offset + i] = z0;
    if (rest > 1) out[offset + i + 1] = z1;
    if (rest > 2) out[offset + i + 2] = z2;
    if (rest > 3) out[offset + i + 3] = z3;
    i += 4;
  }
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
