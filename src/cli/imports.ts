/**
 * `--import FILE[,FILE…]`: the user's modules that register custom environments (rl.registerEnv) or strategies
 * (registerStrategy), imported before the command reads its <env> and --algo. A module that registered one without
 * { module } gets its own file recorded as its module, so worker threads (--workers N) import it too.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { flag } from './flags.js';
import { UsageError } from './errors.js';
import { log } from './output.js';
import { adoptEnvModule, envIds } from '../rl/envs/index.js';
import { adoptStrategyModule, strategyNames } from '../es/strategies/index.js';

export const importFlag = flag({
  schema: z.string().min(1).optional(),
  help: 'modules to import first, comma-separated (.js/.mjs, or .ts with tsx installed): each registers custom environments (rl.registerEnv) or strategies (registerStrategy)',
});

const imported = new Set<string>();

/**
 * Imports each module named by --import (a comma-separated list, or the paths themselves; relative to the current
 * folder); returns their file URLs.
 */
export async function importUserModules(list: string | readonly string[] | undefined): Promise<string[]> {
  if (!list) return [];
  const paths = typeof list === 'string' ? list.split(',').map((s) => s.trim()).filter(Boolean) : list;
  const urls: string[] = [];
  for (const raw of paths) {
    const file = resolve(raw);
    if (!existsSync(file)) throw new UsageError(`--import: no such file '${raw}' (looked for ${file})`);
    const url = pathToFileURL(file).href;
    urls.push(url);
    if (imported.has(url)) continue; // an earlier command in this process (tests, a script calling main())
    if (/\.[cm]?ts$/.test(file)) await registerTypeScript(raw);
    const before = new Set(envIds());
    const strategiesBefore = new Set(strategyNames());
    try {
      await import(url);
    } catch (e) {
      throw new UsageError(`--import ${raw}: the module failed to load: ${(e as Error).message.split('\n')[0]}`);
    }
    const added = envIds().filter((id) => !before.has(id));
    for (const id of added) adoptEnvModule(id, url);
    const strategies = strategyNames().filter((n) => !strategiesBefore.has(n));
    for (const n of strategies) adoptStrategyModule(n, url);
    // Importing 'eggroll' from another copy (src/ under tsx while this CLI runs from dist/, a second install) fills
    // that copy's registries, not this one's: say so rather than fail later with "unknown environment".
    if (!added.length && !strategies.length) log(`--import ${raw}: registered no environment or strategy with this eggroll (${fileURLToPath(new URL('../..', import.meta.url))}); a module for the CLI imports registerEnv / registerStrategy from 'eggroll'`);
    imported.add(url);
  }
  return urls;
}

/** TypeScript modules need tsx's loader in this thread (eggroll itself may run from compiled dist/). */
let tsxRegistered = import.meta.url.endsWith('.ts'); // running under tsx already
async function registerTypeScript(raw: string): Promise<void> {
  if (tsxRegistered) return;
  try {
    (await import('tsx/esm/api')).register();
    tsxRegistered = true;
  } catch {
    throw new UsageError(`--import ${raw}: a TypeScript module needs tsx (npm install --save-dev tsx), or compile it to .js first`);
  }
}
