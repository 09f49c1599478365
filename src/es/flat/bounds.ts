/**
 * Box bounds for a search in an unbounded space (pycma's BoundTransform, BoxConstraintsLinQuadTransformation): each
 * coordinate is mapped into [l, u] by a function that is the identity inside [l + a_l, u − a_u], quadratic in the
 * margins (so it is smooth at the bound, where it is flat), and beyond the box reflected periodically with period
 * 2(u − l + a_l + a_u). The margins a_l = min((u − l)/2, (1 + |l|)/20), a_u likewise. A strategy's points stay
 * unbounded (its distribution is not distorted by clipping) while `f` only ever sees feasible points. An open side
 * (±Infinity) reflects at the finite one only; both open: the identity.
 */

/** [lower, upper]: a number for every coordinate or one per coordinate; ±Infinity for an open side. */
export type Bounds = readonly [number | ArrayLike<number>, number | ArrayLike<number>];

export interface BoxTransform {
  lower: Float64Array;
  upper: Float64Array;
  /** The point of the box that `x` stands for. */
  map(x: ArrayLike<number>): Float64Array;
}

export function boxTransform(bounds: Bounds, d: number): BoxTransform {
  const side = (v: number | ArrayLike<number>, which: string): Float64Array => {
    if (typeof v === 'number') return new Float64Array(d).fill(v);
    if (v.length !== d) throw new RangeError(`bounds: ${which} has ${v.length} values for ${d} coordinates`);
    return Float64Array.from(v);
  };
  if (!Array.isArray(bounds) || bounds.length !== 2) throw new RangeError('bounds: expected [lower, upper]');
  const lower = side(bounds[0], 'lower'), upper = side(bounds[1], 'upper');
  for (let i = 0; i < d; i++) {
    if (Number.isNaN(lower[i]) || Number.isNaN(upper[i]) || !(lower[i] < upper[i])) throw new RangeError(`bounds: coordinate ${i} needs lower < upper, got [${lower[i]}, ${upper[i]}]`);
  }
  return { lower, upper, map: (x) => Float64Array.from({ length: d }, (_, i) => mapOne(x[i], lower[i], upper[i])) };
}

/** One coordinate of the transformation (see the module comment). */
export function mapOne(x: number, lb: number, ub: number): number {
  const lowOpen = lb === -Infinity, highOpen = ub === Infinity;
  if (lowOpen && highOpen) return x;
  if (lowOpen || highOpen) {
    // One finite bound b: reflect onto its feasible side, then the quadratic margin next to it.
    const b = lowOpen ? ub : lb, s = lowOpen ? -1 : 1; // s: which way is feasible
    const a = (1 + Math.abs(b)) / 20;
    let y = s * (x - b); // distance into the feasible side (negative: beyond the bound)
    if (y < -a) y = -2 * a - y;
    if (y < a) y = ((y + a) * (y + a)) / (4 * a);
    return b + s * y;
  }
  const al = Math.min((ub - lb) / 2, (1 + Math.abs(lb)) / 20), au = Math.min((ub - lb) / 2, (1 + Math.abs(ub)) / 20);
  // Shift into one period [lb − 2al − (ub − lb)/2, …) of length r, then reflect into [lb − al, ub + au].
  const r = 2 * (ub - lb + al + au);
  const s = lb - 2 * al - (ub - lb) / 2;
  let y = x - r * Math.floor((x - s) / r);
  if (y > ub + au) y -= 2 * (y - ub - au);
  if (y < lb - al) y += 2 * (lb - al - y);
  if (y < lb + al) return lb + ((y - (lb - al)) * (y - (lb - al))) / (4 * al);
  if (y > ub - au) return ub - ((y - (ub + au)) * (y - (ub + au))) / (4 * au);
  return y;
}
