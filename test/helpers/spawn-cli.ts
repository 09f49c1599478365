/**
 * The tests' one way to start the CLI as a real process (for signals, kills, a closed pipe, environment variables
 * read at load; everything else runs it in-process through helpers/cli.ts). `from: 'auto'` (the default) takes the
 * built CLI (dist/) when it is newer than every source file — as after `npm test`'s build, and it starts in a third
 * of the time — else the sources through tsx, so a stale build is never tested; `from: 'src'` always the sources
 * (a process that must share module instances with in-process code, such as a worker beside an in-process
 * coordinator loading the same custom environment).
 */
import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: every spawn runs there. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestSource(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newestSource(p) : name.endsWith('.ts') ? st.mtimeMs : 0);
  }
  return t;
}

const DIST = join(ROOT, 'dist/cli/bin.js');
/** Whether 'auto' runs the built CLI (decided once per test file). */
export const DIST_IS_FRESH = existsSync(DIST) && statSync(DIST).mtimeMs >= newestSource(join(ROOT, 'src'));

export type CliFrom = 'auto' | 'src';

/** node's arguments for `eggroll ...args`. */
export function cliArgv(args: readonly string[], from: CliFrom = 'auto'): string[] {
  return [...(from === 'auto' && DIST_IS_FRESH ? [DIST] : ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts')]), ...args];
}

/** A source module of the tree the CLI runs from ('rl/envs/index' → dist/….js or src/….ts): what a user module imports. */
export function cliModule(path: string, from: CliFrom = 'auto'): string {
  return from === 'auto' && DIST_IS_FRESH ? join(ROOT, 'dist', `${path}.js`) : join(ROOT, 'src', `${path}.ts`);
}

export function spawnCli(args: readonly string[], opts: SpawnOptions & { from?: CliFrom } = {}) {
  const { from, ...rest } = opts;
  return spawn(process.execPath, cliArgv(args, from), { cwd: ROOT, ...rest });
}

export function spawnCliSync(args: readonly string[], opts: Partial<SpawnSyncOptionsWithStringEncoding> & { from?: CliFrom } = {}) {
  const { from, ...rest } = opts;
  return spawnSync(process.execPath, cliArgv(args, from), { cwd: ROOT, encoding: 'utf8', ...rest });
}
