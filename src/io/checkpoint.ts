/**
 * Checkpoints: one safetensors file with every tensor of the training state (parameters, optimiser
 * moments, any extra state such as observation statistics) and a JSON sidecar with the scalars
 * (generation, optimiser step, RNG position). Both are written atomically, then `latest.json` is
 * pointed at them, so a crash at any moment leaves the previous checkpoint intact and loadable.
 *
 * Reading back validates every file with the schema below (the same one that describes what is
 * written); a damaged newest checkpoint falls back to the newest intact one, and says so.
 *
 * The RNG position is just (seed, generation): all noise is counter-based, so nothing else is needed
 * to continue the exact random sequence.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafeTensor } from './safetensors.js';
import { BadFileError, fsError, readFileBounded, readJsonFile } from './errors.js';

export interface CheckpointMeta {
  generation: number;
  /** Anything JSON the caller needs to resume (optimiser step, seeds, data cursor, …). */
  state: Record<string, unknown>;
}

export interface Checkpoint extends CheckpointMeta {
  tensors: Record<string, SafeTensor>;
  /**
   * Extra safetensors header metadata (strings), e.g. a model's configuration so that the file alone
   * describes the model; `format` and `generation` are the module's own keys.
   */
  metadata?: Record<string, string>;
}

const generationSchema = z.number({ message: 'must be a whole number' }).int({ message: 'must be a whole number' }).min(0, { message: 'must be ≥ 0' });
/** The sidecar gen-NNNNNNN.json. */
export const sidecarSchema = z.object({ generation: generationSchema, state: z.record(z.string(), z.unknown()) });
/** latest.json. */
export const latestSchema = z.object({
  checkpoint: z.string().regex(/^gen-\d{7,}$/, { message: 'must name a checkpoint like gen-0000010' }),
  generation: generationSchema,
});

const name = (generation: number) => `gen-${String(generation).padStart(7, '0')}`;
const genOf = (stem: string) => Number(stem.slice(4));

/** Checkpoint size limit when reading back (a bound on a corrupt header, not on real models). */
export const CHECKPOINT_LIMIT = 2 ** 31 - 1;

export function saveCheckpoint(dir: string, ck: Checkpoint, keep = 3): string {
  const base = name(ck.generation);
  const meta = { generation: ck.generation, state: ck.state };
  sidecarSchema.parse(meta);
  writeFileAtomic(join(dir, `${base}.safetensors`), encodeSafetensors(ck.tensors, { ...ck.metadata, format: 'eggroll-checkpoint', generation: String(ck.generation) }));
  writeJsonAtomic(join(dir, `${base}.json`), meta);
  const latest = { checkpoint: base, generation: ck.generation };
  latestSchema.parse(latest);
  writeJsonAtomic(join(dir, 'latest.json'), latest);
  // Older checkpoints beyond `keep` are removed only after the new one is complete. The one just written
  // is never a candidate, nor are any with a higher generation (left by a resume that fell back past a
  // damaged checkpoint: the run will overwrite them as it gets there).
  const older = readdirSync(dir).filter((f) => /^gen-\d+\.json$/.test(f)).map((f) => f.replace(/\.json$/, ''))
    .filter((stem) => genOf(stem) < ck.generation).sort((a, b) => genOf(a) - genOf(b));
  for (const stem of older.slice(0, Math.max(0, older.length - (keep - 1)))) {
    rmSync(join(dir, `${stem}.json`), { force: true });
    rmSync(join(dir, `${stem}.safetensors`), { force: true });
  }
  return join(dir, base);
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'latest.json')) || listCheckpoints(dir).length > 0;
}

/** Checkpoint stems in the folder, newest first. */
function listCheckpoints(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fsError(e, dir, 'read the folder');
  }
  return names.filter((f) => /^gen-\d+\.json$/.test(f)).map((f) => f.replace(/\.json$/, '')).sort((a, b) => genOf(b) - genOf(a));
}

