/**
 * The element-wise layer epilogue every backend implements (`Backend.biasAct`): for each row i of a
 * rows×m block, z = y + b_i (b_i = the bias, plus, for a perturbed row, its dense bias noise), then the
 * activation. This file is the TypeScript reference; build/kernels.wasm (SIMD128) and the native addon
 * (AVX-512; identity, tanh and relu) compute exactly the same function, bit for bit.
 *
 * Why bit-identical is possible: only f32 +, −, ×, ÷, √ (all correctly rounded in IEEE 754, and in
 * JavaScript when each result goes through Math.fround — double rounding is innocuous for these), floor,
 * comparisons, selects and exact exponent construction, in one fixed order, with no FMA. So js, wasm
 * and native give the same bits, and a row's result depends only on that row.
 *
 * tanh: Math.tanh is exact-ish but slow (~25 ns) and differs between libms, so every backend uses this
 * formula instead (at most 2 ulps from the correctly rounded tanh over the whole float32 range; see
 * test/backend/epilogue.test.ts):
 *   a = |x|; for a ≥ 9.1 the result rounds to ±1; otherwise t = expm1(2a) and tanh(a) = t / (t + 2),
 *   with expm1(y) = 2^k·p + (2^k − 1), k = ⌊y/ln2 + ½⌋, r = (y − k·ln2_hi) − k·ln2_lo (Cody–Waite),
 *   p = expm1(r) = r + r²·(1/2 + r(1/6 + r(1/24 + r(1/120 + r(1/720 + r(1/5040 + r/40320)))))) (|r| ≤ ln2/2,
 *   truncation < 10⁻⁹ relative). t/(t+2) has relative condition ≤ 1 in t, so the error stays a few ulps
 *   down to the subnormals (k = 0: t = p ≈ 2a, and t/2 is exact). The sign is copied from x (±0 → ±0),
 *   NaN stays NaN.
 * relu: y < 0 ? 0 : y (so −0 and NaN pass through, as before).
 * pqn: relu(layernorm(z)) over each row, parameter-free: sum over 4 interleaved lane sums (element j in
 *   lane j mod 4 over the whole groups of four, lanes combined as (l0 + l1) + (l2 + l3), then the tail in
 *   order), mean = sum/m, the same for Σ(z − mean)², inv = 1/√(var/m + 1e-5), out = (z − mean)·inv > 0 ? … : 0.
 */

/** Element-wise activations of a layer (applied in place to a rows×width block). */
export type Activation = 'tanh' | 'relu' | 'pqn' | 'identity';
export const ACTIVATIONS = ['tanh', 'relu', 'pqn', 'identity'] as const;
/** The code the wasm and native kernels take for each activation. */
export const ACT_CODE: Record<Activation, number> = { identity: 0, tanh: 1, relu: 2, pqn: 3 };

const f = Math.fround;
export const TANH_CONST = {
  /** |x| at or beyond which tanh rounds to ±1 in float32 (the exact threshold is ≈ 9.0109). */
  cut: f(9.1),
  invLn2: f(1.4426950408889634),
  /** ln 2 split so that k·ln2Hi is exact for the k that occur (ln2Hi has 15 significant bits, k ≤ 27). */
  ln2Hi: f(0.693145751953125),
  ln2Lo: f(1.428606765330187e-6),
  /** Taylor coefficients 1/2!, …, 1/8! of expm1, rounded to float32. */
  c: [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320].map(f),
};
const { cut: CUT, invLn2: INVLN2, ln2Hi: LN2HI, ln2Lo: LN2LO } = TANH_CONST;
const [C2, C3, C4, C5, C6, C7, C8] = TANH_CONST.c;

/** The project's float32 tanh (see the header): the same bits on every backend. */
export function tanhF32(x: number): number {
  const a = Math.abs(x);
  if (!(a < CUT)) return a >= CUT ? (x < 0 ? -1 : 1) : x; // ±1, or NaN
  const y = f(a + a);
  const k = Math.floor(f(f(y * INVLN2) + 0.5));
  const r = f(f(y - f(k * LN2HI)) - f(k * LN2LO));
  let q = C8;
  q = f(C7 + f(r * q));
  q = f(C6 + f(r * q));
  q = f(C5 + f(r * q));
  q = f(C4 + f(r * q));
  q = f(C3 + f(r * q));
  q = f(C2 + f(r * q));
  const p = f(r + f(f(r * r) * q));
  const s = 2 ** k;
  const t = f(f(s * p) + f(s - 1));
  const v = f(t / f(t + 2));
  return x < 0 || Object.is(x, -0) ? -v : v;
}

/** The canonical 4-lane sum of v[o + j] (or of (v[o + j] − c)² when square) for j < m; see the header. */
function laneSum(v: Float32Array, o: number, m: number, c: number, square: boolean): number {
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  const term = (j: number): number => {
    if (!square) return v[o + j];
    const d = f(v[o + j] - c);
    return f(d * d);
  };
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    l0 = f(l0 + term(j)); l1 = f(l1 + term(j + 1)); l2 = f(l2 + term(j + 2)); l3 = f(l3 + term(j + 3));
  }
  let s = f(f(l0 + l1) + f(l2 + l3));
  for (; j < m; j++) s = f(s + term(j));
  return s;
}

/** PQN's activation of one row in place: relu(layernorm(row)). */
function pqnRow(y: Float32Array, o: number, m: number): void {
  const mean = f(laneSum(y, o, m, 0, false) / m);
  const v = f(laneSum(y, o, m, mean, true) / m);
  const inv = f(1 / f(Math.sqrt(f(v + f(1e-5)))));
  for (let j = 0; j < m; j++) {
    const z = f(f(y[o + j] - mean) * inv);
    y[o + j] = z > 0 ? z : 0;
  }
}

/**
 * Reference of Backend.biasAct: Y[i,:] ← act(Y[i,:] + b_i), b_i[j] = bias[j] + coef[i]·noise[pair[i]·m + j]
 * when noise is given and coef[i] ≠ 0, else bias[j]. All in float32.
 */
export function biasActRef(act: Activation, rows: number, m: number, y: Float32Array, bias: Float32Array,
  pair: Int32Array | null, noise: Float32Array | null, coef: Float32Array | null): void {
  for (let i = 0; i < rows; i++) {
    const o = i * m;
    const cf = noise && coef ? coef[i] : 0;
    const eo = cf !== 0 ? pair![i] * m : 0;
    for (let j = 0; j < m; j++) {
      const b = cf !== 0 ? f(bias[j] + f(cf * noise![eo + j])) : bias[j];
      const z = f(y[o + j] + b);
      y[o + j] = act === 'tanh' ? tanhF32(z) : act === 'relu' ? (z < 0 ? 0 : z) : z;
    }
    if (act === 'pqn') pqnRow(y, o, m);
  }
}

const NEG_ZERO_BIAS = new Map<number, Float32Array>();
/** A bias of −0 for `width` columns: the identity of IEEE addition (x + −0 = x for every x, ±0 included), shared and never written. */
export function negZeroBias(width: number): Float32Array {
  let b = NEG_ZERO_BIAS.get(width);
  if (!b) NEG_ZERO_BIAS.set(width, (b = new Float32Array(width).fill(-0)));
  return b;
}
