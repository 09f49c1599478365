/**
 * A fourth learner, new here: EGGROLL's integer voting update (eggroll paper §3.2, App. H, nano-egg's
 * QEggRoll) adapted to the ternary W¹ of a DFCN.
 *
 * Per generation g and antithetic pair p (streams keyed by (seed, g, p), so nothing is stored):
 *   E_p = clip(Σ_{r<rank} a_r b_rᵀ) with a ∈ {−1,0,1}^H (each entry non-zero with probability
 *   `density`, fair sign: a sparse choice of rows) and b ∈ {−1,0,1}^n uniform ternary — the ternary
 *   analogue of int8 rank-r noise; W² gets the same row factor times one ternary scalar c_p, e_p = a·c_p;
 *   W¹± = clip(W¹ ± E_p) to {−1,0,1}, W²± = clip(W² ± e_p) to {0,1};
 *   F_p = sign(fit(θ⁺) − fit(θ⁻)) ∈ {−1,0,1} (fast_fitness), fit = −κ·(training error fraction) − λ‖θ‖₁,
 *   the MH log-target.
 * Vote Z = Σ_p F_p E_p (int32). Under the null (random signs) Var Z_ij = Σ_p E_pij², so entry (i,j)
 * moves one step, W¹_ij ← clip(W¹_ij + sign Z_ij), only where |Z_ij| > z_{α/2}·sqrt(Σ_p E_pij²) — the
 * two-sided z-test of the integer rule; α ≈ fraction of entries that would move by chance. No
 * optimiser state. W² is voted the same way. β is drawn once and kept; the start is Alg. 1's (uniform
 * W¹, W² uniform in {0,1}). Members are evaluated by full bit-parallel forward passes (a perturbation
 * touches many rows at once, so the single-row incremental path does not apply).
 */
import { activeClauses, activeLiterals, clauseTable, TABLE_MAX_N, digitOf, initNet, toDnf, type Dfcn, type InitKind } from './dfcn.js';
import { clausePlaneInto } from './dnf.js';
import { runToEnd, type LearnerDriver, type LearnResult, type LogFn, type StepLog } from './learner.js';
import { pick } from './mcmc.js';
import { seqRng, STREAM } from './rng.js';
import type { BooleanTask } from './state.js';
import { literalPlanes, popcount32, validMask, wordsFor } from './truth-table.js';
import { log } from '../math/index.js';

export interface EggrollOptions {
  generations: number;
  pairs: number;
  rank: number;
  density: number;
  /** Two-sided test level α; the z threshold is Φ⁻¹(1 − α_t/2). */
  alpha: number;
  /** α_t = α / (1 + decay·t), nano-egg's schedule shape (decay 0.015 there); 0 = constant α. */
  alphaDecay?: number;
  kappa: number;
  lambda: number;
  logEvery: number;
  seed: number;
  initKind?: InitKind;
}

