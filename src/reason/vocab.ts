/**
 * The character vocabulary of the reasoning language model: exactly the characters its tasks use, so
 * every token is meaningful and the embedding and head stay tiny. Newline ends a completion.
 */
export const VOCAB = '\n 0123456789+-*/()>=';
export const VOCAB_SIZE = VOCAB.length;
export const EOS = 0; // '\n'

const INDEX = new Map([...VOCAB].map((c, i) => [c, i]));

/** Token ids of a string; a character outside the vocabulary is an error naming it. */
export function encode(text: string): Int32Array {
  const out = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = INDEX.get(text[i]);
    if (id === undefined) throw new RangeError(`character ${JSON.stringify(text[i])} is not in the vocabulary ${JSON.stringify(VOCAB)}`);
    out[i] = id;
  }
  return out;
}

export function decode(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += VOCAB[ids[i]];
  return s;
}
