/**
 * Checkpoints: one safetensors file with every tensor of the training state (parameters, optimiser
 * moments, any extra state such as observation statistics) and a JSON sidecar with the scalars
 * (generation, optimiser step, RNG position). Both are written atomically, then `latest.json` is
 * pointed at them, so a crash at any moment leaves the previous checkpoint intact and loadable.
 *
 * The RNG position is just (seed, generation): all noise is counter-based, so nothing else is needed
 * to continue the exact random sequence.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.js';

export interface CheckpointMeta {
  generation: number;
  /** Anything JSON the caller needs to resume (optimiser step, seeds, data cursor, …). */
  state: Record<string, unknown>;
}

export interface Checkpoint extends CheckpointMeta {
  tensors: Record<string, SafeTensor>;
}

const name = (generation: number) => `gen-${String(generation).padStart(7, '0')}`;

export function saveCheckpoint(dir: string, ck: Checkpoint, keep = 3): string {
  const base = name(ck.generation);
  const meta = { generation: ck.generation, state: ck.state };
  writeFileAtomic(join(dir, `${base}.safetensors`), encodeSafetensors(ck.tensors, { format: 'eggroll-checkpoint', generation: String(ck.generation) }));
  writeJsonAtomic(join(dir, `${base}.json`), meta);
  writeJsonAtomic(join(dir, 'latest.json'), { checkpoint: base, generation: ck.generation });
  // Older checkpoints beyond `keep` are removed only after the new one is complete.
  const all = readdirSync(dir).filter((f) => /^gen-\d+\.json$/.test(f)).sort();
  for (const f of all.slice(0, Math.max(0, all.length - keep))) {
    const stem = f.replace(/\.json$/, '');
    rmSync(join(dir, `${stem}.json`), { force: true });
    rmSync(join(dir, `${stem}.safetensors`), { force: true });
  }
  return join(dir, base);
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'latest.json'));
}

export function loadCheckpoint(dir: string): Checkpoint {
  const latestPath = join(dir, 'latest.json');
  if (!existsSync(latestPath)) throw new Error(`no checkpoint in ${dir} (missing latest.json)`);
  const latest = JSON.parse(readFileSync(latestPath, 'utf8')) as { checkpoint: string };
  const meta = JSON.parse(readFileSync(join(dir, `${latest.checkpoint}.json`), 'utf8')) as CheckpointMeta;
  const { tensors } = decodeSafetensors(readFileSync(join(dir, `${latest.checkpoint}.safetensors`)));
  return { ...meta, tensors };
}
