/**
 * The reference backend: plain loops, written for obvious correctness. Every faster backend is tested
 * against it. Accumulation is in float64 per output element, in increasing k, so results are
 * independent of the number of rows in a call.
 */
import type { Backend } from './types.js';
import { biasActRef } from './epilogue.js';

/** Shared, so worker threads can use the arrays; a plain buffer where there is no SharedArrayBuffer (a page that is not cross-origin isolated). */
function shared(bytes: number): ArrayBuffer | SharedArrayBuffer {
  const n = Math.max(8, bytes);
  return typeof SharedArrayBuffer === 'undefined' ? new ArrayBuffer(n) : new SharedArrayBuffer(n);
}

export const jsBackend: Backend = {
  name: 'js',

  sgemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        if (av === 0) continue;
        if (transB) {
          for (let j = 0; j < n; j++) row[j] += av * b[j * k + p];
        } else {
          const base = p * n;
          for (let j = 0; j < n; j++) row[j] += av * b[base + j];
        }
      }
      const ci = i * n;
      if (beta === 0) for (let j = 0; j < n; j++) c[ci + j] = alpha * row[j];
      else for (let j = 0; j < n; j++) c[ci + j] = alpha * row[j] + beta * c[ci + j];
    }
  },

  sgemv(trans, m, n, alpha, a, x, beta, y) {
    if (!trans) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        const base = i * n;
        for (let j = 0; j < n; j++) s += a[base + j] * x[j];
        y[i] = beta === 0 ? alpha * s : alpha * s + beta * y[i];
      }
    } else {
      const acc = new Float64Array(n);
      for (let i = 0; i < m; i++) {
        const xi = x[i];
        const base = i * n;
        for (let j = 0; j < n; j++) acc[j] += a[base + j] * xi;
      }
      for (let j = 0; j < n; j++) y[j] = beta === 0 ? alpha * acc[j] : alpha * acc[j] + beta * y[j];
    }
  },

  lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, y) {
    for (let i = 0; i < rows; i++) {
      const cf = coef[i];
      if (cf === 0) continue;
      const p = pair[i];
      const xi = i * n;
      const yi = i * m;
      for (let rho = 0; rho < r; rho++) {
        const brow = (p * r + rho) * n;
        let d = 0;
        for (let j = 0; j < n; j++) d += x[xi + j] * bt[brow + j];
        const t = cf * d;
        const arow = (p * r + rho) * m;
        for (let j = 0; j < m; j++) y[yi + j] += t * at[arow + j];
      }
    }
  },

  biasAct: biasActRef,

  igemm(m, n, k, a, b, c) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        c[i * n + j] = s;
      }
    }
  },

  allocF32: (length) => new Float32Array(shared(length * 4), 0, length),
  allocI8: (length) => new Int8Array(shared(length), 0, length),
  allocI32: (length) => new Int32Array(shared(length * 4), 0, length),
};
