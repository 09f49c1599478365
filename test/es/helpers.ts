/** Small linear-algebra helpers for the ES tests (float64, plain loops). */
export function matmulT(x: ArrayLike<number>, rows: number, n: number, w: ArrayLike<number>, m: number): Float64Array {
  const y = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += x[i * n + k] * w[j * n + k];
    y[i * m + j] = s;
  }
  return y;
}

/** Numerical rank by Gaussian elimination with partial pivoting. */
export function rank(a: ArrayLike<number>, m: number, n: number, tol = 1e-6): number {
  const A = Float64Array.from(a);
  let scale = 0;
  for (const v of A) scale = Math.max(scale, Math.abs(v));
  let r = 0;
  for (let c = 0; c < n && r < m; c++) {
    let piv = r;
    for (let i = r + 1; i < m; i++) if (Math.abs(A[i * n + c]) > Math.abs(A[piv * n + c])) piv = i;
    if (Math.abs(A[piv * n + c]) <= tol * scale) continue;
    for (let j = 0; j < n; j++) { const t = A[r * n + j]; A[r * n + j] = A[piv * n + j]; A[piv * n + j] = t; }
    for (let i = r + 1; i < m; i++) {
      const f = A[i * n + c] / A[r * n + c];
      for (let j = c; j < n; j++) A[i * n + j] -= f * A[r * n + j];
    }
    r++;
  }
  return r;
}

export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  return err / Math.max(scale, 1e-30);
}
