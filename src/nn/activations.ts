/**
 * Element-wise activations applied in place to a rows×width block. The functions themselves (including
 * the project's float32 tanh, which replaces Math.tanh so that every backend gives the same bits) are
 * defined by the reference in src/backend/epilogue.ts; models apply them fused with the bias through
 * `Batch.biasAct` (one pass, SIMD on wasm/native). `activate` is that reference with no bias.
 */
import { biasActRef, type Activation } from '../backend/epilogue.js';

export { ACTIVATIONS, tanhF32, type Activation } from '../backend/epilogue.js';

/** −0 is the identity of IEEE addition (x + −0 = x for every x, ±0 included). */
const NEG_ZERO_BIAS = new Map<number, Float32Array>();

export function activate(kind: Activation, y: Float32Array, rows: number, width: number): void {
  if (kind === 'identity') return;
  let b = NEG_ZERO_BIAS.get(width);
  if (!b) NEG_ZERO_BIAS.set(width, (b = new Float32Array(width).fill(-0)));
  biasActRef(kind, rows, width, y, b, null, null, null);
}
