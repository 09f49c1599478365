/**
 * The flat strategies' tell() sums run tile by tile of coordinates (for the cache at d = 10⁵); each coordinate must
 * still sum over the ranks in order, so the result is the plain per-coordinate loop's, bit for bit. Checked at a
 * dimension that spans two full tiles and a partial one, against plain loops written here from the update equations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snes } from '../../src/es/flat/snes.js';
import { CmaEs } from '../../src/es/flat/cma-es.js';
import { Pgpe, centeredRanks } from '../../src/es/flat/pgpe.js';
import { fillNormals } from '../../src/rng/normal.js';
import { namedStream } from '../../src/rng/stream.js';
import { exp, pow } from '../../src/math/index.js';

const D = 2600; // tiles of 1024: two full ones and a partial one
const x0 = Float64Array.from({ length: D }, (_, i) => ((i * 37) % 101) / 50 - 1);
const f = (x: Float64Array) => { let v = 0; for (let i = 0; i < x.length; i++) v += (1 + (i % 7)) * x[i] * x[i]; return v; };

function draws(seed: number, tag: string, generation: number, k: number): Float32Array {
  const z = new Float32Array(D);
  fillNormals(namedStream(seed, tag, generation, k), 0, z, 0, D);
  return z;
}
function rankOrder(fit: number[]): number[] {
  return fit.map((v, k) => [v, k]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]);
}
function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) assert.fail(`${what}[${i}]: ${actual[i]} ≠ ${expected[i]}`);
}

test('SNES at d = 2600: candidates and one generation\'s mean and σ equal the plain per-coordinate loops bit for bit', () => {
  const es = new Snes(x0, 0.3, { seed: 7, popSize: 10 });
  const m0 = Float64Array.from(es.mean), s0 = Float64Array.from(es.sigmas);
  const xs = es.ask();
  const z = xs.map((_, k) => draws(7, 'snes', 0, k));
  xs.forEach((x, k) => sameBits(x, Array.from(m0, (m, i) => m + s0[i] * z[k][i]), `x_${k}`));
  const fit = xs.map(f);
  es.tell(fit);
  const order = rankOrder(fit);
  const mean = new Float64Array(D), sigmas = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let gm = 0, gs = 0;
    order.forEach((k, r) => { const s = z[k][i]; gm += es.utilities[r] * s; gs += es.utilities[r] * (s * s - 1); });
    mean[i] = m0[i] + es.etaMu * s0[i] * gm;
    sigmas[i] = s0[i] * exp((es.etaSigma / 2) * gs);
  }
  sameBits(es.mean, mean, 'mean');
  sameBits(es.sigmas, sigmas, 'σ');
});

test('Sep-CMA-ES at d = 2600: two generations\' mean and diagonal C equal the plain loops bit for bit (y = D⊙z rebuilt in tell)', () => {
  const es = new CmaEs(x0, 0.4, { seed: 3, popSize: 10, covariance: 'diagonal' });
  for (let g = 0; g < 2; g++) {
    const m = Float64Array.from(es.mean), sigma = es.sigma, C0 = Float64Array.from(es.C);
    const Dg = Array.from(C0, (c) => Math.sqrt(Math.max(c, 1e-300))); // D as of the last tell (1 at the start)
    const xs = es.ask();
    const ys = xs.map((_, k) => { const z = draws(3, 'cmae', g, k); return Array.from(Dg, (d, i) => d * z[i]); });
    xs.forEach((x, k) => sameBits(x, Array.from(m, (v, i) => v + sigma * 1 * ys[k][i]), `gen ${g} x_${k}`));
    const fit = xs.map(f);
    es.tell(fit);
    const order = rankOrder(fit);
    const yw = new Float64Array(D), rankMu = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      for (let r = 0; r < es.mu; r++) { const y = ys[order[r]][i]; yw[i] += es.weights[r] * y; rankMu[i] += es.weights[r] * y * y; }
    }
    sameBits(es.mean, Array.from(m, (v, i) => v + sigma * 1 * yw[i]), `gen ${g} mean`);
    // keep = 1 − c₁ − c_μ + (1 − h_σ)c₁c_c(2 − c_c), h_σ from this generation's p_σ.
    let ps2 = 0;
    for (let i = 0; i < D; i++) ps2 += es.pSigma[i] * es.pSigma[i];
    const h = Math.sqrt(ps2) / Math.sqrt(1 - pow(1 - es.cSigma, 2 * (g + 1))) < (1.4 + 2 / (D + 1)) * es.chiN ? 1 : 0;
    const keep = 1 - es.c1 - es.cMu + (1 - h) * es.c1 * es.cc * (2 - es.cc);
    sameBits(es.C, Array.from(C0, (c, i) => keep * c + es.c1 * es.pc[i] * es.pc[i] + es.cMu * rankMu[i]), `gen ${g} C`);
  }
});

test('PGPE (SGD centre) at d = 2600: one generation\'s centre and σ equal the plain per-coordinate loops bit for bit', () => {
  const es = new Pgpe(x0, 0.2, { seed: 5, popSize: 10, optimizer: 'sgd', centerLearningRate: 0.05 });
  const m0 = Float64Array.from(es.mean), s0 = Float64Array.from(es.sigmas);
  const xs = es.ask();
  const eps = [0, 1, 2, 3, 4].map((k) => { const z = draws(5, 'pgpe', 0, k); return Array.from(s0, (s, i) => s * z[i]); });
  eps.forEach((e, k) => { sameBits(xs[2 * k], Array.from(m0, (m, i) => m + e[i]), `x+_${k}`); sameBits(xs[2 * k + 1], Array.from(m0, (m, i) => m - e[i]), `x−_${k}`); });
  const fit = xs.map(f);
  es.tell(fit);
  const u = centeredRanks(fit);
  const mean = new Float64Array(D), sigmas = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let gm = 0, gs = 0;
    for (let k = 0; k < 5; k++) {
      const diff = (u[2 * k] - u[2 * k + 1]) / 2, avg = (u[2 * k] + u[2 * k + 1]) / 2, s = s0[i];
      gm += diff * eps[k][i];
      gs += (avg * (eps[k][i] * eps[k][i] - s * s)) / s;
    }
    mean[i] = m0[i] + es.centerLr * (gm / 5);
    const lim = es.stdevMaxChange * s0[i];
    sigmas[i] = s0[i] + Math.min(lim, Math.max(-lim, es.stdevLr * (gs / 5)));
  }
  sameBits(es.mean, mean, 'mean');
  sameBits(es.sigmas, sigmas, 'σ');
});
