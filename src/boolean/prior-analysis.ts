/**
 * What the prior command reports: P(f) against K, K_θ, K_C, K_LZ; the Zipf rank plot; and the class
 * probabilities of Theorem 3.2 (constant, t-entropy with t = 1 and 2^n − 1, k-parity) next to the
 * paper's bounds (App. D), evaluated for the sampled width M = H.
 */
import { kClauses, kDnf, kLZ, kTheta } from './complexity.js';
import type { Counts } from './prior.js';
import { parity, popcount32, toBitString, validMask, type TruthTable } from './truth-table.js';
import { exp, log, log10, log2, pow } from '../math/index.js';

export interface FunctionRow {
  f: number;
  bits: string;
  count: number;
  p: number;
  K: number;
  K_theta: number;
  K_C: number;
  K_LZ: number;
}

const table = (n: number, f: number): TruthTable => ({ n, words: Uint32Array.of(f >>> 0) });

/** Complexities of the `limit` most frequent functions (all of them when limit ≥ #functions). */
export function functionRows(n: number, counts: Counts, samples: number, limit: number): FunctionRow[] {
  const entries = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
  return entries.map(([f, count]) => {
    const t = table(n, f);
    return {
      f, bits: toBitString(t), count, p: count / samples,
      K: kDnf(t).value, K_theta: kTheta(t).value, K_C: kClauses(t).value, K_LZ: Number(kLZ(toBitString(t)).toFixed(3)),
    };
  });
}

export interface KRow { K: number; functions: number; hit: number; meanLog10P: number; maxLog10P: number; minLog10P: number }

/** Per K value: how many functions exist (n ≤ 4: all enumerated), how many were hit, log10 P stats. */
export function byK(n: number, rows: FunctionRow[]): KRow[] {
  const all = new Map<number, number>();
  if (n <= 4) for (let f = 0; f < 2 ** (2 ** n); f++) { const k = kDnf(table(n, f)).value; all.set(k, (all.get(k) ?? 0) + 1); }
  const groups = new Map<number, number[]>();
  for (const r of rows) { const g = groups.get(r.K) ?? []; g.push(log10(r.p)); groups.set(r.K, g); }
  const keys = [...new Set([...all.keys(), ...groups.keys()])].sort((a, b) => a - b);
  return keys.map((K) => {
    const g = groups.get(K) ?? [];
    return {
      K, functions: all.get(K) ?? NaN, hit: g.length,
      meanLog10P: g.length ? g.reduce((a, b) => a + b, 0) / g.length : NaN,
      maxLog10P: g.length ? Math.max(...g) : NaN, minLog10P: g.length ? Math.min(...g) : NaN,
    };
  });
}

/** A probability for a report table: 2 significant digits in exponent form, '0', or '—' when not available. */
export function formatProbability(x: number | null): string {
  return x === null ? '—' : x === 0 ? '0' : x.toExponential(2);
}

export interface ClassRow { cls: string; members: number; measured: number; lower: number | null; upper: number | null; note: string }

function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]) => {
    if (acc.length === k) { out.push(acc.slice()); return; }
    for (let j = start; j < n; j++) { acc.push(j); rec(j + 1, acc); acc.pop(); }
  };
  rec(0, []);
  return out;
}

function lnFactorial(k: number): number { let s = 0; for (let i = 2; i <= k; i++) s += log(i); return s; }

