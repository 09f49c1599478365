/**
 * The ES gradient estimate g = σ/√N · Σ_p w_p E_p for one tensor, in the two forms the noise takes. Shared by the
 * strategies (a plug-in that keeps the estimate and changes what follows it calls these).
 */
import type { PerturbedNoiser } from '../noiser.js';
import type { StrategyContext } from './plugin.js';

/**
 * g = σ/(√r·√N) · Σ_p w_p A_p B_pᵀ as ONE GEMM over the stacked factors: scale each pair's A rows by w_p, then
 * g = (scaled Aᵀ)·B, contracting over all pairs·r rows. No E_p is ever formed.
 */
export function lowRankDirection(ctx: StrategyContext, noiser: PerturbedNoiser, pid: number, w: Float32Array, sigma: number, g: Float32Array): void {
  const [m, n] = ctx.params.specs[pid].shape;
  const r = noiser.rankOf(pid);
  const at = noiser.at[pid]!, bt = noiser.bt[pid]!;
  const rows = ctx.pairs * r;
  const sa = ctx.scratch(rows * m);
  for (let p = 0; p < ctx.pairs; p++) {
    const wp = w[p];
    const base = p * r * m;
    for (let j = 0; j < r * m; j++) sa[base + j] = wp * at[base + j];
  }
  const scale = sigma / (Math.sqrt(r) * Math.sqrt(ctx.config.popSize));
  ctx.backend.sgemm(true, false, m, n, rows, scale, sa.subarray(0, rows * m), bt, 0, g);
}

/** g = σ/√N · Σ_p w_p ε_p with each pair's dense noise, summed in float64. */
export function denseDirection(ctx: StrategyContext, noiser: PerturbedNoiser, pid: number, w: Float32Array, sigma: number, g: Float32Array): void {
  g.fill(0);
  const acc = new Float64Array(g.length);
  for (let p = 0; p < ctx.pairs; p++) {
    const wp = w[p];
    if (wp === 0) continue;
    const e = noiser.denseFor(pid, p);
    for (let j = 0; j < acc.length; j++) acc[j] += wp * e[j];
  }
  const scale = sigma / Math.sqrt(ctx.config.popSize);
  for (let j = 0; j < g.length; j++) g[j] = acc[j] * scale;
}

/** The estimate by the tensor's noise: what a plug-in without its own `direction` gets. */
export function estimateDirection(ctx: StrategyContext, noiser: PerturbedNoiser, pid: number, w: Float32Array, sigma: number, g: Float32Array): void {
  if (noiser.isLowRank(pid)) lowRankDirection(ctx, noiser, pid, w, sigma, g);
  else denseDirection(ctx, noiser, pid, w, sigma, g);
}
