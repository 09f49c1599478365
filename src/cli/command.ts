/** What a CLI command declares; main.ts dispatches on `name` (one or two words, e.g. "boolean train"). */
import type { FlagTable, PositionalSpec } from './flags.js';

export interface Command {
  name: string;
  summary: string;
  /** One example invocation, shown in --help. */
  example: string;
  flags: FlagTable;
  positionals?: PositionalSpec[];
  /** Whether --config file.json is accepted. */
  config?: boolean;
  run(argv: string[]): Promise<void>;
}
