/**
 * Complexity measures of Boolean functions (paper Def. 2.5, App. B.1–B.2):
 *   K   = minimum total literals over DNFs (with the global β, so min over f and ¬f),
 *   K_θ = minimum literals + clauses, K_C = 2 × minimum clauses, K_LZ = Lempel–Ziv (eq. 8).
 *
 * The minimiser is our own Quine–McCluskey + exact cover:
 *  1. Prime implicants of the allowed set (required ∪ don't-care) by dynamic programming over all 3^n
 *     cubes: a cube is allowed iff both halves along its first free variable are; a prime is an
 *     allowed cube none of whose one-literal-shorter super-cubes is allowed. O(n·3^n), exact, n ≤ 13.
 *  2. A minimum-cost cover of the required minterms by primes (every optimum for all three costs
 *     can be taken prime: widening an implicant never adds literals or clauses), solved by branch and
 *     bound — branch on the uncovered minterm with fewest primes, bound by a greedy set of minterms no
 *     two of which share a prime — after dominated primes are removed. A greedy cover is the start.
 *  The result is exact unless the node budget runs out (then `exact: false`, the best cover found).
 *  Above n = 13 (the 3^n table gets too big) a documented heuristic replaces step 1: each required
 *  minterm is greedily widened (dropping literals in variable order while the cube stays allowed),
 *  and step 2 runs on those implicants; the result is an upper bound, marked `exact: false`.
 */
import type { Clause, Dnf } from './dnf.js';
import { clausePlaneInto } from './dnf.js';
import { complement, getBit, literalPlanes, popcount32, wordsFor, type TruthTable } from './truth-table.js';
import { log2 } from '../math/index.js';

export type CostKind = 'literals' | 'literals+clauses' | 'clauses';

export interface MinDnfResult {
  dnf: Dnf;
  cost: number;
  exact: boolean;
  primes: number;
  nodes: number;
}

export interface MinimiseOptions {
  cost?: CostKind;
  /** Branch-and-bound nodes before giving up exactness (default 200 000). */
  nodeBudget?: number;
}

export const PRIME_DP_MAX_N = 13;

/** All prime implicants of `allowed` that cover at least one minterm of `required`. */
export function primeImplicants(required: TruthTable, allowed: TruthTable): Clause[] {
  const n = required.n;
  const size = 3 ** n;
  const ok = new Uint8Array(size);
  const pow3 = new Int32Array(n + 1);
  pow3[0] = 1;
  for (let j = 1; j <= n; j++) pow3[j] = pow3[j - 1] * 3;
  const dig = new Uint8Array(n);
  const out: Clause[] = [];
  for (let c = 0; c < size; c++) {
    if (c > 0) { // increment the base-3 digits
      let j = 0;
      while (dig[j] === 2) dig[j++] = 0;
      dig[j]++;
    }
    let low2 = -1, v = 0;
    for (let j = 0; j < n; j++) {
      if (dig[j] === 2) { if (low2 < 0) low2 = j; } else if (dig[j] === 1) v |= 1 << j;
    }
    ok[c] = low2 < 0 ? getBit(allowed, v) : (ok[c - 2 * pow3[low2]] & ok[c - pow3[low2]]);
  }
  // Second pass: primes (needs ok[] of larger cubes, so after the first pass).
  dig.fill(0);
  for (let c = 0; c < size; c++) {
    if (c > 0) {
      let j = 0;
      while (dig[j] === 2) dig[j++] = 0;
      dig[j]++;
    }
    if (!ok[c]) continue;
    let prime = true, pos = 0, neg = 0;
    for (let j = 0; j < n && prime; j++) {
      if (dig[j] === 2) continue;
      if (ok[c + (2 - dig[j]) * pow3[j]]) prime = false;
      if (dig[j] === 1) pos |= 1 << j; else neg |= 1 << j;
    }
    if (prime) out.push({ pos, neg });
  }
  return out.filter((p) => coversAny(p, required));
}

function coversAny(p: Clause, required: TruthTable): boolean {
  const N = 1 << required.n;
  const care = p.pos | p.neg;
  // Enumerate the cube's minterms when it is small, else scan the required set.
  const free = required.n - popcount32(care);
  if (free <= 10) {
    const freeBits: number[] = [];
    for (let j = 0; j < required.n; j++) if (!(care & (1 << j))) freeBits.push(j);
    for (let s = 0; s < 1 << free; s++) {
      let v = p.pos;
      for (let b = 0; b < free; b++) if (s & (1 << b)) v |= 1 << freeBits[b];
      if (getBit(required, v)) return true;
    }
    return false;
  }
  for (let v = 0; v < N; v++) if (getBit(required, v) && (v & care) === p.pos) return true;
  return false;
}

