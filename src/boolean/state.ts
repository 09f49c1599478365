/**
 * Incremental DFCN state for single-weight moves (MH, greedy). Flipping one weight changes one clause,
 * so a proposal's effect on the training loss is computed from that clause's old and new planes and a
 * per-input coverage count, in O(W) words (W = 2^n/32), never a full forward pass:
 *
 *  - eff[i]: the effective plane of row i (its clause plane if the row is active, else 0).
 *  - cov(v): how many active clauses cover input v, kept BIT-SLICED (B planes, bit b of every count in
 *    plane b), so adding or removing a whole clause plane is a ripple-carry over B·W words.
 *  - U1 = [cov ≥ 1], U2 = [cov ≥ 2]. The output is U1 (β = +1) or ¬U1 (β = −1); either way an input's
 *    output flips exactly when it is gained while uncovered or lost while covered once:
 *      flips = (gained ∧ ¬U1) ∨ (lost ∧ U1 ∧ ¬U2).
 *  - err = (output ⊕ target) ∧ train; Δerrors = |flips ∧ train ∧ ¬err| − |flips ∧ err|.
 *
 * For n ≤ 10 the clause plane of a row comes from a table indexed by its ternary code (3^n·W words),
 * otherwise it is recomputed from the literal planes (n·W ops).
 *
 * Domain: by default the planes span all 2^n inputs. With `domain: 'train'` they span only the m
 * training inputs (bit k = the k-th training input), so a proposal costs O(m/32 + n) words whatever n
 * is — the acceptance decisions depend only on training errors and ℓ1, so the chain is bit-for-bit the
 * same; test accuracy then comes from a full forward pass at logging time. This is what makes n = 10–14
 * affordable.
 *
 * Neighbourhood (Alg. 1): every W¹ entry to either of its two other values (2Hn moves) and every W²
 * entry flipped (H moves); β is not proposed. Move r ∈ [0, 2Hn + H).
 */
import { TABLE_MAX_N, clauseTable, digitOf, evalNet, type Dfcn } from './dfcn.js';
import { clausePlaneInto } from './dnf.js';
import { literalPlanes, popcount32, validMask, wordsFor, type TruthTable } from './truth-table.js';
import { log2 } from '../math/index.js';

export interface BooleanTask {
  target: TruthTable;
  /** Training inputs as a plane. */
  train: Uint32Array;
  /** Test inputs as a plane (the complement of train in the paper's protocol). */
  test: Uint32Array;
  m: number;
}

const tableCache = new Map<number, Uint32Array>();
function sharedTable(n: number): Uint32Array {
  let t = tableCache.get(n);
  if (!t) { t = clauseTable(n); tableCache.set(n, t); }
  return t;
}

/** Clause planes over an arbitrary list of inputs, for every ternary code (when 3^n·W is small). */
function domainTable(n: number, lit: Uint32Array, W: number, valid: Uint32Array): Uint32Array {
  const count = 3 ** n;
  const out = new Uint32Array(count * W);
  for (let code = 1; code < count; code++) {
    let pos = 0, neg = 0, c = code;
    for (let j = 0; j < n; j++) { const d = c % 3; c = (c - d) / 3; if (d === 1) pos |= 1 << j; else if (d === 2) neg |= 1 << j; }
    planeOver(n, lit, W, valid, pos, neg, out, code * W);
  }
  return out;
}

function planeOver(n: number, lit: Uint32Array, W: number, valid: Uint32Array, pos: number, neg: number, out: Uint32Array, off: number): void {
  for (let w = 0; w < W; w++) {
    let acc = valid[w];
    for (let j = 0; j < n; j++) {
      const b = 1 << j;
      if (pos & b) acc &= lit[j * W + w];
      else if (neg & b) acc &= ~lit[j * W + w];
    }
    out[off + w] = acc >>> 0;
  }
}

export type Domain = 'all' | 'train';

