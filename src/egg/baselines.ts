/**
 * Reference points for bits per byte on the same split as the model: unigram and bigram byte models
 * fitted on the train stream with add-one (Laplace) smoothing over 256 bytes, and gzip -9 (node:zlib,
 * level 9) of the text alone. The n-gram models predict exactly the targets the LM predicts: every
 * byte of a stream after its first (document separators included).
 */
import { gzipSync } from 'node:zlib';
import { log2 } from '../math/index.js';

export interface Baselines {
  unigram_train_bpb: number;
  unigram_bpb: number;
  bigram_train_bpb: number;
  bigram_bpb: number;
  gzip_train_bpb: number;
  gzip_bpb: number;
}

export class NgramModel {
  readonly uni = new Float64Array(256);
  readonly bi = new Float64Array(256 * 256);
  readonly ctx = new Float64Array(256);
  total = 0;

  constructor(train: Uint8Array) {
    for (let i = 1; i < train.length; i++) {
      this.uni[train[i]]++;
      this.bi[train[i - 1] * 256 + train[i]]++;
      this.ctx[train[i - 1]]++;
      this.total++;
    }
  }

  /** Mean −log2 p over the targets stream[1..]. */
  unigramBpb(stream: Uint8Array): number {
    let bits = 0;
    for (let i = 1; i < stream.length; i++) bits -= log2((this.uni[stream[i]] + 1) / (this.total + 256));
    return bits / Math.max(1, stream.length - 1);
  }

  bigramBpb(stream: Uint8Array): number {
    let bits = 0;
    for (let i = 1; i < stream.length; i++) {
      const a = stream[i - 1];
      bits -= log2((this.bi[a * 256 + stream[i]] + 1) / (this.ctx[a] + 256));
    }
    return bits / Math.max(1, stream.length - 1);
  }
}

/** gzip -9 bits per byte of the text (the 0 separators removed, as they are not part of the text). */
export function gzipBpb(stream: Uint8Array): number {
  const text = stream.filter((b) => b !== 0);
  return (8 * gzipSync(text, { level: 9 }).length) / Math.max(1, text.length);
}

export function computeBaselines(train: Uint8Array, heldout: Uint8Array, trainSample: Uint8Array = train): Baselines {
  const m = new NgramModel(train);
  return {
    unigram_train_bpb: m.unigramBpb(trainSample),
    unigram_bpb: m.unigramBpb(heldout),
    bigram_train_bpb: m.bigramBpb(trainSample),
    bigram_bpb: m.bigramBpb(heldout),
    gzip_train_bpb: gzipBpb(trainSample),
    gzip_bpb: gzipBpb(heldout),
  };
}
