/** What `optimize` drives: a search distribution over a flat vector, asked for candidates and told their fitness (lower is better). */
export interface FlatStrategy {
  readonly d: number;
  /** Candidates per generation. */
  readonly lambda: number;
  readonly generation: number;
  readonly mean: Float64Array;
  /** This generation's candidates: the strategy's own arrays, overwritten by the next ask() (copy one to keep it). */
  ask(): Float64Array[];
  tell(fitness: ArrayLike<number>): void;
  /** The step size a generation's record shows (CMA-ES: σ; SNES: the mean of the per-coordinate σ). */
  readonly stepSize: number;
  /** The largest standard deviation of the distribution over the coordinates (for tolX). */
  maxStd(): number;
  /** Largest over smallest variance along the distribution's axes. */
  readonly conditionNumber: number;
  /** Everything a checkpoint needs to continue bit for bit, as named arrays (generation included). */
  exportState(): Record<string, Float64Array>;
  /** Restores exportState()'s arrays; RangeError naming the array when one is missing or of another length. */
  importState(state: Record<string, Float64Array>): void;
}

/** Copies `state[name]` into `into` (same length) or throws naming it: importState's check. */
export function restore(state: Record<string, Float64Array>, name: string, into: Float64Array): void {
  const v = state[name];
  if (!v || v.length !== into.length) throw new RangeError(`strategy state: '${name}' must hold ${into.length} values, got ${v ? v.length : 'none'}`);
  into.set(v);
}

/** The one-number entries of a state (generation, σ, …). */
export function scalar(state: Record<string, Float64Array>, name: string): number {
  const v = state[name];
  if (!v || v.length !== 1 || !Number.isFinite(v[0])) throw new RangeError(`strategy state: '${name}' must be one finite number`);
  return v[0];
}

/**
 * What a strategy with one σ per coordinate (SNES, PGPE) reports of its distribution: the mean σ as its step size,
 * the largest σ, and max σ² / min σ² as its condition number.
 */
export abstract class PerCoordinateSigmas {
  abstract readonly sigmas: Float64Array;

  get stepSize(): number {
    let s = 0;
    for (const v of this.sigmas) s += v;
    return s / this.sigmas.length;
  }

  maxStd(): number {
    let m = 0;
    for (const v of this.sigmas) m = Math.max(m, v);
    return m;
  }

  get conditionNumber(): number {
    let lo = Infinity, hi = 0;
    for (const v of this.sigmas) { lo = Math.min(lo, v * v); hi = Math.max(hi, v * v); }
    return hi / lo;
  }
}
