import { InputError } from '../io/errors.js';

/** Bad input from the user: printed as one line, exit code 2, no stack trace. */
export class UsageError extends InputError {
  override readonly name = 'UsageError';
}

/** A run stopped by a signal after saving its work: printed as one line (how to resume), exit `code`. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(message: string, readonly code: number) {
    super(message);
  }
}
