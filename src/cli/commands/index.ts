/** Every CLI command, in the order `eggroll --help` lists them. Add a command here. */
import type { Command } from '../command.js';
import { BOOLEAN_COMMANDS } from './boolean.js';
import { benchBoolean } from './bench-boolean.js';
import { lmTrainCommand, lmSampleCommand, lmEvalCommand } from './lm.js';

export const COMMANDS: Command[] = [
  lmTrainCommand,
  lmSampleCommand,
  lmEvalCommand,
  ...BOOLEAN_COMMANDS,
  benchBoolean,
];
