/**
 * The depth-2 discrete fully connected network (DFCN, Def. 2.6):
 *   f(x) = 1[ W² ReLU(W¹x + b¹) + b² > 0 ],  W¹ ∈ {−1,0,1}^{H×n},  b¹_i = 1 − #(+1 in row i),
 *   W²_i ∈ β·{0,1},  b² = (1 − β)/2,  β ∈ {±1},  H = α_w·2^{n−1}.
 * Row i of W¹ is clause C_i (+1 → x_j, −1 → ¬x_j, 0 → absent); ReLU(z_i) is exactly C_i(x) ∈ {0,1}.
 *
 * Choice (documented, the paper leaves it open for training): an ALL-ZERO row is masked — it never
 * contributes, whatever W²_i holds. Literally it would be an always-true clause (b = 1, z = 1), and a
 * single such active row would make the network constant (paper §1.2 pitfall; Lemma D.4 treats it as
 * False). W²_i is still a parameter and still counts in ‖W²‖₁, so weight decay removes it.
 *
 * We store w2[i] = |W²_i| ∈ {0,1}; the signed weight is β·w2[i].
 */
import { clausePlaneInto, normalizeDnf, type Clause, type Dnf } from './dnf.js';
import { emptyTable, literalPlanes, validMask, wordsFor, type TruthTable } from './truth-table.js';
import type { Xoshiro128 } from '../rng/stream.js';

export interface Dfcn {
  n: number;
  H: number;
  beta: 1 | -1;
  /** Row-major H × n, entries in {−1, 0, 1}. */
  w1: Int8Array;
  /** |W²_i| ∈ {0, 1}. */
  w2: Uint8Array;
}

/** H = α_w · 2^{n−1}, at least 1. */
export function widthFor(n: number, alpha: number): number {
  return Math.max(1, Math.round(alpha * 2 ** (n - 1)));
}

export function zeroNet(n: number, H: number, beta: 1 | -1 = 1): Dfcn {
  return { n, H, beta, w1: new Int8Array(H * n), w2: new Uint8Array(H) };
}

export function cloneNet(d: Dfcn): Dfcn {
  return { n: d.n, H: d.H, beta: d.beta, w1: d.w1.slice(), w2: d.w2.slice() };
}

export function rowClause(d: Dfcn, i: number): Clause {
  let pos = 0, neg = 0;
  for (let j = 0; j < d.n; j++) {
    const w = d.w1[i * d.n + j];
    if (w === 1) pos |= 1 << j;
    else if (w === -1) neg |= 1 << j;
  }
  return { pos, neg };
}

/** Row i is an active clause iff W²_i ≠ 0 and the row is not all zero (masking, see above). */
export function rowActive(d: Dfcn, i: number): boolean {
  if (!d.w2[i]) return false;
  for (let j = 0; j < d.n; j++) if (d.w1[i * d.n + j] !== 0) return true;
  return false;
}

export function l1W1(d: Dfcn): number {
  let k = 0;
  for (let i = 0; i < d.w1.length; i++) if (d.w1[i] !== 0) k++;
  return k;
}

export function l1W2(d: Dfcn): number {
  let k = 0;
  for (let i = 0; i < d.H; i++) k += d.w2[i];
  return k;
}

export function activeClauses(d: Dfcn): number {
  let k = 0;
  for (let i = 0; i < d.H; i++) if (rowActive(d, i)) k++;
  return k;
}

/** ‖W¹‖₁ restricted to active rows: the length of the DNF the network computes. */
export function activeLiterals(d: Dfcn): number {
  let k = 0;
  for (let i = 0; i < d.H; i++) {
    if (!rowActive(d, i)) continue;
    for (let j = 0; j < d.n; j++) if (d.w1[i * d.n + j] !== 0) k++;
  }
  return k;
}

/** Bit-parallel evaluation over all 2^n inputs: OR of active clause planes, complemented for β = −1. */
export function evalNet(d: Dfcn, lit: Uint32Array = literalPlanes(d.n)): TruthTable {
  const t = emptyTable(d.n);
  const W = wordsFor(d.n);
  const tmp = new Uint32Array(W);
  for (let i = 0; i < d.H; i++) {
    if (!rowActive(d, i)) continue;
    const c = rowClause(d, i);
    clausePlaneInto(d.n, lit, c.pos, c.neg, tmp, 0);
    for (let w = 0; w < W; w++) t.words[w] |= tmp[w];
  }
  if (d.beta === -1) {
    const m = validMask(d.n);
    for (let w = 0; w < W; w++) t.words[w] = (~t.words[w] & m) >>> 0;
  }
  return t;
}

/**
 * Reference evaluation at one input, by the network's arithmetic (pre-activations, biases, ReLU,
 * threshold) rather than by the clause construction — this is what the bit-parallel path is tested against.
 */
export function evalNetAt(d: Dfcn, v: number): number {
  let out = (1 - d.beta) / 2; // b²
  for (let i = 0; i < d.H; i++) {
    let plus = 0, z = 0, zero = true;
    for (let j = 0; j < d.n; j++) {
      const w = d.w1[i * d.n + j];
      if (w !== 0) zero = false;
      if (w === 1) plus++;
      z += w * ((v >>> j) & 1);
    }
    if (zero) continue; // masked all-zero row
    z += 1 - plus; // b¹_i
    const h = z > 0 ? z : 0; // ReLU
    out += d.beta * d.w2[i] * h;
  }
  return out > 0 ? 1 : 0;
}

