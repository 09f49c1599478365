/**
 * DNF formulas with the paper's global negation (Def. 2.3): Φ(x) = β[C_1 ∨ … ∨ C_t], β = −1 meaning
 * the complement. A clause is two bit masks over the variables: `pos` (x_j present) and `neg` (¬x_j
 * present), never both for one variable. Printed as `x1 & !x3 | x2`, `!(…)` for β = −1, `0` for the
 * empty DNF with β = +1 and `1` for the empty DNF with β = −1 (¬false = the constant-true function).
 */
import { emptyTable, literalPlanes, popcount32, validMask, wordsFor, type TruthTable } from './truth-table.js';
import type { Xoshiro128 } from '../rng/stream.js';

export interface Clause {
  pos: number;
  neg: number;
}

export interface Dnf {
  n: number;
  beta: 1 | -1;
  clauses: Clause[];
}

/**
 * The same function without an empty clause: an empty clause is constant true inside the OR, so
 * β[… ∨ 1 ∨ …] is the constant β·1, which is the empty DNF with −β (`0` or `1` when printed). Other
 * formulas are returned as they are. This is the form a masked network can hold (dfcn.ts: an all-zero
 * row never contributes), so a formula that goes with a network must be in it.
 */
export function normalizeDnf(f: Dnf): Dnf {
  if (!f.clauses.some((c) => (c.pos | c.neg) === 0)) return f;
  return { n: f.n, beta: f.beta === 1 ? -1 : 1, clauses: [] };
}

/** L(Φ) (Def. 2.4): total number of literals. */
export function dnfLength(d: Dnf): number {
  let k = 0;
  for (const c of d.clauses) k += popcount32(c.pos) + popcount32(c.neg);
  return k;
}

/** Writes the plane of one clause (AND of its literal planes) into out[off .. off+W). */
export function clausePlaneInto(n: number, lit: Uint32Array, pos: number, neg: number, out: Uint32Array, off: number): void {
  const W = wordsFor(n);
  const mask = validMask(n);
  for (let w = 0; w < W; w++) {
    let acc = mask;
    for (let j = 0; j < n; j++) {
      const b = 1 << j;
      if (pos & b) acc &= lit[j * W + w];
      else if (neg & b) acc &= ~lit[j * W + w];
    }
    out[off + w] = acc >>> 0;
  }
}

/** Bit-parallel evaluation over all 2^n inputs. */
export function evalDnf(d: Dnf, lit: Uint32Array = literalPlanes(d.n)): TruthTable {
  const t = emptyTable(d.n);
  const W = t.words.length;
  const tmp = new Uint32Array(W);
  for (const c of d.clauses) {
    clausePlaneInto(d.n, lit, c.pos, c.neg, tmp, 0);
    for (let w = 0; w < W; w++) t.words[w] |= tmp[w];
  }
  if (d.beta === -1) {
    const mask = validMask(d.n);
    for (let w = 0; w < W; w++) t.words[w] = (~t.words[w] & mask) >>> 0;
  }
  return t;
}

/** Per-input reference: the definition, one input at a time. */
export function evalDnfAt(d: Dnf, v: number): number {
  let or = 0;
  for (const c of d.clauses) if ((v & c.pos) === c.pos && (v & c.neg) === 0) { or = 1; break; }
  return d.beta === 1 ? or : 1 - or;
}

export function formatClause(c: Clause, n: number): string {
  const lits: string[] = [];
  for (let j = 0; j < n; j++) {
    if (c.pos & (1 << j)) lits.push(`x${j + 1}`);
    else if (c.neg & (1 << j)) lits.push(`!x${j + 1}`);
  }
  return lits.length === 0 ? '1' : lits.join(' & ');
}

export function formatDnf(d: Dnf): string {
  if (d.clauses.length === 0) return d.beta === 1 ? '0' : '1';
  const body = d.clauses.map((c) => formatClause(c, d.n)).join(' | ');
  return d.beta === 1 ? body : `!(${body})`;
}

/**
 * Parses `x1 & !x3 | x2`, `!(x1 | x2)`, `0`, `1`; `~` and `¬` also negate, `∧`/`∨` also work.
 * Variables are x1..xn. Throws RangeError naming the problem.
 */
export function parseDnf(text: string, n: number): Dnf {
  let s = text.trim().replace(/[∧]/g, '&').replace(/[∨]/g, '|').replace(/[~¬]/g, '!');
  let beta: 1 | -1 = 1;
  const neg = /^!\s*\((.*)\)$/s.exec(s);
  if (neg) { beta = -1; s = neg[1].trim(); }
  if (s === '0') return { n, beta, clauses: [] };
  if (s === '1') return { n, beta: beta === 1 ? -1 : 1, clauses: [] };
  const clauses: Clause[] = [];
  for (const part of s.split('|')) {
    const c: Clause = { pos: 0, neg: 0 };
    const lits = part.split('&').map((x) => x.trim());
    for (const l of lits) {
      const m = /^(!?)\s*x(\d+)$/.exec(l);
      if (!m) throw new RangeError(`cannot parse literal '${l}' in DNF; write literals as x1 or !x1, clauses joined by &, clauses by |`);
      const j = Number(m[2]) - 1;
      if (j < 0 || j >= n) throw new RangeError(`variable x${j + 1} out of range: variables are x1..x${n}`);
      const b = 1 << j;
      if ((c.pos | c.neg) & b) throw new RangeError(`variable x${j + 1} appears twice in clause '${part.trim()}'`);
      if (m[1]) c.neg |= b; else c.pos |= b;
    }
    clauses.push(c);
  }
  return { n, beta, clauses };
}

/** A random DNF: `t` clauses, each variable independently absent / positive / negative. */
export function randomDnf(n: number, t: number, rng: Xoshiro128, allowEmptyClause = false): Dnf {
  const clauses: Clause[] = [];
  while (clauses.length < t) {
    const c: Clause = { pos: 0, neg: 0 };
    for (let j = 0; j < n; j++) {
      const r = rng.below(3);
      if (r === 1) c.pos |= 1 << j;
      else if (r === 2) c.neg |= 1 << j;
    }
    if (!allowEmptyClause && (c.pos | c.neg) === 0) continue;
    clauses.push(c);
  }
  return { n, beta: rng.u32() & 1 ? 1 : -1, clauses };
}

/** Canonical key of a DNF up to clause order (for round-trip tests). */
export function dnfKey(d: Dnf): string {
  const cs = d.clauses.map((c) => `${c.pos}:${c.neg}`).sort();
  return `${d.n}|${d.beta}|${cs.join(',')}`;
}
