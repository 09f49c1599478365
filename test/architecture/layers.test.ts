/**
 * The layer rule of docs/ARCHITECTURE.md: a folder of src/ imports only from folders in layers below it
 * (and from itself). Reads every import of src/ (static `from '…'` and dynamic `import('…')`), resolves
 * relative ones to their folder, and fails on any that points sideways or up, naming file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Bottom to top; folders in one layer may not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ['math'],
  ['backend'],
  ['rng'],
  ['io', 'bench'],
  ['nn'],
  ['es'],
  ['parallel'],
  ['experiment'],
  ['rl', 'egg', 'boolean', 'reason'],
  ['cli', 'playground'],
];
const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'assembly' ? [] : tsFiles(p); // AssemblyScript: compiled apart
    return name.endsWith('.ts') ? [p] : [];
  });
}

/** The top folder under src/ of a path ('' for a file directly in src/, such as index.ts). */
const folderOf = (p: string) => {
  const rel = relative(src, p).split('/');
  return rel.length > 1 ? rel[0] : '';
};

test('every folder of src/ imports only from layers below it', () => {
  const problems: string[] = [];
  const files = tsFiles(src);
  assert.ok(files.length > 50, 'found the sources');
  for (const file of files) {
    const from = folderOf(file);
    if (from === '') continue; // src/index.ts is the package's top: it may import anything
    assert.ok(layerOf.has(from), `src/${from}/ is not in the layer list of this test (add it to LAYERS and docs/ARCHITECTURE.md)`);
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
        const target = resolve(dirname(file), m[1]);
        // build/*.wasm: a compiled kernel the browser bundle inlines (backend/platform.browser.ts), not a source folder.
        if (relative(src, target).startsWith('..') && target.endsWith('.wasm')) continue;
        const to = folderOf(target);
        if (to === from) continue;
        const ok = to !== '' && layerOf.has(to) && layerOf.get(to)! < layerOf.get(from)!;
        if (!ok) problems.push(`${relative(src, file)}:${i + 1} imports ${m[1]} (src/${from}/ → src/${to || 'index.ts'}/: ${to === '' ? 'the package entry' : layerOf.get(to)! === layerOf.get(from)! ? 'same layer' : 'a layer above'})`);
      }
    });
  }
  assert.deepEqual(problems, [], `imports that do not point down:\n${problems.join('\n')}`);
});