export class NetState {
  readonly n: number;
  readonly H: number;
  readonly W: number;
  readonly beta: 1 | -1;
  readonly w1: Int8Array;
  readonly w2: Uint8Array;
  /** Ternary code of each row (digit 0 absent, 1 = x_j, 2 = ¬x_j). */
  readonly code: Int32Array;
  readonly eff: Uint32Array;
  readonly B: number;
  readonly slices: Uint32Array;
  readonly U1: Uint32Array;
  readonly U2: Uint32Array;
  readonly err: Uint32Array;
  readonly target: Uint32Array;
  readonly train: Uint32Array;
  readonly test: Uint32Array;
  readonly moves: number;
  trainErrors = 0;
  l1w1 = 0;
  l1w2 = 0;
  private readonly table: Uint32Array | null;
  private readonly lit: Uint32Array;
  /** Valid bits per word of the domain planes. */
  private readonly valid: Uint32Array;
  /** The task over all 2^n inputs (for test accuracy when the domain is the training set). */
  private readonly fullTask: BooleanTask;
  readonly domain: Domain;
  private readonly pow3: Int32Array;
  /** The plane of the last evaluated move, and its bookkeeping. */
  readonly scratch: Uint32Array;
  lastRow = -1;
  lastDn = 0;
  private lastKind = 0; // 0: W¹ entry, 1: W² flip
  private lastJ = 0;
  private lastNew = 0;

  constructor(net: Dfcn, task: BooleanTask, domain: Domain = 'all') {
    this.n = net.n; this.H = net.H; this.beta = net.beta;
    this.domain = domain;
    this.fullTask = task;
    const points: number[] = [];
    if (domain === 'train') for (let v = 0; v < 1 << net.n; v++) if ((task.train[v >>> 5] >>> (v & 31)) & 1) points.push(v);
    this.W = domain === 'all' ? wordsFor(net.n) : Math.max(1, Math.ceil(points.length / 32));
    this.w1 = net.w1.slice();
    this.w2 = net.w2.slice();
    this.code = new Int32Array(this.H);
    this.eff = new Uint32Array(this.H * this.W);
    this.B = Math.max(2, Math.ceil(log2(this.H + 1)));
    this.slices = new Uint32Array(this.B * this.W);
    this.U1 = new Uint32Array(this.W);
    this.U2 = new Uint32Array(this.W);
    this.err = new Uint32Array(this.W);
    this.moves = 2 * this.H * this.n + this.H;
    if (domain === 'all') {
      this.target = task.target.words.slice();
      this.train = task.train.slice();
      this.test = task.test.slice();
      this.valid = new Uint32Array(this.W).fill(validMask(this.n));
      this.table = this.n <= TABLE_MAX_N ? sharedTable(this.n) : null;
      this.lit = literalPlanes(this.n);
    } else {
      const W = this.W;
      this.target = new Uint32Array(W); this.train = new Uint32Array(W); this.test = new Uint32Array(W);
      this.valid = new Uint32Array(W);
      this.lit = new Uint32Array(this.n * W);
      points.forEach((v, k) => {
        const w = k >>> 5, b = 1 << (k & 31);
        this.valid[w] |= b; this.train[w] |= b;
        if ((task.target.words[v >>> 5] >>> (v & 31)) & 1) this.target[w] |= b;
        for (let j = 0; j < this.n; j++) if ((v >>> j) & 1) this.lit[j * W + w] |= b;
      });
      this.table = 3 ** this.n * W <= 1 << 23 ? domainTable(this.n, this.lit, W, this.valid) : null;
    }
    this.pow3 = new Int32Array(this.n);
    for (let j = 0; j < this.n; j++) this.pow3[j] = 3 ** j;
    this.scratch = new Uint32Array(this.W);
    for (let i = 0; i < this.H; i++) {
      let c = 0;
      for (let j = 0; j < this.n; j++) c += digitOf(this.w1[i * this.n + j]) * this.pow3[j];
      this.code[i] = c;
    }
    for (const w of this.w1) if (w !== 0) this.l1w1++;
    for (const w of this.w2) this.l1w2 += w;
    this.rebuild();
  }

