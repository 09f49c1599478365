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

/** Every relative import of a file: the resolved target (a .ts path), the line, and whether it is type-only. */
function importsOf(file: string): { target: string; line: number; typeOnly: boolean; spec: string }[] {
  const out: { target: string; line: number; typeOnly: boolean; spec: string }[] = [];
  // Whole statements (an import may span lines): `import … from '…'`, `export … from '…'`, `import('…')`.
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(^|\n)\s*(import|export)(\s+type)?\b([^'";]*?)\bfrom\s+'(\.{1,2}\/[^']+)'|import\s*\(\s*'(\.{1,2}\/[^']+)'/g)) {
    const spec = m[5] ?? m[6];
    const line = text.slice(0, m.index).split('\n').length + (m[1] ? 1 : 0);
    out.push({ target: resolve(dirname(file), spec).replace(/\.js$/, '.ts'), line, typeOnly: Boolean(m[3]) || /^\s*\{\s*type\s[^,}]*\}\s*$/.test(m[4] ?? ''), spec });
  }
  return out;
}

test('no file outside src/backend/ imports a backend internal: only backend/index.ts and the Backend contract types.ts (issue 29)', () => {
  const backend = join(src, 'backend');
  const problems: string[] = [];
  for (const file of tsFiles(src)) {
    if (file.startsWith(backend + '/')) continue;
    for (const im of importsOf(file)) {
      if (!im.target.startsWith(backend + '/')) continue;
      if (im.target === join(backend, 'index.ts') || im.target === join(backend, 'types.ts')) continue;
      problems.push(`${relative(src, file)}:${im.line} imports ${im.spec} (use backend/index.ts; backend/ decides which kernel runs)`);
    }
  }
  assert.deepEqual(problems, [], `backend internals imported from outside:\n${problems.join('\n')}`);
});

/** Every cycle of a graph (file → files it imports), each as the files around it. */
export function cyclesIn(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (!graph.has(t)) continue;
      if (state.get(t) === 'open') cycles.push(stack.slice(stack.indexOf(t)).concat(t));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

test('no import cycle inside a folder (run-time imports; type-only imports are erased)', () => {
  const graph = new Map<string, string[]>();
  for (const f of tsFiles(src)) graph.set(f, importsOf(f).filter((im) => !im.typeOnly && dirname(im.target) === dirname(f) && im.target !== f).map((im) => im.target));
  const cycles = cyclesIn(graph).map((c) => c.map((p) => relative(src, p)).join(' → '));
  assert.deepEqual(cycles, [], `cycles:\n${cycles.join('\n')}`);
});

test('the cycle search finds a cycle, and importsOf tells type-only imports from run-time ones (negative controls)', () => {
  assert.deepEqual(cyclesIn(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(cyclesIn(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
  // reason/grpo-method.ts imports Method as a type only: not a run-time edge; its run-time imports are.
  const ims = importsOf(join(src, 'reason', 'grpo-method.ts'));
  assert.ok(ims.some((im) => im.spec === './method.js' && im.typeOnly));
  assert.ok(ims.some((im) => !im.typeOnly));
});
