/** Kept apart from errors.ts (which reads files) so browser code — the playground's config checks — can throw it. */
/**
 * Bad input that the caller named (a flag's value, a data path): one line saying what is wrong and what
 * is allowed, exit 2. Experiments throw it below the CLI; the CLI's UsageError is one too.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError';
}
