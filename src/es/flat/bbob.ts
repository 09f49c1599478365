/**
 * Noiseless BBOB test functions (Hansen, Finck, Ros & Auger, "Real-parameter black-box optimization benchmarking
 * 2009: noiseless functions definitions", INRIA RR-6829), the seven `eggroll bench bbob` runs: f1 sphere, f2
 * separable ellipsoid, f8 Rosenbrock, f10 rotated ellipsoid, f15 rotated Rastrigin, f20 Schwefel x·sin(√x), f21
 * Gallagher's 101 peaks — with the definitions' transformations (T_osz, T_asy, Λ^α, random rotations R and Q,
 * f_pen). An instance (x_opt, rotations, signs, peaks) is drawn from its seed with the project's Philox streams and
 * math functions, so it is the same on every engine; it is not COCO's instance of that number (COCO's generator is
 * its own), and f_opt = 0, so f(x) is the precision f − f_opt the benchmark measures. Domain [−5, 5]^d.
 */
import { cos, exp, log, pow, sin } from '../../math/index.js';
import { namedStream, PhiloxStream } from '../../rng/stream.js';

export const BBOB_FUNCTIONS = [1, 2, 8, 10, 15, 20, 21] as const;
export type BbobId = typeof BBOB_FUNCTIONS[number];
export const BBOB_NAMES: Record<BbobId, string> = {
  1: 'sphere', 2: 'ellipsoid (separable)', 8: 'Rosenbrock', 10: 'ellipsoid (rotated)', 15: 'Rastrigin (rotated)', 20: 'Schwefel x·sin(√x)', 21: 'Gallagher 101 peaks',
};

export interface BbobProblem {
  id: BbobId;
  d: number;
  instance: number;
  /** The optimum (f(xOpt) = 0 up to rounding). */
  xOpt: Float64Array;
  f(x: ArrayLike<number>): number;
}

/** T_osz: the smooth, symmetric-breaking oscillation of the definitions, elementwise. */
export function tosz(v: number): number {
  if (v === 0) return 0;
  const h = log(Math.abs(v));
  const [c1, c2] = v > 0 ? [10, 7.9] : [5.5, 3.1];
  return Math.sign(v) * exp(h + 0.049 * (sin(c1 * h) + sin(c2 * h)));
}

/** T_asy^β in place. */
function tasy(z: Float64Array, beta: number): void {
  const d = z.length;
  for (let i = 0; i < d; i++) if (z[i] > 0) z[i] = pow(z[i], 1 + (beta * i * Math.sqrt(z[i])) / (d - 1));
}

/** λ_ii of Λ^α. */
const lam = (alpha: number, i: number, d: number) => pow(alpha, (0.5 * i) / (d - 1));

function normal(s: PhiloxStream): number {
  return s.normal();
}

/** A random orthogonal d×d matrix (Gram–Schmidt on a standard normal one, as the definitions' code does). */
function rotation(s: PhiloxStream, d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) m[i] = normal(s);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += m[i * d + k] * m[j * d + k];
      for (let k = 0; k < d; k++) m[i * d + k] -= dot * m[j * d + k];
    }
    let n = 0;
    for (let k = 0; k < d; k++) n += m[i * d + k] * m[i * d + k];
    n = Math.sqrt(n);
    for (let k = 0; k < d; k++) m[i * d + k] /= n;
  }
  return m;
}

function matVec(m: Float64Array, x: ArrayLike<number>, d: number, out = new Float64Array(d)): Float64Array {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += m[i * d + k] * x[k];
    out[i] = s;
  }
  return out;
}

function fpen(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) { const e = Math.abs(x[i]) - 5; if (e > 0) s += e * e; }
  return s;
}

/** x_opt uniform in [−r, r]^d on a 10⁻⁴ grid, no coordinate exactly 0 (the definitions' rule). */
function xOptIn(s: PhiloxStream, d: number, r: number): Float64Array {
  return Float64Array.from({ length: d }, () => {
    const v = (2 * r * Math.floor(1e4 * s.random())) / 1e4 - r;
    return v === 0 ? -1e-5 : v;
  });
}