/** Network → DNF (Prop. 2.7): the active rows, in row order. */
export function toDnf(d: Dfcn): Dnf {
  const clauses: Clause[] = [];
  for (let i = 0; i < d.H; i++) if (rowActive(d, i)) clauses.push(rowClause(d, i));
  return { n: d.n, beta: d.beta, clauses };
}

/**
 * DNF → network of width H (Prop. 2.7): clause c → row c with W²=β, remaining rows zero with W²=0.
 * An empty clause (constant true inside the OR) is not a row the masked network can hold, so the
 * formula is first normalised (normalizeDnf): β[… ∨ 1 ∨ …] is the constant β·1, the empty DNF with −β.
 */
export function fromDnf(f: Dnf, H: number): Dfcn {
  const { beta, clauses } = normalizeDnf(f);
  if (clauses.length > H) throw new RangeError(`DNF has ${clauses.length} clauses but the network has only H = ${H} rows`);
  const d = zeroNet(f.n, H, beta);
  clauses.forEach((c, i) => {
    for (let j = 0; j < f.n; j++) {
      if (c.pos & (1 << j)) d.w1[i * f.n + j] = 1;
      else if (c.neg & (1 << j)) d.w1[i * f.n + j] = -1;
    }
    d.w2[i] = 1;
  });
  return d;
}

/** The canonical form of a network: inactive rows zeroed (the representative the bijection returns). */
export function canonicalNet(d: Dfcn): Dfcn {
  const c = cloneNet(d);
  for (let i = 0; i < d.H; i++) {
    if (!rowActive(d, i)) {
      c.w2[i] = 0;
      c.w1.fill(0, i * d.n, (i + 1) * d.n);
    }
  }
  return c;
}

/** Canonical key of a network up to row order (for round-trip tests). */
export function netKey(d: Dfcn): string {
  const rows: string[] = [];
  for (let i = 0; i < d.H; i++) rows.push(`${d.w2[i]}:${Array.from(d.w1.subarray(i * d.n, (i + 1) * d.n)).join(',')}`);
  return `${d.n}|${d.H}|${d.beta}|${rows.sort().join(';')}`;
}

/**
 * Random parameters. 'prior' is Def. 3.1 (W¹ uniform ternary, β a fair coin, W²_i = β on every
 * non-zero row); 'uniform' is Algorithm 1's start (W² uniform in {0, β} independently).
 */
export function randomNet(n: number, H: number, rng: Xoshiro128, w2mode: 'prior' | 'uniform'): Dfcn {
  const d = zeroNet(n, H, rng.u32() & 1 ? 1 : -1);
  for (let k = 0; k < d.w1.length; k++) d.w1[k] = rng.below(3) - 1;
  for (let i = 0; i < H; i++) {
    if (w2mode === 'uniform') d.w2[i] = rng.u32() & 1;
    else {
      let nz = 0;
      for (let j = 0; j < n; j++) if (d.w1[i * n + j] !== 0) nz = 1;
      d.w2[i] = nz;
    }
  }
  return d;
}

/**
 * A learner's starting point: 'uniform' is Alg. 1 (W¹ uniform ternary, W² uniform in {0, β}); 'empty' is
 * the all-zero network (the empty DNF, the minimum-norm point), with β a fair coin. Our addition: at
 * n ≥ 10 a chain started from Alg. 1's 2^n-clause random network spends its whole budget pruning.
 */
export type InitKind = 'uniform' | 'empty';
export function initNet(n: number, H: number, rng: Xoshiro128, kind: InitKind): Dfcn {
  if (kind === 'uniform') return randomNet(n, H, rng, 'uniform');
  return zeroNet(n, H, rng.u32() & 1 ? 1 : -1);
}

/** Ternary row code: Σ_j digit_j 3^j with digit 0 = absent, 1 = x_j, 2 = ¬x_j. Code 0 is the zero row. */
export function digitOf(w: number): number {
  return w === 0 ? 0 : w === 1 ? 1 : 2;
}

/**
 * Clause planes for every ternary row code, for n ≤ TABLE_MAX_N (3^n · W words; 1.9 M words at n = 10).
 * Entry 0 (the zero row) is the empty plane: masking is built into the table.
 */
export const TABLE_MAX_N = 10;

export function clauseTable(n: number): Uint32Array {
  if (n > TABLE_MAX_N) throw new RangeError(`clause table only for n ≤ ${TABLE_MAX_N}`);
  const W = wordsFor(n);
  const count = 3 ** n;
  const lit = literalPlanes(n);
  const out = new Uint32Array(count * W);
  for (let code = 1; code < count; code++) {
    let pos = 0, neg = 0, c = code;
    for (let j = 0; j < n; j++) {
      const dgt = c % 3;
      c = (c - dgt) / 3;
      if (dgt === 1) pos |= 1 << j;
      else if (dgt === 2) neg |= 1 << j;
    }
    clausePlaneInto(n, lit, pos, neg, out, code * W);
  }
  return out;
}
