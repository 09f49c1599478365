/**
 * The same language model as model.ts, written in tfjs so that backprop can train it (pretraining and
 * GRPO). It runs a whole padded sequence batch at once: because the minGRU gates depend only on the input,
 * each layer is one matmul over all B·T positions, and only the element-wise recurrence h ← h + z⊙(h̃ − h)
 * is a loop over time. Parameters are named as in lmSpecs and exchanged with the engine as Float32Arrays
 * (and through safetensors): the same weights give the same log-probabilities in both (tested to 1e-5).
 *
 * Backend: tfjs-backend-wasm (XNNPACK). Its fast GEMM only takes plain 2-D matmuls without transposes, and
 * tfjs's own matmul gradient uses transposed matmuls (the slow path: ~3 GFLOP/s against ~19 measured here),
 * so `mm` is a matmul whose gradient transposes explicitly.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { lmSpecs, loraNames, RMS_EPS, type LmConfig } from './model.js';
import type { ParamSpec } from '../nn/params.js';
import { exposeNavigatorGpu } from '../backend/index.js';

let ready: Promise<string> | undefined;
let readyFor: string | undefined;
/** tfjs variable names are global: each model's get a fresh number. */
let modelCount = 0;

/**
 * Selects tfjs's backend for this process, once; returns its name. wasm falls back to cpu when it cannot start.
 * webgpu is tfjs's own WebGPU backend (the optional @tensorflow/tfjs-backend-webgpu) on this process's adapter
 * (in Node, Dawn's: exposeNavigatorGpu); it does not fall back, since it was asked for by name.
 */
export function initTf(prefer: 'wasm' | 'cpu' | 'webgpu' = 'wasm'): Promise<string> {
  if (ready && readyFor !== prefer) throw new Error(`tfjs already runs on its ${readyFor} backend in this process; asked for ${prefer}`);
  readyFor = prefer;
  ready ??= (async () => {
    if (prefer === 'webgpu') {
      const adapter = await exposeNavigatorGpu();
      try {
        await import('@tensorflow/tfjs-backend-webgpu');
      } catch (e) {
        throw new Error(`GRPO on --backend webgpu needs tfjs's webgpu backend (an optional dependency: npm install @tensorflow/tfjs-backend-webgpu@4.22.0): ${(e as Error).message.split('\n')[0]}`);
      }
      if (!(await tf.setBackend('webgpu').catch(() => false))) throw new Error(`tfjs's webgpu backend did not start on ${adapter}`);
    } else if (!(await tf.setBackend(prefer).catch(() => false))) {
      await tf.setBackend('cpu');
    }
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

/** A 2-D matmul a·b whose gradient uses explicit transposes (the wasm fast path; see the file comment). */
export const mm = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1] as tf.Tensor2D)), tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

export class TfLm {
  readonly specs: ParamSpec[];
  readonly vars: tf.Variable[];
  private readonly byName: Map<string, tf.Variable>;

  /**
   * Variables initialised from `values` (in the order of `specs`: lmSpecs, or a tune choice's set with its adapters,
   * tune.ts). A matrix with adapters in the set gets (x·Vᵀ)·Uᵀ added, as the engine's model does.
   */
  constructor(readonly cfg: LmConfig, values: readonly Float32Array[], specs: readonly ParamSpec[] = lmSpecs(cfg)) {
    this.specs = [...specs];
    if (values.length !== this.specs.length) throw new RangeError(`TfLm: ${values.length} tensors for ${this.specs.length} parameters`);
    const id = modelCount++;
    this.vars = this.specs.map((s, i) => {
      const t = tf.tensor(values[i], s.shape, 'float32');
      const v = tf.variable(t, true, `reason${id}/${s.name}`);
      t.dispose(); // the variable holds its own reference to the data
      return v;
    });
    this.byName = new Map(this.specs.map((s, i) => [s.name, this.vars[i]]));
  }

  private v(name: string): tf.Variable {
    return this.byName.get(name)!;
  }

  /** Copies new values into the variables (after an optimiser step done outside tfjs). */
  assign(values: readonly Float32Array[]): void {
    this.specs.forEach((s, i) => {
      const t = tf.tensor(values[i], s.shape, 'float32');
      this.vars[i].assign(t);
      t.dispose(); // assign copies; the temporary would otherwise leak every step
    });
  }