/** Φ⁻¹(p) by Acklam's rational approximation (|error| < 1.2e−9), enough for a threshold. */
export function normInv(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normInv(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

class Evaluator {
  private readonly W: number;
  private readonly table: Uint32Array | null;
  private readonly lit: Uint32Array;
  private readonly acc: Uint32Array;
  private readonly tmp: Uint32Array;
  constructor(private readonly n: number, private readonly H: number, private readonly beta: 1 | -1, private readonly task: BooleanTask) {
    this.W = wordsFor(n);
    this.table = n <= TABLE_MAX_N ? clauseTable(n) : null;
    this.lit = literalPlanes(n);
    this.acc = new Uint32Array(this.W);
    this.tmp = new Uint32Array(this.W);
  }
  /** Output plane of (W¹ = w, W² = v) into this.acc; all-zero rows masked. */
  forward(w: Int8Array, v: Uint8Array): Uint32Array {
    const { n, W, acc } = this;
    acc.fill(0);
    for (let i = 0; i < this.H; i++) {
      if (!v[i]) continue;
      let code = 0, pos = 0, neg = 0, p3 = 1;
      for (let j = 0; j < n; j++, p3 *= 3) {
        const x = w[i * n + j];
        code += digitOf(x) * p3;
        if (x === 1) pos |= 1 << j; else if (x === -1) neg |= 1 << j;
      }
      if (code === 0) continue;
      if (this.table) {
        const o = code * W;
        for (let k = 0; k < W; k++) acc[k] |= this.table[o + k];
      } else {
        clausePlaneInto(n, this.lit, pos, neg, this.tmp, 0);
        for (let k = 0; k < W; k++) acc[k] |= this.tmp[k];
      }
    }
    if (this.beta === -1) { const m = validMask(n); for (let k = 0; k < W; k++) acc[k] = ~acc[k] & m; }
    return acc;
  }
  errors(w: Int8Array, v: Uint8Array, mask: Uint32Array): number {
    const out = this.forward(w, v);
    let e = 0;
    for (let k = 0; k < this.W; k++) e += popcount32((out[k] ^ this.task.target.words[k]) & mask[k]);
    return e;
  }
}

const clip = (x: number) => (x > 1 ? 1 : x < -1 ? -1 : x);
const clip01 = (x: number) => (x > 1 ? 1 : x < 0 ? 0 : x);
const nnz = (x: ArrayLike<number>) => { let k = 0; for (let i = 0; i < x.length; i++) if (x[i] !== 0) k++; return k; };

/** One pair's ternary noise: E (H×n) for W¹ and e2 (H) for W², plus the rank-1 factors' scratch. */
interface PairNoise { E: Int8Array; e2: Int8Array; a: Int8Array; b: Int8Array }

/**
 * Pair p's noise for generation g: a pure function of (seed, g, p), regenerated, never stored.
 * E = clip(Σ_r a_r b_rᵀ), e2 = clip(Σ_r a_r c_r), drawn in this order (the stream's order is the result).
 */
function pairNoise(o: EggrollOptions, H: number, n: number, g: number, p: number, out: PairNoise): void {
  const { E, e2, a, b } = out;
  const rng = seqRng(o.seed, STREAM.eggroll, g, p);
  E.fill(0); e2.fill(0);
  for (let r = 0; r < o.rank; r++) {
    for (let i = 0; i < H; i++) a[i] = rng.uniform32() < o.density ? (rng.u32() & 1 ? 1 : -1) : 0;
    for (let j = 0; j < n; j++) b[j] = rng.below(3) - 1;
    const c = rng.below(3) - 1;
    for (let i = 0; i < H; i++) {
      if (!a[i]) continue;
      for (let j = 0; j < n; j++) if (b[j]) E[i * n + j] = clip(E[i * n + j] + a[i] * b[j]);
      if (c) e2[i] = clip(e2[i] + a[i] * c);
    }
  }
}

/** A generation's integer vote: Z = Σ_p F_p E_p and V = #{p: F_p ≠ 0, E_p ≠ 0} per entry (W¹; Z2, V2 for W²). */
interface Votes { Z: Int32Array; V: Int32Array; Z2: Int32Array; V2: Int32Array }

/** Adds pair noise (E, e2) with fitness sign F to the vote. */
function addVote(votes: Votes, F: number, E: Int8Array, e2: Int8Array): void {
  const { Z, V, Z2, V2 } = votes;
  for (let k = 0; k < E.length; k++) if (E[k] !== 0) { V[k]++; Z[k] += F * E[k]; }
  for (let i = 0; i < e2.length; i++) if (e2[i] !== 0) { V2[i]++; Z2[i] += F * e2[i]; }
}

/**
 * The z-test update: an entry moves one step in the vote's sign only where |Z| > z·√V (V = 0: no
 * evidence). W¹ is clipped to {−1,0,1}, W² to {0,1}. Returns how many entries changed.
 */
function applyVotes(w: Int8Array, v: Uint8Array, votes: Votes, z: number): number {
  const { Z, V, Z2, V2 } = votes;
  let moved = 0;
  for (let k = 0; k < w.length; k++) {
    if (V[k] === 0 || Math.abs(Z[k]) <= z * Math.sqrt(V[k])) continue;
    const nw = clip(w[k] + Math.sign(Z[k]));
    if (nw !== w[k]) { w[k] = nw; moved++; }
  }
  for (let i = 0; i < v.length; i++) {
    if (V2[i] === 0 || Math.abs(Z2[i]) <= z * Math.sqrt(V2[i])) continue;
    const nv = clip01(v[i] + Math.sign(Z2[i]));
    if (nv !== v[i]) { v[i] = nv; moved++; }
  }
  return moved;
}

/**
 * The learner: start from Alg. 1's network, then per generation sample each pair's noise, score the
 * antithetic members, vote, and move the entries the vote is significant for. Logs every logEvery
 * generations (and the first and last).
 */
export function eggrollDriver(n: number, H: number, task: BooleanTask, o: EggrollOptions, onLog?: LogFn): LearnerDriver {
  const init = initNet(n, H, seqRng(o.seed, STREAM.init, 0), o.initKind ?? 'uniform');
  const { beta } = init;
  const w = init.w1, v = init.w2;
  const ev = new Evaluator(n, H, beta, task);
  const nTest = task.test.reduce((a, x) => a + popcount32(x), 0);
  const noise: PairNoise = { E: new Int8Array(H * n), e2: new Int8Array(H), a: new Int8Array(H), b: new Int8Array(n) };
  const wp = new Int8Array(H * n), wm = new Int8Array(H * n), vp = new Uint8Array(H), vm = new Uint8Array(H);
  const votes: Votes = { Z: new Int32Array(H * n), V: new Int32Array(H * n), Z2: new Int32Array(H), V2: new Int32Array(H) };
  // The MH log-target: −κ·(training error fraction) − λ‖θ‖₁.
  const fit = (x: Int8Array, y: Uint8Array) => -(o.kappa * ev.errors(x, y, task.train)) / task.m - o.lambda * (nnz(x) + nnz(y));
  const log: StepLog[] = [];
  let zeroStep = -1, moved = 0;
  const emit = (g: number) => {
    const net: Dfcn = { n, H, beta, w1: w, w2: v };
    const trainErr = ev.errors(w, v, task.train), testErr = ev.errors(w, v, task.test);
    const e: StepLog = {
      step: g, train_acc: 1 - trainErr / task.m, test_acc: nTest === 0 ? 1 : 1 - testErr / nTest,
      l1_w1: nnz(w), l1_theta: nnz(w) + nnz(v), active_clauses: activeClauses(net), dnf_length: activeLiterals(net),
      accept_rate: moved / (H * n + H),
    };
    if (zeroStep < 0 && trainErr === 0) zeroStep = g;
    log.push(e);
    onLog?.(e);
  };
  /** F_p = sign(fit(θ + E_p) − fit(θ − E_p)), with W¹ clipped to {−1,0,1} and W² to {0,1}. */
  const pairSign = (): number => {
    const { E, e2 } = noise;
    for (let k = 0; k < w.length; k++) { wp[k] = clip(w[k] + E[k]); wm[k] = clip(w[k] - E[k]); }
    for (let i = 0; i < H; i++) { vp[i] = clip01(v[i] + e2[i]); vm[i] = clip01(v[i] - e2[i]); }
    const d = fit(wp, vp) - fit(wm, vm);
    return d > 0 ? 1 : d < 0 ? -1 : 0;
  };

  emit(0);
  let g = 0;
  const advance = () => {
    g++;
    const z = normInv(1 - o.alpha / (1 + (o.alphaDecay ?? 0) * g) / 2);
    votes.Z.fill(0); votes.V.fill(0); votes.Z2.fill(0); votes.V2.fill(0);
    for (let p = 0; p < o.pairs; p++) {
      pairNoise(o, H, n, g, p, noise);
      const F = pairSign();
      // F = 0 contributes nothing to Z, and nothing to the null variance of a sign test.
      if (F !== 0) addVote(votes, F, noise.E, noise.e2);
    }
    moved = applyVotes(w, v, votes, z);
  };
  return {
    done: () => g >= o.generations,
    next() {
      do advance(); while (g % o.logEvery !== 0 && g < o.generations);
      emit(g);
    },
    result() {
      const net: Dfcn = { n, H, beta, w1: w.slice(), w2: v.slice() };
      const last = log[log.length - 1];
      return { algo: 'eggroll', net, dnf: toDnf(net), ...pick(last), steps: g, zero_train_step: zeroStep, log, extra: { pairs: o.pairs, rank: o.rank, density: o.density, alpha: o.alpha, alpha_decay: o.alphaDecay ?? 0 } };
    },
  };
}

export function runEggroll(n: number, H: number, task: BooleanTask, o: EggrollOptions, onLog?: LogFn): LearnResult {
  return runToEnd(eggrollDriver(n, H, task, o, onLog));
}