/** Heuristic implicants for n > PRIME_DP_MAX_N: each required minterm widened greedily. */
export function greedyImplicants(required: TruthTable, allowed: TruthTable): Clause[] {
  const n = required.n;
  const W = wordsFor(n);
  const lit = literalPlanes(n);
  const plane = new Uint32Array(W);
  const covered = new Uint32Array(W);
  const out: Clause[] = [];
  const inside = (pos: number, neg: number) => {
    clausePlaneInto(n, lit, pos, neg, plane, 0);
    for (let w = 0; w < W; w++) if (plane[w] & ~allowed.words[w]) return false;
    return true;
  };
  for (let v = 0; v < 1 << n; v++) {
    if (!getBit(required, v) || (covered[v >>> 5] >>> (v & 31)) & 1) continue;
    let pos = v, neg = ~v & ((1 << n) - 1);
    for (let j = 0; j < n; j++) {
      const b = 1 << j;
      const p2 = pos & ~b, n2 = neg & ~b;
      if (inside(p2, n2)) { pos = p2; neg = n2; }
    }
    clausePlaneInto(n, lit, pos, neg, plane, 0);
    for (let w = 0; w < W; w++) covered[w] |= plane[w];
    out.push({ pos, neg });
  }
  return out;
}

function clauseCost(c: Clause, kind: CostKind): number {
  const lits = popcount32(c.pos) + popcount32(c.neg);
  return kind === 'literals' ? lits : kind === 'clauses' ? 1 : lits + 1;
}

/**
 * A set-cover instance: the required minterms (indices 0..R−1 into `reqList`), the candidate clauses
 * with their cover sets as bitsets over those indices (RW words each) and their costs, and for each
 * minterm the clauses covering it (cheapest, then widest, first).
 */
interface CoverProblem {
  R: number;
  RW: number;
  primes: Clause[];
  covers: Uint32Array[];
  costs: number[];
  byReq: number[][];
}

/**
 * Minimum-cost DNF (β = +1) covering every minterm of `required` and no input outside
 * required ∪ dontCare. Cost as chosen (default literals = the paper's L(Φ)). The phases below: the
 * candidate implicants, the cover instance (dominated candidates removed), a greedy cover as the first
 * upper bound, then branch and bound.
 */
export function minimumCover(required: TruthTable, dontCare: TruthTable | undefined, opts: MinimiseOptions = {}): MinDnfResult {
  const n = required.n;
  const kind = opts.cost ?? 'literals';
  const reqList: number[] = [];
  for (let v = 0; v < 1 << n; v++) if (getBit(required, v)) reqList.push(v);
  if (reqList.length === 0) return { dnf: { n, beta: 1, clauses: [] }, cost: 0, exact: true, primes: 0, nodes: 0 };
  const heuristic = n > PRIME_DP_MAX_N;
  const problem = coverProblem(reqList, candidateImplicants(required, dontCare, heuristic), kind);
  const greedy = greedyCover(problem);
  const bb = branchAndBound(problem, greedy.cost, greedy.picks, opts.nodeBudget ?? 200_000);
  return {
    dnf: { n, beta: 1, clauses: bb.picks.map((p) => problem.primes[p]) },
    cost: bb.cost,
    exact: !bb.exhausted && !heuristic,
    primes: problem.primes.length,
    nodes: bb.nodes,
  };
}

/** Candidate clauses: every prime implicant of required ∪ dontCare (exact), or greedily widened minterms above n = 13. */
function candidateImplicants(required: TruthTable, dontCare: TruthTable | undefined, heuristic: boolean): Clause[] {
  const allowed: TruthTable = { n: required.n, words: required.words.slice() };
  if (dontCare) for (let w = 0; w < allowed.words.length; w++) allowed.words[w] |= dontCare.words[w];
  return heuristic ? greedyImplicants(required, allowed) : primeImplicants(required, allowed);
}

