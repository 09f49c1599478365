/**
 * What an installed package offers (issue 28 item 9): a LICENSE for its MIT licence, the browser bundle through
 * the exports map (`eggroll/browser`, with types), a clear message for `require('eggroll')` (the package is ES modules
 * only), source maps that carry their sources (src/ is not shipped), and all of it in the packed file list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string; files: string[]; exports: Record<string, Record<string, string>> };

test('LICENSE holds the licence package.json names', () => {
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync('LICENSE', 'utf8'), /^MIT License/);
});

test("the browser bundle is importable as 'eggroll/browser', with types", async () => {
  assert.ok(existsSync(pkg.exports['./browser'].types), pkg.exports['./browser'].types);
  const lib = await import('eggroll/browser');
  assert.equal(lib.PLATFORM, 'browser');
  assert.equal(lib.math.sin(1), 0.8414709848078965);
});

test("require('eggroll') says the package is ES modules only and how to load it", () => {
  const require = createRequire(import.meta.url);
  assert.throws(() => require('eggroll'), /eggroll is an ES module package: use `import \{ … \} from 'eggroll'`.*await import\('eggroll'\)/);
});

test('source maps carry their sources (src/ is not in the package)', () => {
  const map = JSON.parse(readFileSync('dist/index.js.map', 'utf8')) as { sourcesContent?: string[] };
  assert.ok(map.sourcesContent?.[0]?.includes('export'), 'sourcesContent present');
});

test('the packed file list has the licence, the require stub, the browser bundle and its types', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
  for (const f of ['LICENSE', 'require.cjs', 'dist/browser/eggroll.js', 'dist/browser.d.ts', 'dist/index.js', 'dist/math/libm.js']) assert.ok(files.has(f), f);
});

test("README's custom-environment command: a module importing 'eggroll' trains through --import on two worker threads", () => {
  const out = execFileSync(process.execPath, ['dist/cli/bin.js', 'train', 'point-mass', '--import', 'examples/point-mass.mjs', '--workers', '2', '--pop', '8', '--gens', '2', '--eval-episodes', '2', '--out', `${tmpdir()}/eggroll-readme-import-${process.pid}`, '--quiet', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const summary = JSON.parse(out.trim().split('\n').pop()!) as { env: string; gens: number };
  assert.equal(summary.env, 'PointMass-v0');
  assert.equal(summary.gens, 2);
});
