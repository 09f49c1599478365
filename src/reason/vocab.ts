/**
 * The character vocabularies of the reasoning language model. The task vocabulary holds exactly the characters
 * the tasks use, so every token is meaningful and the embedding and head stay tiny; newline ends a completion. The
 * text vocabulary extends it (the task characters keep ids 0–19) with the rest of printable ASCII, for a base
 * pretrained on general text under the task text (`reason pretrain --corpus`): such a model has `vocab`
 * TEXT_VOCAB_SIZE in its config, and everything downstream reads the size from the config.
 */
export const VOCAB = '\n 0123456789+-*/()>=';
export const VOCAB_SIZE = VOCAB.length;
export const EOS = 0; // '\n'

/** VOCAB, then every printable ASCII character (0x20–0x7e) VOCAB lacks, in code order: 96 characters. */
export const TEXT_VOCAB = VOCAB + Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => !VOCAB.includes(c)).join('');
export const TEXT_VOCAB_SIZE = TEXT_VOCAB.length;

const INDEX = new Map([...TEXT_VOCAB].map((c, i) => [c, i]));

/** Token ids of task text (the task vocabulary); a character outside it is an error naming it. */
export function encode(text: string): Int32Array {
  return encodeIn(text, VOCAB_SIZE);
}

/**
 * Token ids of a string for a model of `size` tokens (VOCAB_SIZE, or TEXT_VOCAB_SIZE for a text-pretrained model);
 * a character outside it is an error naming it. (A second function rather than an optional argument of encode, so
 * `lines.map(encode)` cannot pass the index as the size.)
 */
export function encodeIn(text: string, size: number): Int32Array {
  const out = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = INDEX.get(text[i]);
    if (id === undefined || id >= size) throw new RangeError(`character ${JSON.stringify(text[i])} is not in the vocabulary ${JSON.stringify(TEXT_VOCAB.slice(0, size))}`);
    out[i] = id;
  }
  return out;
}

export function decode(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += TEXT_VOCAB[ids[i]];
  return s;
}