/** The cover instance over `reqList`, with dominated candidates removed (they can never be needed). */
function coverProblem(reqList: number[], candidates: Clause[], kind: CostKind): CoverProblem {
  const R = reqList.length;
  const RW = (R + 31) >>> 5;
  // Cover sets as bitsets over the required list.
  const cover = (p: Clause): Uint32Array => {
    const s = new Uint32Array(RW);
    const care = p.pos | p.neg;
    for (let i = 0; i < R; i++) if ((reqList[i] & care) === p.pos) s[i >>> 5] |= 1 << (i & 31);
    return s;
  };
  const kept = dropDominated(candidates, candidates.map(cover), candidates.map((p) => clauseCost(p, kind)), RW);
  const { primes, covers, costs } = kept;
  const byReq: number[][] = Array.from({ length: R }, () => []);
  for (let p = 0; p < primes.length; p++) for (let i = 0; i < R; i++) if ((covers[p][i >>> 5] >>> (i & 31)) & 1) byReq[i].push(p);
  // Cheapest first, then the widest: the order branch and bound tries them in, and the bound's pick.
  const coverCount = covers.map((s) => s.reduce((a, x) => a + popcount32(x), 0));
  for (const list of byReq) list.sort((a, b) => costs[a] - costs[b] || coverCount[b] - coverCount[a]);
  return { R, RW, primes, covers, costs, byReq };
}

/**
 * Removes dominated candidates (cover ⊆ another's with cost ≥ its cost; of two equal ones the later is
 * dropped). Quadratic, so only when there are at most 3000; otherwise all are kept.
 */
function dropDominated(primes: Clause[], covers: Uint32Array[], costs: number[], RW: number): Pick<CoverProblem, 'primes' | 'covers' | 'costs'> {
  if (primes.length > 3000) return { primes, covers, costs };
  const keep = new Uint8Array(primes.length).fill(1);
  for (let a = 0; a < primes.length; a++) {
    if (!keep[a]) continue;
    for (let b = 0; b < primes.length; b++) {
      if (a === b || !keep[b] || costs[b] > costs[a]) continue;
      let sub = true;
      for (let w = 0; w < RW && sub; w++) if (covers[a][w] & ~covers[b][w]) sub = false;
      if (!sub) continue;
      // a ⊆ b and cost b ≤ cost a: drop a (if they are equal, drop the later one only).
      let equal = costs[a] === costs[b];
      for (let w = 0; w < RW && equal; w++) if (covers[a][w] !== covers[b][w]) equal = false;
      if (equal && a < b) continue;
      keep[a] = 0;
      break;
    }
  }
  return { primes: primes.filter((_, i) => keep[i]), covers: covers.filter((_, i) => keep[i]), costs: costs.filter((_, i) => keep[i]) };
}

/** The first upper bound: repeatedly take the candidate covering the most new minterms per unit cost. */
function greedyCover({ R, RW, covers, costs }: CoverProblem): { picks: number[]; cost: number } {
  const covered = new Uint32Array(RW);
  const picks: number[] = [];
  let cost = 0;
  let left = R;
  while (left > 0) {
    let pick = -1, score = -1;
    for (let p = 0; p < covers.length; p++) {
      let gain = 0;
      for (let w = 0; w < RW; w++) gain += popcount32(covers[p][w] & ~covered[w]);
      const s = gain / Math.max(costs[p], 1e-9);
      if (gain > 0 && s > score) { score = s; pick = p; }
    }
    picks.push(pick);
    cost += costs[pick];
    for (let w = 0; w < RW; w++) covered[w] |= covers[pick][w];
    left = R - covered.reduce((a, x) => a + popcount32(x), 0);
  }
  return { picks, cost };
}

/**
 * Exact minimum cover by depth-first branch and bound, starting from the upper bound (bestCost, best):
 * branch on the uncovered minterm with the fewest candidates; prune with a lower bound made of
 * uncovered minterms no two of which share a candidate (each needs its own clause, at least its
 * cheapest). Stops after `budget` nodes (`exhausted`: the best cover found so far, not proven minimal).
 */
