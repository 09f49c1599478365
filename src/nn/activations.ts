/**
 * Element-wise activations applied in place to a rows×width block. The functions themselves (including
 * the project's float32 tanh, which replaces Math.tanh so that every backend gives the same bits) are
 * defined by the reference in src/backend/epilogue.ts; models apply them fused with the bias through
 * `Batch.biasAct` (one pass, SIMD on wasm/native). `activate` is that reference with no bias.
 */
import { biasActRef, negZeroBias, type Activation } from '../backend/index.js';

export { ACTIVATIONS, tanhF32, type Activation } from '../backend/index.js';

export function activate(kind: Activation, y: Float32Array, rows: number, width: number): void {
  if (kind === 'identity') return;
  biasActRef(kind, rows, width, y, negZeroBias(width), null, null, null);
}
