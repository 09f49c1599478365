/**
 * Tables of the fast paths, computed once (on first use, ≈ 5 ms each) in BigInt by exact.ts, so that they
 * are the same bits everywhere and need no literal digits to check; and the BigInt values of libm.ts's few
 * literal constants, for the test. Each value is a double-double:
 * hi + lo with |lo| ≤ ulp(hi)/2, accurate to ~2^-106 relative.
 */
import { bitLength, dyadicOf, roundDyadic, toFixed, LN2, PI, LN10, expOfFixed, sinCosOfFixed, atanOfFixed, logOfDyadicFixed } from './exact.js';
import { splitHi } from './eft.js';

const G = 200;

/** hi + lo of fixed X (G bits). */
function dd(X: bigint, g = G): [number, number] {
  const hi = roundDyadic(X, -g);
  return [hi, roundDyadic(X - toFixed(dyadicOf(hi), g), -g)];
}

/** X split into doubles of `bits` significant bits each (exact), then the rest rounded. */
function split(X: bigint, bits: number[], g = G): number[] {
  const out: number[] = [];
  let rest = X;
  for (const b of bits) {
    const s = BigInt(Math.max(0, bitLength(rest) - b));
    const top = (rest >> s) << s;
    out.push(roundDyadic(top, -g));
    rest -= top;
  }
  out.push(roundDyadic(rest, -g));
  return out;
}

/** The BigInt values of libm.ts's literal constants; test/math compares the two. */
export interface Constants {
  /** ln2/256 in three parts: the first two of 34 bits (k·part exact for |k| < 2^19). */
  readonly l256: number[];
  /** ln 2 in three parts, the first two of 42 bits (k·part exact for |k| < 2^11). */
  readonly ln2: number[];
  /** π/2 in four parts, the first three of 33 bits (q·part exact for |q| < 2^20). */
  readonly pio2: number[];
  readonly pio2dd: [number, number];
  readonly pidd: [number, number];
  readonly invLn2: [number, number];
  readonly invLn10: [number, number];
}

let constants: Constants | null = null;
export function getConstants(): Constants {
  if (constants) return constants;
  const l2 = LN2(G), pi = PI(G);
  constants = {
    l256: split(l2 >> 8n, [34, 34]),
    ln2: split(l2, [42, 42]),
    pio2: split(pi >> 1n, [33, 33, 33]),
    pio2dd: dd(pi >> 1n),
    pidd: dd(pi),
    invLn2: dd((1n << BigInt(2 * G)) / l2),
    invLn10: dd((1n << BigInt(2 * G)) / LN10(G)),
  };
  return constants;
}

export interface ExpTable { readonly hi: Float64Array; readonly lo: Float64Array; readonly hiH: Float64Array; readonly hiT: Float64Array }
let expTable: ExpTable | null = null;
/** 2^(j/256), j = 0…255, with hi's Veltkamp halves (hi = hiH + hiT exactly). */
export function getExpTable(): ExpTable {
  if (expTable) return expTable;
  const hi = new Float64Array(256), lo = new Float64Array(256), hiH = new Float64Array(256), hiT = new Float64Array(256);
  const l2 = LN2(G);
  for (let j = 0; j < 256; j++) {
    [hi[j], lo[j]] = dd(expOfFixed((BigInt(j) * l2) >> 8n, G));
    hiH[j] = splitHi(hi[j]); hiT[j] = hi[j] - hiH[j];
  }
  return (expTable = { hi, lo, hiH, hiT });
}

export interface LogTable { readonly c: Float64Array; readonly hi: Float64Array; readonly lo: Float64Array }
let logTable: LogTable | null = null;
/**
 * For m in [i/256, (i+1)/256), i = 192…383 (m ∈ [0.75, 1.5)): c ≈ 1/m (the double 512/(2i+1); exactly 1
 * for the two buckets beside 1, so that ln x near 1 is the series alone) and −ln c as hi + lo.
 */
export function getLogTable(): LogTable {
  if (logTable) return logTable;
  const c = new Float64Array(192), hi = new Float64Array(192), lo = new Float64Array(192);
  for (let i = 192; i < 384; i++) {
    const ci = i === 255 || i === 256 ? 1 : 512 / (2 * i + 1);
    c[i - 192] = ci;
    [hi[i - 192], lo[i - 192]] = dd(-logOfDyadicFixed(dyadicOf(ci), G));
  }
  return (logTable = { c, hi, lo });
}

/** hi + lo of sin and cos, and hi's Veltkamp halves (hi = H + T exactly) for exact products with hi. */
export interface TrigTable {
  readonly sin: Float64Array; readonly sinL: Float64Array; readonly sinH: Float64Array; readonly sinT: Float64Array;
  readonly cos: Float64Array; readonly cosL: Float64Array; readonly cosH: Float64Array; readonly cosT: Float64Array;
}
let trigTable: TrigTable | null = null;
/** sin and cos of j/256, j = 0…203 (covers [0, π/4] with a bucket to spare). */
export function getTrigTable(): TrigTable {
  if (trigTable) return trigTable;
  const n = 204;
  const [sin, sinL, sinH, sinT, cos, cosL, cosH, cosT] = Array.from({ length: 8 }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const [s, c] = sinCosOfFixed(BigInt(j) << BigInt(G - 8), G);
    [sin[j], sinL[j]] = dd(s);
    [cos[j], cosL[j]] = dd(c);
    sinH[j] = splitHi(sin[j]); sinT[j] = sin[j] - sinH[j];
    cosH[j] = splitHi(cos[j]); cosT[j] = cos[j] - cosH[j];
  }
  return (trigTable = { sin, sinL, sinH, sinT, cos, cosL, cosH, cosT });
}

export interface AtanTable { readonly hi: Float64Array; readonly lo: Float64Array }
let atanTable: AtanTable | null = null;
/** atan(j/256), j = 0…256. */
export function getAtanTable(): AtanTable {
  if (atanTable) return atanTable;
  const hi = new Float64Array(257), lo = new Float64Array(257);
  for (let j = 0; j <= 256; j++) [hi[j], lo[j]] = dd(atanOfFixed(BigInt(j) << BigInt(G - 8), G));
  return (atanTable = { hi, lo });
}
