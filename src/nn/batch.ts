/**
 * A population batch as a model sees it: `count` rows, each belonging to one member of the population
 * (or to none, and then seeing the plain parameters), with the layer operations that apply each row's
 * member's perturbation. Plain inference, EGGROLL and OpenES all provide one (src/es/population.ts);
 * a model's forward only calls these, so it never knows which.
 */
import type { Activation } from '../backend/index.js';

export interface Batch {
  /** Rows in this batch. */
  readonly count: number;
  /** Y(count×m) ← X(count×n)·Wᵀ for W = params[pid] (m×n), each row with its member's perturbation. */
  matmul(pid: number, x: Float32Array, y: Float32Array): void;
  /** Y[i,:] += b for b = params[pid] (length m), each row with its member's perturbation. */
  addBias(pid: number, y: Float32Array): void;
  /**
   * Y[i,:] ← act(Y[i,:] + b) for b = params[pid] (length m), each row with its member's perturbation: the
   * bias add fused with the activation in one pass (Backend.biasAct).
   */
  biasAct(pid: number, y: Float32Array, act: Activation): void;
  /**
   * One layer: `matmul(pidW, x, y)` then `biasAct(pidB, y, act)`, with exactly their bits — in one backend
   * call where the backend can (Backend.layer).
   */
  layer(pidW: number, pidB: number, x: Float32Array, y: Float32Array, act: Activation): void;
  /** The parameter vector as row i sees it (element-wise parameters such as norm gains); may be `out`. */
  vectorFor(pid: number, row: number, out: Float32Array): Float32Array;
}
