/**
 * A multilayer perceptron whose forward pass runs a whole population batch: each layer is one
 * `batch.layer` — `batch.matmul` (shared GEMM + per-member perturbation) then `batch.biasAct` (bias, its
 * noise and the activation in one pass), one backend call where the backend fuses them. Weights are stored
 * out×in and tagged 'lowrank'; biases are 'full' (perturbed densely) or 'frozen'.
 */
import type { Backend } from '../backend/types.js';
import type { Batch } from './batch.js';
import { ParamSet, type EvolveMode, type ParamSpec } from './params.js';
import type { Activation } from './activations.js';
import { initNormal } from './init.js';

export interface MlpConfig {
  /** Layer widths from input to output, e.g. [4, 256, 256, 2]. */
  sizes: readonly number[];
  activation: Activation;
  /** How biases evolve: 'full' (dense noise) or 'frozen' (kept at 0). */
  bias: Exclude<EvolveMode, 'lowrank'>;
  /** Activation after the last layer (default identity). */
  outputActivation?: Activation;
}

export function mlpSpecs(cfg: MlpConfig): ParamSpec[] {
  if (cfg.sizes.length < 2 || cfg.sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`MLP sizes must be ≥ 2 positive integers, got [${cfg.sizes}]`);
  }
  const specs: ParamSpec[] = [];
  for (let l = 0; l + 1 < cfg.sizes.length; l++) {
    specs.push({ name: `l${l}.w`, shape: [cfg.sizes[l + 1], cfg.sizes[l]], mode: 'lowrank' });
    specs.push({ name: `l${l}.b`, shape: [cfg.sizes[l + 1]], mode: cfg.bias });
  }
  return specs;
}

/** LeCun-normal weights (N(0, 1/fan_in)), zero biases; a pure function of the seed. */
export function initMlp(params: ParamSet, seed: number, paramOffset = 0, count = params.specs.length - paramOffset): void {
  params.specs.forEach((s, pid) => {
    if (pid < paramOffset || pid >= paramOffset + count) return;
    if (s.shape.length === 2) initNormal(seed, pid, params.values[pid], 1 / Math.sqrt(s.shape[1]));
    else params.values[pid].fill(0);
  });
}

export class Mlp {
  private readonly bufA: Float32Array;
  private readonly bufB: Float32Array;
  readonly inputSize: number;
  readonly outputSize: number;

  /** `paramOffset`: index of this MLP's first parameter in the ParamSet (its specs follow in mlpSpecs order). */
  constructor(readonly cfg: MlpConfig, backend: Backend, readonly maxRows: number, readonly paramOffset = 0) {
    const width = Math.max(...cfg.sizes);
    this.bufA = backend.allocF32(maxRows * width);
    this.bufB = backend.allocF32(maxRows * width);
    this.inputSize = cfg.sizes[0];
    this.outputSize = cfg.sizes[cfg.sizes.length - 1];
  }

  /** Runs batch.count rows of x (rows×inputSize); returns a view of rows×outputSize, valid until the next call. */
  forward(batch: Batch, x: Float32Array): Float32Array {
    const rows = batch;
    if (rows.count > this.maxRows) throw new RangeError(`MLP built for ${this.maxRows} rows, got ${rows.count}`);
    const L = this.cfg.sizes.length - 1;
    let input = x;
    let out = this.bufA;
    for (let l = 0; l < L; l++) {
      const m = this.cfg.sizes[l + 1];
      const y = out.subarray(0, rows.count * m);
      batch.layer(this.paramOffset + 2 * l, this.paramOffset + 2 * l + 1, input, y, l + 1 === L ? this.cfg.outputActivation ?? 'identity' : this.cfg.activation);
      input = y;
      out = out === this.bufA ? this.bufB : this.bufA;
    }
    return input;
  }
}