/** The instance `instance` of function `id` in dimension `d` (d ≥ 2). */
export function bbobProblem(id: BbobId, d: number, instance: number): BbobProblem {
  if (!(BBOB_FUNCTIONS as readonly number[]).includes(id)) throw new RangeError(`bbob: function must be one of ${BBOB_FUNCTIONS.join(', ')}, got ${id}`);
  if (!Number.isInteger(d) || d < 2) throw new RangeError(`bbob: dimension must be an integer ≥ 2, got ${d}`);
  const s = new PhiloxStream(namedStream(instance, 'bbob', id, d));
  const cond = (i: number) => pow(10, (6 * i) / (d - 1));
  switch (id) {
    case 1: {
      const xOpt = xOptIn(s, d, 4);
      return { id, d, instance, xOpt, f: (x) => { let r = 0; for (let i = 0; i < d; i++) r += (x[i] - xOpt[i]) ** 2; return r; } };
    }
    case 2: {
      const xOpt = xOptIn(s, d, 4);
      return { id, d, instance, xOpt, f: (x) => { let r = 0; for (let i = 0; i < d; i++) r += cond(i) * tosz(x[i] - xOpt[i]) ** 2; return r; } };
    }
    case 8: {
      const xOpt = xOptIn(s, d, 3);
      const c = Math.max(1, Math.sqrt(d) / 8);
      return {
        id, d, instance, xOpt, f: (x) => {
          const z = Float64Array.from({ length: d }, (_, i) => c * (x[i] - xOpt[i]) + 1);
          let r = 0;
          for (let i = 0; i < d - 1; i++) r += 100 * (z[i] * z[i] - z[i + 1]) ** 2 + (z[i] - 1) ** 2;
          return r;
        },
      };
    }
    case 10: {
      const xOpt = xOptIn(s, d, 4);
      const R = rotation(s, d);
      return {
        id, d, instance, xOpt, f: (x) => {
          const z = matVec(R, Float64Array.from({ length: d }, (_, i) => x[i] - xOpt[i]), d);
          let r = 0;
          for (let i = 0; i < d; i++) r += cond(i) * tosz(z[i]) ** 2;
          return r;
        },
      };
    }
    case 15: {
      const xOpt = xOptIn(s, d, 4);
      const R = rotation(s, d), Q = rotation(s, d);
      // M = R·Λ¹⁰·Q, applied after T_asy(T_osz(R(x − x_opt))).
      const M = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
        let v = 0;
        for (let k = 0; k < d; k++) v += R[i * d + k] * lam(10, k, d) * Q[k * d + j];
        M[i * d + j] = v;
      }
      return {
        id, d, instance, xOpt, f: (x) => {
          const y = matVec(R, Float64Array.from({ length: d }, (_, i) => x[i] - xOpt[i]), d);
          for (let i = 0; i < d; i++) y[i] = tosz(y[i]);
          tasy(y, 0.2);
          const z = matVec(M, y, d);
          let r = 10 * d;
          for (let i = 0; i < d; i++) r += z[i] * z[i] - 10 * cos(2 * Math.PI * z[i]);
          return r;
        },
      };
    }
    case 20: {
      const signs = Float64Array.from({ length: d }, () => (s.random() < 0.5 ? -1 : 1));
      const half = 4.2096874633 / 2;
      const xOpt = signs.map((v) => v * half);
      return {
        id, d, instance, xOpt, f: (x) => {
          const xh = Float64Array.from({ length: d }, (_, i) => 2 * signs[i] * x[i]);
          const zh = Float64Array.from(xh);
          for (let i = 1; i < d; i++) zh[i] = xh[i] + 0.25 * (xh[i - 1] - 2 * half);
          const z = Float64Array.from({ length: d }, (_, i) => 100 * (lam(10, i, d) * (zh[i] - 2 * half) + 2 * half));
          let r = 0;
          for (let i = 0; i < d; i++) r += z[i] * sin(Math.sqrt(Math.abs(z[i])));
          return -r / (100 * d) + 4.189828872724339 + 100 * fpen(z.map((v) => v / 100));
        },
      };
    }
    case 21: {
      const R = rotation(s, d);
      const peaks = 101;
      const w = Float64Array.from({ length: peaks }, (_, i) => (i === 0 ? 10 : 1.1 + (8 * (i - 1)) / 99));
      // α_1 = 1000², the others a random arrangement of 1000^(2j/99), j = 0 … 99.
      const alphas = Array.from({ length: 100 }, (_, j) => pow(1000, (2 * j) / 99));
      shuffle(alphas, s);
      alphas.unshift(1e6);
      // Per peak: R·y_i and the diagonal of C_i = Λ^{α_i}/α_i^{1/4} (its elements randomly permuted).
      const ry: Float64Array[] = [], c: Float64Array[] = [];
      const ys: Float64Array[] = [];
      for (let p = 0; p < peaks; p++) {
        const y = Float64Array.from({ length: d }, () => (p === 0 ? 8 : 9.8) * s.random() - (p === 0 ? 4 : 4.9));
        ys.push(y);
        ry.push(matVec(R, y, d));
        const diag = Array.from({ length: d }, (_, i) => lam(alphas[p], i, d) / pow(alphas[p], 0.25));
        shuffle(diag, s);
        c.push(Float64Array.from(diag));
      }
      const rx = new Float64Array(d);
      return {
        id, d, instance, xOpt: ys[0], f: (x) => {
          matVec(R, x, d, rx);
          let m = 0;
          for (let p = 0; p < peaks; p++) {
            let q = 0;
            for (let i = 0; i < d; i++) { const e = rx[i] - ry[p][i]; q += c[p][i] * e * e; }
            m = Math.max(m, w[p] * exp(-q / (2 * d)));
          }
          return tosz(10 - m) ** 2 + fpen(x);
        },
      };
    }
  }
}

function shuffle<T>(a: T[], s: PhiloxStream): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = s.below(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}
