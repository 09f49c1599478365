/**
 * Sampling from EGG in integers: the next byte is drawn with probability EXP2[y'_k] / Σ EXP2[y'] (the
 * model's own base-2 softmax), by rejection sampling a uniform integer below the sum from Philox words.
 */
import { philox4x32, mix32 } from '../rng/philox.js';
import { EXP2 } from './tables.js';
import { VOCAB, type EggForward } from './model.js';

/** Feeds byte 0 (document start) and the prompt, then generates `count` bytes. */
export function sampleBytes(fwd: EggForward, params: Int8Array, prompt: Uint8Array, count: number, seed: number): Uint8Array {
  fwd.setWeights(params);
  fwd.resetStates();
  fwd.setNoise({ sign: new Int8Array(1), noiseAt: new Int32Array(1), noise: new Int8Array(0), sigmaShift: 0 });
  const input = new Uint8Array(1);
  for (const b of [0, ...prompt]) { input[0] = b; fwd.step(input); }
  const out = new Uint8Array(count);
  const words = new Uint32Array(4);
  const k0 = mix32(seed, 0x73616d70), k1 = mix32(seed, 0x6c652121);
  let ctr = 0, w = 4;
  const nextWord = (): number => {
    if (w === 4) { philox4x32(ctr++, 0, 0, 0, k0, k1, words, 0); w = 0; }
    return words[w++];
  };
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let k = 0; k < VOCAB; k++) sum += EXP2[fwd.logits[k] + 128];
    const bits = 32 - Math.clz32(sum - 1);
    let r: number;
    do r = nextWord() >>> (32 - bits); while (r >= sum);
    let k = 0;
    for (; k < VOCAB - 1; k++) { r -= EXP2[fwd.logits[k] + 128]; if (r < 0) break; }
    out[i] = k;
    input[0] = k;
    fwd.step(input);
  }
  return out;
}