  /** Full recomputation of planes, counts and errors from the weights. */
  rebuild(): void {
    const { W, H } = this;
    this.slices.fill(0);
    const tmp = new Uint32Array(W);
    for (let i = 0; i < H; i++) {
      this.planeOf(i, this.code[i], this.w2[i], tmp);
      this.eff.set(tmp, i * W);
      for (let w = 0; w < W; w++) this.add(w, tmp[w]);
    }
    this.trainErrors = 0;
    for (let w = 0; w < W; w++) {
      this.refreshU(w);
      this.err[w] = (this.outWord(w) ^ this.target[w]) & this.train[w];
      this.trainErrors += popcount32(this.err[w]);
    }
  }

  /** Effective plane of a row with the given code and W² bit into out. */
  planeOf(i: number, code: number, w2: number, out: Uint32Array): void {
    const W = this.W;
    if (!w2 || code === 0) { out.fill(0); return; }
    if (this.table) {
      const o = code * W;
      for (let w = 0; w < W; w++) out[w] = this.table[o + w];
      return;
    }
    let pos = 0, neg = 0;
    for (let j = 0; j < this.n; j++) {
      const v = this.w1[i * this.n + j];
      if (v === 1) pos |= 1 << j; else if (v === -1) neg |= 1 << j;
    }
    // `code` may differ from the stored row in one digit; decode that digit explicitly.
    if (code !== this.code[i]) {
      pos = 0; neg = 0;
      let c = code;
      for (let j = 0; j < this.n; j++) {
        const d = c % 3; c = (c - d) / 3;
        if (d === 1) pos |= 1 << j; else if (d === 2) neg |= 1 << j;
      }
    }
    planeOver(this.n, this.lit, W, this.valid, pos, neg, out, 0);
  }

  private add(w: number, m: number): void {
    const W = this.W, s = this.slices;
    let carry = m;
    for (let b = 0; b < this.B && carry; b++) {
      const k = b * W + w;
      const t = s[k] & carry;
      s[k] ^= carry;
      carry = t;
    }
  }

  private sub(w: number, m: number): void {
    const W = this.W, s = this.slices;
    let borrow = m;
    for (let b = 0; b < this.B && borrow; b++) {
      const k = b * W + w;
      const t = ~s[k] & borrow;
      s[k] ^= borrow;
      borrow = t;
    }
  }

  private refreshU(w: number): void {
    const W = this.W, s = this.slices;
    let hi = 0;
    for (let b = 1; b < this.B; b++) hi |= s[b * W + w];
    this.U1[w] = (hi | s[w]) >>> 0;
    this.U2[w] = hi >>> 0;
  }

  outWord(w: number): number {
    return this.beta === 1 ? this.U1[w] : (~this.U1[w] & this.valid[w]) >>> 0;
  }

