/**
 * Run directories, the experiment layer's (a run's life begins here; the loop, config.json and summary follow),
 * shared by every command and script that writes or reads one:
 *  - prepareRunDir: `--out DIR` (or runs/<prefix>-<timestamp>) for a new run. An existing non-empty
 *    folder is refused (it holds an earlier run: nothing of it may be overwritten or mixed) unless
 *    --force, which moves it aside to DIR.old-<timestamp> first. A path that cannot be created or
 *    written is refused with one line naming it and the cause.
 *  - run.json records the run's kind (rl, lm, boolean) and the command that wrote it;
 *    checkRunKind refuses a directory of another kind (older runs without run.json are recognised
 *    by their config.json).
 */
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../io/input-error.js';
import { makeDirs, writeJsonAtomic } from '../io/atomic.js';
import { BadFileError, FsError, describeCause, parseJsonFile, readFileBounded, readJsonFile, JSON_LIMIT } from '../io/errors.js';

export const RUN_KINDS = ['rl', 'lm', 'boolean', 'reason'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** run.json, the first file of every run directory. */
export const runMarkerSchema = z.object({ kind: z.enum(RUN_KINDS), command: z.string().min(1), format: z.literal(1) });
export type RunMarker = z.infer<typeof runMarkerSchema>;

const WRITER: Record<RunKind, string> = { rl: 'eggroll train', lm: 'eggroll lm train', boolean: 'eggroll boolean train/prior/sweep', reason: 'eggroll reason train' };
const RESUMABLE: Record<RunKind, boolean> = { rl: true, lm: true, boolean: false, reason: true };

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

function unique(base: string): string {
  let dir = base;
  for (let k = 1; existsSync(dir); k++) dir = `${base}-${k}`;
  return dir;
}

export interface PrepareOptions {
  /** The --out flag; undefined picks runs/<prefix>-<timestamp>. */
  out: string | undefined;
  prefix: string;
  kind: RunKind;
  /** The command name, e.g. "train" or "lm train" (recorded in run.json). */
  command: string;
  /** --force: move an existing non-empty --out aside instead of refusing it. */
  force?: boolean;
  log?: (line: string) => void;
}

/** Creates a fresh run directory and writes its run.json; returns its absolute path. */
export function prepareRunDir(o: PrepareOptions): string {
  const dir = o.out ?? unique(join('runs', `${o.prefix}-${stamp()}`));
  if (o.out !== undefined && existsSync(dir)) {
    let entries: string[] = [];
    const st = statSync(dir);
    if (!st.isDirectory()) throw new InputError(`--out: '${dir}' is a file, not a folder; choose another name for the run directory`);
    try {
      entries = readdirSync(dir);
    } catch (e) {
      throw new InputError(`--out: cannot read the folder '${dir}': ${describeCause(e)}`);
    }
    // A folder holding only run.json is a start that failed before writing anything else: nothing to keep.
    if (entries.length === 1 && entries[0] === 'run.json') entries = [];
    if (entries.length > 0) {
      if (!o.force) {
        const resume = RESUMABLE[o.kind] && entries.includes('config.json') ? `continue it with --resume ${dir}, ` : '';
        throw new InputError(`--out: '${dir}' is not empty (it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. ${entries.slice(0, 3).join(', ')}); ${resume}choose a new --out, or add --force to move it aside`);
      }
      const aside = unique(`${dir.replace(/[/\\]+$/, '')}.old-${stamp()}`);
      try {
        renameSync(dir, aside);
      } catch (e) {
        throw new InputError(`--force: cannot move '${dir}' aside to '${aside}': ${describeCause(e)}`);
      }
      o.log?.(`--force: moved the existing '${dir}' aside to '${aside}'`);
    }
  }
  try {
    makeDirs(dir);
  } catch (e) {
    const hint = (e as NodeJS.ErrnoException).code === 'ENOENT' ? ' — this file system does not take new folders there (a pseudo-filesystem such as /proc?)' : '';
    throw new InputError(`--out: cannot create the folder '${dir}': ${describeCause(e)}${hint}; choose another --out`);
  }
  try {
    writeJsonAtomic(join(dir, 'run.json'), runMarkerSchema.parse({ kind: o.kind, command: `eggroll ${o.command}`, format: 1 }));
  } catch (e) {
    if (e instanceof FsError) throw new InputError(`--out: cannot write in '${dir}': ${e.message.replace(/^cannot write [^:]*: /, '')}`);
    throw e;
  }
  return resolve(dir);
}

/** The kind of an existing run directory: run.json, or for older runs, inferred from config.json. */
export function runKindOf(dir: string): RunKind | undefined {
  const marker = join(dir, 'run.json');
  if (existsSync(marker)) return readJsonFile(marker, runMarkerSchema).kind;
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) return undefined;
  const c = parseJsonFile(cfgPath, readFileBounded(cfgPath, JSON_LIMIT).toString('utf8'));
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new BadFileError(cfgPath, 'must hold one JSON object');
  const o = c as Record<string, unknown>;
  if (typeof o.command === 'string' && /^(eggroll )?boolean /.test(o.command)) return 'boolean';
  if ('env' in o && 'algo' in o) return 'rl';
  if ('tokens' in o && 'sigmaShift' in o) return 'lm';
  throw new BadFileError(cfgPath, 'is not the config of an eggroll run (no run.json, and neither an RL, LM nor Boolean config)');
}

/**
 * Refuses anything but an existing run directory of kind `want`, with one line naming what it is and
 * what was expected. `what` names the argument (e.g. "--resume" or "<run-dir>").
 */
export function checkRunKind(dir: string, want: RunKind, what: string): void {
  const expected = `expected a run directory written by ${WRITER[want]}`;
  if (!existsSync(dir)) throw new InputError(`${what}: '${dir}' is not a run directory (it does not exist); ${expected}`);
  if (!statSync(dir).isDirectory()) throw new InputError(`${what}: '${dir}' is a file, not a run directory; ${expected}`);
  const kind = runKindOf(dir);
  if (!kind) throw new InputError(`${what}: '${dir}' is not a run directory (no config.json); ${expected}`);
  if (kind !== want) throw new InputError(`${what}: '${dir}' is ${kind === 'rl' ? 'an RL' : kind === 'lm' ? 'an LM' : kind === 'reason' ? 'a reasoning' : 'a Boolean'} run (written by ${WRITER[kind]}); ${expected}`);
}