function branchAndBound({ R, RW, covers, costs, byReq }: CoverProblem, bestCost: number, best: number[], budget: number):
  { picks: number[]; cost: number; nodes: number; exhausted: boolean } {
  let nodes = 0;
  let exhausted = false;
  const mark = new Int32Array(covers.length);
  let stamp = 0;
  const chosen: number[] = [];
  const lowerBound = (cov: Uint32Array): number => {
    stamp++;
    let lb = 0;
    for (let i = 0; i < R; i++) {
      if ((cov[i >>> 5] >>> (i & 31)) & 1) continue;
      const list = byReq[i];
      let free = true;
      for (const p of list) if (mark[p] === stamp) { free = false; break; }
      if (!free) continue;
      lb += costs[list[0]];
      for (const p of list) mark[p] = stamp;
    }
    return lb;
  };
  const search = (cov: Uint32Array, cost: number): void => {
    if (exhausted) return;
    if (++nodes > budget) { exhausted = true; return; }
    let pickReq = -1, fewest = Infinity;
    for (let i = 0; i < R; i++) {
      if ((cov[i >>> 5] >>> (i & 31)) & 1) continue;
      if (byReq[i].length < fewest) { fewest = byReq[i].length; pickReq = i; }
    }
    if (pickReq < 0) {
      if (cost < bestCost) { bestCost = cost; best = chosen.slice(); }
      return;
    }
    if (cost + lowerBound(cov) >= bestCost) return;
    const next = new Uint32Array(RW);
    for (const p of byReq[pickReq]) {
      if (cost + costs[p] >= bestCost) continue;
      for (let w = 0; w < RW; w++) next[w] = cov[w] | covers[p][w];
      chosen.push(p);
      search(next, cost + costs[p]);
      chosen.pop();
      if (exhausted) return;
    }
  };
  search(new Uint32Array(RW), 0);
  return { picks: best, cost: bestCost, nodes, exhausted };
}

/**
 * Minimum DNF of f over both polarities (the paper's global β): the cheaper of a cover of f's ones
 * (β = +1) and of its zeros (β = −1). Ties go to β = +1. `dontCare` inputs may take either value.
 */
export function minimumDnf(f: TruthTable, dontCare?: TruthTable, opts: MinimiseOptions = {}): MinDnfResult {
  let ones = f, zeros = complement(f);
  if (dontCare) {
    ones = { n: f.n, words: f.words.map((x, w) => (x & ~dontCare.words[w]) >>> 0) };
    zeros = { n: f.n, words: zeros.words.map((x, w) => (x & ~dontCare.words[w]) >>> 0) };
  }
  const plus = minimumCover(ones, dontCare, opts);
  const minus = minimumCover(zeros, dontCare, opts);
  if (minus.cost < plus.cost) return { ...minus, dnf: { ...minus.dnf, beta: -1 } };
  return plus;
}

/** K(f): minimum number of literals (Def. 2.5). */
export function kDnf(f: TruthTable, opts: MinimiseOptions = {}): { value: number; exact: boolean; dnf: Dnf } {
  const r = minimumDnf(f, undefined, { ...opts, cost: 'literals' });
  return { value: r.cost, exact: r.exact, dnf: r.dnf };
}

/** K_θ(f) = min(‖W¹‖₁ + ‖W²‖₁) = literals + clauses (eq. 11). */
export function kTheta(f: TruthTable, opts: MinimiseOptions = {}): { value: number; exact: boolean } {
  const r = minimumDnf(f, undefined, { ...opts, cost: 'literals+clauses' });
  return { value: r.cost, exact: r.exact };
}

/** K_C(f) = 2 × minimum number of clauses (eq. 13). */
export function kClauses(f: TruthTable, opts: MinimiseOptions = {}): { value: number; exact: boolean } {
  const r = minimumDnf(f, undefined, { ...opts, cost: 'clauses' });
  return { value: 2 * r.cost, exact: r.exact };
}

/** LZ76 dictionary size N_w by the Kaspar–Schuster algorithm. */
export function lz76(s: string): number {
  const n = s.length;
  if (n <= 1) return n;
  let c = 1, l = 1, i = 0, k = 1, kmax = 1;
  for (;;) {
    if (s[i + k - 1] === s[l + k - 1]) {
      k++;
      if (l + k > n) { c++; break; }
    } else {
      if (k > kmax) kmax = k;
      i++;
      if (i === l) {
        c++;
        l += kmax;
        if (l + 1 > n) break;
        i = 0; k = 1; kmax = 1;
      } else k = 1;
    }
  }
  return c;
}

/** K_LZ (eq. 8, Dingle et al. 2018): log2(N) for constant strings, else log2(N)·(N_w(x) + N_w(x reversed))/2. */
export function kLZ(bits: string): number {
  const N = bits.length;
  const lg = log2(N);
  if (!bits.includes('0') || !bits.includes('1')) return lg;
  const rev = bits.split('').reverse().join('');
  return (lg * (lz76(bits) + lz76(rev))) / 2;
}