  /**
   * Evaluates move r without applying it: returns the change in errors on `mask` (train or a
   * minibatch ⊆ train); leaves the new row plane in `scratch` and the ℓ1 change in lastDn.
   */
  evalMove(r: number, mask: Uint32Array = this.train): number {
    const n = this.n, W = this.W;
    let i: number, code: number, w2: number;
    const split = 2 * this.H * n;
    if (r < split) {
      const k = r >>> 1;
      i = (k / n) | 0;
      const j = k - i * n;
      const old = this.w1[k];
      // The two other values of {−1, 0, 1}, in a fixed order.
      const nv = old === -1 ? ((r & 1) ? 1 : 0) : old === 0 ? ((r & 1) ? 1 : -1) : ((r & 1) ? 0 : -1);
      code = this.code[i] + (digitOf(nv) - digitOf(old)) * this.pow3[j];
      w2 = this.w2[i];
      this.lastKind = 0; this.lastJ = j; this.lastNew = nv;
      this.lastDn = (nv !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
    } else {
      i = r - split;
      code = this.code[i];
      w2 = this.w2[i] ^ 1;
      this.lastKind = 1;
      this.lastDn = w2 ? 1 : -1;
    }
    this.lastRow = i;
    const np = this.scratch;
    this.planeOf(i, code, w2, np);
    let de = 0;
    const off = i * W;
    for (let w = 0; w < W; w++) {
      const o = this.eff[off + w], nw = np[w];
      if (o === nw) continue;
      const u1 = this.U1[w];
      const flips = (((nw & ~o) & ~u1) | ((o & ~nw) & u1 & ~this.U2[w])) & mask[w];
      if (flips === 0) continue;
      const e = this.err[w];
      de += popcount32(flips & ~e) - popcount32(flips & e);
    }
    return de;
  }

  /** Applies the move last passed to evalMove (its plane is still in scratch). */
  applyLast(): void {
    const i = this.lastRow, W = this.W, n = this.n;
    if (this.lastKind === 0) {
      const k = i * n + this.lastJ;
      const old = this.w1[k];
      this.code[i] += (digitOf(this.lastNew) - digitOf(old)) * this.pow3[this.lastJ];
      this.w1[k] = this.lastNew;
      this.l1w1 += this.lastDn;
    } else {
      this.w2[i] ^= 1;
      this.l1w2 += this.lastDn;
    }
    const np = this.scratch, off = i * W;
    for (let w = 0; w < W; w++) {
      const o = this.eff[off + w], nw = np[w];
      if (o === nw) continue;
      this.add(w, nw & ~o);
      this.sub(w, o & ~nw);
      this.eff[off + w] = nw;
      this.refreshU(w);
      const e = (this.outWord(w) ^ this.target[w]) & this.train[w];
      this.trainErrors += popcount32(e) - popcount32(this.err[w]);
      this.err[w] = e;
    }
  }

  /** Output plane over all 2^n inputs. */
  output(): Uint32Array {
    if (this.domain !== 'all') return evalNet(this.toNet()).words;
    const o = new Uint32Array(this.W);
    for (let w = 0; w < this.W; w++) o[w] = this.outWord(w);
    return o;
  }

  testErrors(): number {
    if (this.domain !== 'all') {
      const out = evalNet(this.toNet()).words, t = this.fullTask;
      let e = 0;
      for (let w = 0; w < out.length; w++) e += popcount32((out[w] ^ t.target.words[w]) & t.test[w]);
      return e;
    }
    let e = 0;
    for (let w = 0; w < this.W; w++) e += popcount32((this.outWord(w) ^ this.target[w]) & this.test[w]);
    return e;
  }

  activeClauses(): number {
    let k = 0;
    for (let i = 0; i < this.H; i++) if (this.w2[i] && this.code[i] !== 0) k++;
    return k;
  }

  /** Literals in active rows: the length of the computed DNF. */
  activeLiterals(): number {
    let k = 0;
    for (let i = 0; i < this.H; i++) {
      if (!this.w2[i] || this.code[i] === 0) continue;
      for (let j = 0; j < this.n; j++) if (this.w1[i * this.n + j] !== 0) k++;
    }
    return k;
  }

  toNet(): Dfcn {
    return { n: this.n, H: this.H, beta: this.beta, w1: this.w1.slice(), w2: this.w2.slice() };
  }
}

/** Training-set error count of a network by a full bit-parallel forward pass (the baseline). */
export function fullErrors(net: Dfcn, task: BooleanTask, lit: Uint32Array): number {
  const W = wordsFor(net.n);
  const acc = new Uint32Array(W);
  const tmp = new Uint32Array(W);
  for (let i = 0; i < net.H; i++) {
    if (!net.w2[i]) continue;
    let pos = 0, neg = 0;
    for (let j = 0; j < net.n; j++) {
      const v = net.w1[i * net.n + j];
      if (v === 1) pos |= 1 << j; else if (v === -1) neg |= 1 << j;
    }
    if ((pos | neg) === 0) continue;
    clausePlaneInto(net.n, lit, pos, neg, tmp, 0);
    for (let w = 0; w < W; w++) acc[w] |= tmp[w];
  }
  const m = validMask(net.n);
  let e = 0;
  for (let w = 0; w < W; w++) {
    const out = net.beta === 1 ? acc[w] : ~acc[w] & m;
    e += popcount32((out ^ task.target.words[w]) & task.train[w]);
  }
  return e;
}
