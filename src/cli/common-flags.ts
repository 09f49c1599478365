/** Flags that many commands share, declared once so their help and validation read the same everywhere. */
import { z } from 'zod';
import { num, oneOf, type FlagSpec } from './flags.js';
import { BACKEND_CHOICES } from '../backend/index.js';

export const seedFlag: FlagSpec = { schema: num.int(0, 2 ** 32 - 1), default: 0, help: 'random seed; the same seed gives the same result bit for bit' };
export const jsonFlag: FlagSpec = { schema: z.boolean(), boolean: true, default: false, help: 'make the last stdout line one JSON object summarising the run' };
export const outFlag: FlagSpec = { schema: z.string().min(1).optional(), help: 'run directory (default: runs/<command>-<timestamp>)' };
export const workersFlag: FlagSpec = { schema: num.int(1, 256), default: 1, help: 'worker threads; results are identical for any count' };
export const backendFlag: FlagSpec = {
  schema: oneOf(BACKEND_CHOICES as [string, ...string[]]),
  default: 'auto',
  help: `compute backend: ${BACKEND_CHOICES.join('|')} (auto picks the fastest available)`,
};
export const quietFlag: FlagSpec = { schema: z.boolean(), boolean: true, default: false, help: 'no progress output' };
