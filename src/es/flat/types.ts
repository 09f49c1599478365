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
}