/** Mean P(f) over each class's members, with the App. D bounds (per function, including the ½ for β). */
export function classTable(n: number, H: number, counts: Counts, samples: number): ClassRow[] {
  const P = (f: number) => (counts.get(f >>> 0) ?? 0) / samples;
  const M = H, N = 2 ** n, p = (N - 1) / 3 ** n, mask = validMask(n);
  const rows: ClassRow[] = [];
  const lower0 = 0.5 * Math.max(0, 1 - N * pow(1 - p, M));
  rows.push({ cls: 'constant 0', members: 1, measured: P(0), lower: lower0, upper: null, note: 'D.5: ½(1 − 2^n(1−p)^M)' });
  rows.push({ cls: 'constant 1', members: 1, measured: P(mask), lower: lower0, upper: null, note: 'D.5' });
  // t = 1 (one 1) and t = 2^n − 1 (one 0): the β = −1 / β = +1 representations, D.8 bounds.
  let one = 0, zero = 0;
  for (let v = 0; v < N; v++) { one += P(1 << v); zero += P((mask & ~(1 << v)) >>> 0); }
  const up1 = 0.5 * pow(1 - p, M);
  const lo1 = 0.5 * pow(3, -n * n) * pow(1 - p, M - n);
  rows.push({ cls: 't-entropy t=1', members: N, measured: one / N, lower: lo1, upper: up1, note: 'D.8: ½·3^(−n²)(1−p)^(M−n) ≤ P ≤ ½(1−p)^M (+ the β=+1 share)' });
  rows.push({ cls: `t-entropy t=${N - 1}`, members: N, measured: zero / N, lower: lo1, upper: up1, note: 'D.8 by symmetry' });
  for (let k = 1; k <= n; k++) {
    const subs = subsets(n, k);
    let s = 0;
    for (const S of subs) { const f = parity(n, S).words[0]; s += P(f) + P((~f & mask) >>> 0); }
    const h = 2 ** (k - 1);
    const upper = 0.5 * pow(h / 3 ** k, M) * 2; // either polarity is a k-parity-type function of its own; per function
    const lnLower = log(0.5) - n * h * log(3) + lnFactorial(h) + (M - h) * log(h / 3 ** k);
    rows.push({
      cls: `${k}-parity (and complement)`, members: 2 * subs.length, measured: s / (2 * subs.length),
      lower: M >= h ? exp(lnLower) : null, upper: Math.min(1, upper),
      note: 'D.9/D.10: ½·3^(−n2^(k−1))(2^(k−1))!(2^(k−1)/3^k)^(M−2^(k−1)) ≤ P ≤ (2^(k−1)/3^k)^M',
    });
  }
  return rows;
}

export { popcount32 };

/** Pearson correlation of log10 P(f) with each complexity measure, and the slope of log2 P on K. */
export function correlations(rows: FunctionRow[], minCount = 100): Record<string, number> {
  const lp = rows.map((r) => log10(r.p));
  const corr = (a: number[], b: number[]) => {
    const n = a.length, ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
    let sab = 0, saa = 0, sbb = 0;
    for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
    return sab / Math.sqrt(saa * sbb);
  };
  const out: Record<string, number> = {};
  for (const k of ['K', 'K_theta', 'K_C', 'K_LZ'] as const) out[`corr_log10P_${k}`] = Number(corr(rows.map((r) => r[k]), lp).toFixed(3));
  // Slope of log2 P on K over well-sampled functions (count ≥ minCount, so the floor does not bias it).
  const sel = rows.filter((r) => r.count >= minCount);
  const x = sel.map((r) => r.K), y = sel.map((r) => log2(r.p));
  const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; }
  out.slope_log2P_per_K = Number((sxy / sxx).toFixed(3));
  out.slope_functions = sel.length;
  return out;
}

/** One `boolean prior` run as the scaling table reads it: its n, width M = H, draws and per-class results. */
export interface PriorRunRows { n: number; H: number; samples: number; classes: ClassRow[] }

/**
 * Theorem 3.2 across n: one markdown table of the measured P(f) of each class against n, with App. D's bounds and
 * ln P / M (the slope the theorem predicts is constant for a class as the width grows).
 */
export function priorScalingTable(runs: readonly PriorRunRows[]): string {
  const names = ['constant 0', 't-entropy t=1', '1-parity (and complement)', '2-parity (and complement)', '3-parity (and complement)'];
  const lines = ['| class | ' + runs.map((r) => `n=${r.n} (M=${r.H}, ${r.samples.toExponential(0)} draws)`).join(' | ') + ' |', '|---|' + runs.map(() => '---').join('|') + '|'];
  const find = (r: PriorRunRows, name: string) => r.classes.find((c) => c.cls === name);
  for (const name of names) {
    lines.push(`| ${name}: measured P | ${runs.map((r) => formatProbability(find(r, name)?.measured ?? null)).join(' | ')} |`);
    lines.push(`| ${name}: bounds | ${runs.map((r) => { const c = find(r, name); return c ? `[${formatProbability(c.lower)}, ${formatProbability(c.upper)}]` : '—'; }).join(' | ')} |`);
    lines.push(`| ${name}: ln P / M | ${runs.map((r) => { const c = find(r, name); return c && c.measured > 0 ? (log(c.measured) / r.H).toFixed(3) : '—'; }).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