  /** The current values, in lmSpecs order. */
  values(): Float32Array[] {
    return this.vars.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }

  private rms(x: tf.Tensor2D, gain: string): tf.Tensor2D {
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), RMS_EPS));
    return tf.mul(tf.mul(x, inv), this.v(gain)) as tf.Tensor2D;
  }

  /** The variables a tune choice trains (mode other than 'frozen'), in spec order. */
  get trainable(): tf.Variable[] {
    return this.vars.filter((_, i) => this.specs[i].mode !== 'frozen');
  }

  /** x·Wᵀ + b for W stored out×in (as in the engine), plus (x·Vᵀ)·Uᵀ where W has adapters. */
  private linear(x: tf.Tensor2D, w: string, b: string): tf.Tensor2D {
    const y = tf.add(mm(x, tf.transpose(this.v(w)) as tf.Tensor2D), this.v(b)) as tf.Tensor2D;
    const names = loraNames(w);
    const up = this.byName.get(names.up), down = this.byName.get(names.down);
    if (!up || !down) return y;
    return tf.add(y, mm(mm(x, tf.transpose(down) as tf.Tensor2D), tf.transpose(up) as tf.Tensor2D)) as tf.Tensor2D;
  }

  /**
   * log p(tokens[b, t+1] | tokens[b, ..t]) as a [B, T−1] tensor, for a B×T batch of token ids (rows
   * padded on the right: padding after a sequence never changes the values before it).
   */
  logprobs(tokens: Int32Array, B: number, T: number): tf.Tensor2D {
    const { dim: D, layers: L, vocab: V } = this.cfg;
    return tf.tidy(() => {
      const ids = tf.tensor2d(tokens, [B, T], 'int32');
      // The embedding as a one-hot matmul: the gradient of gather (UnsortedSegmentSum) has no wasm kernel.
      let x = mm(tf.oneHot(tf.reshape(ids, [B * T]), V) as tf.Tensor2D, this.v('emb') as tf.Tensor2D);
      for (let l = 0; l < L; l++) {
        const zh = tf.reshape(this.linear(this.rms(x, `b${l}.norm1`), `b${l}.gru.w`, `b${l}.gru.b`), [B, T, 2 * D]);
        const z = tf.unstack(tf.sigmoid(tf.slice(zh, [0, 0, 0], [B, T, D])), 1);
        const hTilde = tf.unstack(tf.slice(zh, [0, 0, D], [B, T, D]), 1);
        let h: tf.Tensor = tf.zeros([B, D]);
        const hs: tf.Tensor[] = [];
        for (let t = 0; t < T; t++) {
          h = tf.add(h, tf.mul(z[t], tf.sub(hTilde[t], h)));
          hs.push(h);
        }
        x = tf.add(x, tf.reshape(tf.stack(hs, 1), [B * T, D])) as tf.Tensor2D;
        const u = tf.relu(this.linear(this.rms(x, `b${l}.norm2`), `b${l}.mlp.w1`, `b${l}.mlp.b1`)) as tf.Tensor2D;
        x = tf.add(x, this.linear(u, `b${l}.mlp.w2`, `b${l}.mlp.b2`)) as tf.Tensor2D;
      }
      const logits = this.linear(this.rms(x, 'norm'), 'head.w', 'head.b');
      const logp = tf.reshape(tf.logSoftmax(logits), [B, T, V]);
      const next = tf.slice(ids, [0, 1], [B, T - 1]);
      const picked = tf.sum(tf.mul(tf.slice(logp, [0, 0, 0], [B, T - 1, V]), tf.oneHot(next, V)), -1);
      return picked as tf.Tensor2D;
    });
  }
}

/** Pads sequences on the right with `pad` into one B×T array; returns it with T and a mask of the predicted positions. */
export function padBatch(seqs: readonly Int32Array[], pad: number): { tokens: Int32Array; B: number; T: number } {
  const B = seqs.length;
  const T = Math.max(2, ...seqs.map((s) => s.length));
  const tokens = new Int32Array(B * T).fill(pad);
  seqs.forEach((s, b) => tokens.set(s, b * T));
  return { tokens, B, T };
}

export { tf };
