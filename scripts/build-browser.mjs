#!/usr/bin/env node
// Bundles for the browser with esbuild: the library (src/browser.ts → dist/browser/eggroll.js, one ES
// module for a page or a Web Worker) and the playground (src/playground: index.html, app.js, worker.js
// → dist/playground, static files that `eggroll serve` serves), each with its metafile (meta.json, which
// test/browser/bundle.test.ts checks). Node-only modules are swapped for their browser versions — a source file X.ts with a sibling
// X.browser.ts is replaced by it (backend/platform.ts, backend/native.ts) — and build/*.wasm is inlined.
// Usage: node scripts/build-browser.mjs [--outdir dist]   (writes dist/browser and dist/playground)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The library's bundle, and the device worker its webgpu backend starts (sync.browser.ts loads it from beside the bundle). */
export const ENTRY_POINTS = [{ in: 'src/browser.ts', out: 'eggroll' }, { in: 'src/backend/webgpu/device-worker.ts', out: 'eggroll-webgpu-device' }];
/** The playground's page script and its Web Workers (RL, Boolean lab). */
export const PLAYGROUND_ENTRY_POINTS = [{ in: 'src/playground/app.ts', out: 'app' }, { in: 'src/playground/worker.ts', out: 'worker' }, { in: 'src/playground/boolean-worker.ts', out: 'boolean-worker' }];

/** Resolves `./x.js` imports to `./x.browser.ts` when that file exists (the package.json "browser" idea, for sources). */
export const browserVariants = {
  name: 'browser-variants',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.endsWith('.ts')) return undefined;
      const base = resolve(dirname(args.importer), args.path).replace(/\.js$/, '');
      const variant = `${base}.browser.ts`;
      if (args.importer === variant || !existsSync(variant)) return undefined;
      return { path: variant };
    });
  },
};

export async function buildBrowser({ entryPoints = ENTRY_POINTS, outdir = 'dist/browser', minify = true } = {}) {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    sourcemap: true,
    metafile: true,
    loader: { '.wasm': 'binary' },
    plugins: [browserVariants],
    logLevel: 'warning',
    // A Node built-in reaching the bundle is an error here, not a silent empty shim.
    external: [],
  });
  writeFileSync(resolve(outdir, 'meta.json'), JSON.stringify(result.metafile));
  return result.metafile;
}

/** The playground as static files in `outdir`: its bundles and index.html. */
export async function buildPlayground({ outdir = 'dist/playground', minify = true } = {}) {
  const meta = await buildBrowser({ entryPoints: PLAYGROUND_ENTRY_POINTS, outdir, minify });
  copyFileSync('src/playground/index.html', resolve(outdir, 'index.html'));
  return meta;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
  const metas = [await buildBrowser({ outdir: `${values.outdir}/browser` }), await buildPlayground({ outdir: `${values.outdir}/playground` })];
  for (const meta of metas) for (const [out, o] of Object.entries(meta.outputs)) if (out.endsWith('.js')) console.error(`${out}: ${(o.bytes / 1024).toFixed(0)} KiB`);
}
