/**
 * Batched autoregressive sampling for many prompts × population members at once: every row of the
 * batch has its own prompt (fed token by token, so prompts of different lengths share the batch), then
 * samples its completion until a newline or `maxNew` tokens. Temperature 0 is greedy (first maximum).
 * The uniform behind row r's k-th token is Philox(seed, key(r), k): a pure function of the row's logical
 * id, never of the batch it shares, so results are reproducible bit for bit.
 */
import { mix32, philox4x32 } from '../rng/philox.js';
import type { Batch } from '../nn/batch.js';
import type { RecurrentLm } from './model.js';
import { EOS } from './vocab.js';
import { exp, log } from '../math/index.js';

export interface SampleOptions {
  maxNew: number;
  temperature: number;
  seed: number;
  /** The logical id of row r (e.g. [generation, member, prompt, sample]); decides its random stream. */
  rowKey: (row: number) => readonly number[];
}

export interface SampleResult {
  /** Row r's completion tokens (ending with the newline when it stopped on one). */
  completions: Int32Array[];
  /** Completion tokens generated in all (what "tokens generated" counts). */
  tokens: number;
}

/**
 * Draws a token from softmax(logits/T) with the uniform u ∈ [0, 1) (inverse CDF over the vocabulary in
 * order, in double precision); T = 0 is argmax.
 */
export function drawToken(logits: Float32Array, offset: number, V: number, temperature: number, u: number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (logits[offset + j] > logits[offset + best]) best = j;
  if (temperature === 0) return best;
  const max = logits[offset + best];
  let s = 0;
  for (let j = 0; j < V; j++) s += exp((logits[offset + j] - max) / temperature);
  let target = u * s;
  for (let j = 0; j < V; j++) {
    target -= exp((logits[offset + j] - max) / temperature);
    if (target < 0) return j;
  }
  return best; // u·s rounded up to the total: the last step of the CDF
}

export function sampleBatch(lm: RecurrentLm, batch: Batch, prompts: readonly Int32Array[], o: SampleOptions): SampleResult {
  if (prompts.length !== batch.count) throw new RangeError(`sampleBatch: ${prompts.length} prompts for ${batch.count} rows`);
  const V = lm.cfg.vocab;
  const logits = new Float32Array(batch.count * V);
  lm.reset();
  const steps = samplingSteps(prompts, V, o);
  for (let r = steps.next(); ; r = steps.next(logits)) {
    if (r.done) return r.value;
    lm.step(batch, r.value, logits);
  }
}

/**
 * sampleBatch on a model whose step is asynchronous (the device-resident LM: reason/device-lm.ts): `step(tokens)`
 * resolves with the rows' next-token logits (rows × V); the model starts from a reset state.
 */
export async function sampleBatchAsync(step: (tokens: Int32Array) => Promise<Float32Array>, V: number, prompts: readonly Int32Array[], o: SampleOptions): Promise<SampleResult> {
  const steps = samplingSteps(prompts, V, o);
  let logits: Float32Array | undefined;
  for (let r = steps.next(); ; r = steps.next(logits!)) {
    if (r.done) return r.value;
    logits = await step(r.value);
  }
}

/**
 * The sampling itself, for any model: yields each step's input tokens (one per row), is given back the logits, and
 * returns the completions — one algorithm whether the model answers at once (sampleBatch) or later (sampleBatchAsync).
 */
function* samplingSteps(prompts: readonly Int32Array[], V: number, o: SampleOptions): Generator<Int32Array, SampleResult, Float32Array> {
  const rows = prompts.length;
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new RangeError(`temperature must be a finite number ≥ 0, got ${o.temperature}`);
  const tokens = new Int32Array(rows);
  const out = prompts.map(() => new Int32Array(o.maxNew));
  const lengths = new Int32Array(rows);
  const done = new Uint8Array(rows);
  const keys = Array.from({ length: rows }, (_, r) => {
    const k = o.rowKey(r);
    return [mix32(o.seed, ...k, 1), mix32(o.seed, ...k, 2)];
  });
  const rand = new Uint32Array(4);
  let maxPrompt = 0;
  for (const p of prompts) {
    if (p.length === 0) throw new RangeError('sampleBatch: an empty prompt');
    maxPrompt = Math.max(maxPrompt, p.length);
  }
  let active = rows;
  for (let t = 0; active > 0 && t < maxPrompt + o.maxNew - 1; t++) {
    for (let r = 0; r < rows; r++) {
      const p = prompts[r];
      tokens[r] = t < p.length ? p[t] : out[r][t - p.length];
    }
    const logits = yield tokens;
    for (let r = 0; r < rows; r++) {
      const k = t - prompts[r].length + 1; // index of the completion token this step predicts
      if (k < 0 || done[r]) continue;
      philox4x32(k, 0, 0, 0x5a3b, keys[r][0], keys[r][1], rand);
      const tok = drawToken(logits, r * V, V, o.temperature, rand[0] / 4294967296);
      out[r][k] = tok;
      lengths[r] = k + 1;
      if (tok === EOS || k + 1 === o.maxNew) {
        done[r] = 1;
        active--;
      }
    }
  }
  let total = 0;
  for (let r = 0; r < rows; r++) total += lengths[r];
  return { completions: out.map((c, r) => c.slice(0, lengths[r])), tokens: total };
}

/**
 * log p(seq[t+1] | seq[..t]) for t = 0 … len−2 of every row's sequence (teacher forcing), as float64.
 * The reference the tfjs twin is tested against, and how a completion's likelihood is scored.
 */
export function sequenceLogprobs(lm: RecurrentLm, batch: Batch, seqs: readonly Int32Array[]): Float64Array[] {
  const rows = batch.count;
  const V = lm.cfg.vocab;
  const logits = new Float32Array(rows * V);
  const tokens = new Int32Array(rows);
  const maxLen = Math.max(...seqs.map((s) => s.length));
  const out = seqs.map((s) => new Float64Array(Math.max(0, s.length - 1)));
  lm.reset();
  for (let t = 0; t + 1 < maxLen; t++) {
    for (let r = 0; r < rows; r++) tokens[r] = t < seqs[r].length ? seqs[r][t] : EOS;
    lm.step(batch, tokens, logits);
    for (let r = 0; r < rows; r++) {
      if (t + 1 < seqs[r].length) {
        const V0 = r * V;
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (logits[V0 + j] > max) max = logits[V0 + j];
        let s = 0;
        for (let j = 0; j < V; j++) s += exp(logits[V0 + j] - max);
        out[r][t] = logits[V0 + seqs[r][t + 1]] - max - log(s);
      }
    }
  }
  return out;
}
