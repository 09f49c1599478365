/** Flags that many commands share, declared once so their help and validation read the same everywhere. */
import { z } from 'zod';
import { flag, num, oneOf } from './flags.js';
import { BACKEND_CHOICES } from '../backend/index.js';

export const seedFlag = flag({ schema: num.int(0, 2 ** 32 - 1), default: 0, help: 'random seed; the same seed gives the same result bit for bit' });
export const jsonFlag = flag({ schema: z.boolean(), boolean: true, default: false, help: 'make the last stdout line one JSON object summarising the run' });
export const outFlag = flag({ schema: z.string().min(1).optional(), help: 'run directory (default: runs/<command>-<timestamp>)' });
export const forceFlag = flag({ schema: z.boolean(), boolean: true, default: false, help: 'if --out is an existing non-empty folder, move it aside to <out>.old-<timestamp> and start afresh' });
export const workersFlag = flag({ schema: num.int(1, 256), default: 1, help: 'worker threads; results are identical for any count' });
export const backendFlag = flag({
  schema: oneOf(BACKEND_CHOICES as unknown as ['auto', 'js', 'wasm', 'native', 'webgpu']),
  default: 'auto',
  help: `compute backend: ${BACKEND_CHOICES.join('|')} (auto picks the fastest available)`,
});
export const quietFlag = flag({ schema: z.boolean(), boolean: true, default: false, help: 'no progress output' });
export const redisFlag = flag({ schema: z.string().min(1).optional(), help: 'evaluate on the cluster of eggroll workers on this Redis (redis://HOST:PORT, redis://:PASSWORD@HOST:PORT, rediss:// for TLS); results are bit-identical to a local run' });

/** What every command that writes a run directory takes: the seed, where to write, and how to report. */
export const runDirFlags = { seed: seedFlag, out: outFlag, force: forceFlag, json: jsonFlag, quiet: quietFlag };