/** Loads one checkpoint by stem, validating sidecar and tensors; `check` adds the caller's own checks. */
export function readCheckpointFiles(dir: string, stem: string, check?: (ck: Checkpoint, file: string) => void): Checkpoint {
  const metaPath = join(dir, `${stem}.json`);
  const file = join(dir, `${stem}.safetensors`);
  for (const f of [metaPath, file]) if (!existsSync(f)) throw new BadFileError(f, 'is missing');
  const meta = readJsonFile(metaPath, sidecarSchema);
  if (name(meta.generation) !== stem) throw new BadFileError(metaPath, `field 'generation' is ${meta.generation}, but the file is ${stem}`);
  let tensors: Record<string, SafeTensor>;
  let metadata: Record<string, string>;
  try {
    ({ tensors, metadata } = decodeSafetensors(readFileBounded(file, CHECKPOINT_LIMIT)));
  } catch (e) {
    if (e instanceof SafetensorsError) throw new BadFileError(file, e.message);
    throw e;
  }
  if (metadata.format !== undefined && metadata.format !== 'eggroll-checkpoint') throw new BadFileError(file, `is not an eggroll checkpoint (format '${metadata.format}')`);
  if (metadata.generation !== undefined && Number(metadata.generation) !== meta.generation) throw new BadFileError(file, `holds generation ${metadata.generation}, but its sidecar says ${meta.generation}`);
  const ck = { generation: meta.generation, state: meta.state, tensors, metadata };
  check?.(ck, file);
  return ck;
}

export interface LoadOptions {
  /** The caller's checks of the content (tensor names and sizes); throw a BadFileError when it does not fit. */
  check?: (ck: Checkpoint, file: string) => void;
  /** Told, in one line, when a damaged newest checkpoint was skipped. */
  log?: (line: string) => void;
}

/**
 * The checkpoint latest.json points at, or — when it (or latest.json) is damaged — the newest intact
 * one, with one line to `log` saying which was skipped and why. Throws the newest problem as a
 * BadFileError when none is intact.
 */
export function loadCheckpoint(dir: string, opts: LoadOptions = {}): Checkpoint {
  const { first, problems } = readLatest(join(dir, 'latest.json'), latestSchema, (l) => l.checkpoint);
  const candidates = [...new Set([...(first ? [first] : []), ...listCheckpoints(dir)])];
  if (candidates.length === 0 && problems.length === 0) throw new BadFileError(dir, 'holds no checkpoint yet (no latest.json)');
  return firstIntact(candidates, problems, (stem) => readCheckpointFiles(dir, stem, opts.check), opts.log, (stem, ck) => `${stem} (generation ${ck.generation})`);
}

/** What a latest.json names (undefined when there is none), or its problem, to be reported if a fall-back is needed. */
export function readLatest<T>(path: string, schema: z.ZodType<T>, pick: (latest: T) => string): { first?: string; problems: BadFileError[] } {
  if (!existsSync(path)) return { problems: [] };
  try {
    return { first: pick(readJsonFile(path, schema)), problems: [] };
  } catch (e) {
    if (!(e instanceof BadFileError)) throw e;
    return { problems: [e] };
  }
}

/**
 * The first candidate (newest first) that `read` accepts; every BadFileError on the way is a problem.
 * One line to `log` names what was skipped when it was not the first choice; with none intact, the
 * first problem is thrown. The one fall-back rule for every kind of checkpoint.
 */
export function firstIntact<T>(candidates: string[], problems: BadFileError[], read: (candidate: string) => T,
  log: ((line: string) => void) | undefined, describe: (candidate: string, found: T) => string): T {
  for (const c of candidates) {
    try {
      const found = read(c);
      if (problems.length) log?.(`warning: ${problems.map((p) => p.message).join('; ')} — using the newest intact checkpoint, ${describe(c, found)}`);
      return found;
    } catch (e) {
      if (!(e instanceof BadFileError)) throw e;
      problems.push(e);
    }
  }
  throw new BadFileError(problems[0].path, `${problems[0].problem}${candidates.length > 1 ? '; no older checkpoint is intact either' : ''}`);
}
