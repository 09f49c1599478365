/**
 * The browser bundle (scripts/build-browser.mjs): built into a temporary folder, its metafile must show
 * no Node-only module — no Node built-in, no native addon, no Node-only package, no source file that
 * imports a Node built-in — and the bundle, run here, must train CartPole to the same fitness, bit for
 * bit, as the Node Trainer with the same seed (what a page's Web Worker computes is what `eggroll train` computes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildBrowser, buildPlayground, browserVariants } from '../../scripts/build-browser.mjs';
import { loadBackend } from '../../src/backend/index.js';
import { Trainer } from '../../src/parallel/trainer.js';
import { BASE_PRESET, PRESETS } from '../../src/rl/presets.js';
import { createTask, strategyFor, taskOptionsFor, type RlRunConfig } from '../../src/rl/index.js';
import { tempDir } from '../helpers/temp.js';

const NODE_ONLY_PACKAGES = ['ioredis', 'bullmq', '@resvg/', 'tsx', 'zod'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Every reason the metafile shows a Node-only module in the bundle (empty = clean). */
function nodeOnlyModules(meta: Metafile): string[] {
  const found: string[] = [];
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const im of input.imports) {
      if (builtins.has(im.path) || im.path.startsWith('node:')) found.push(`${file} imports the Node built-in ${im.path}`);
      if (im.path.endsWith('.node')) found.push(`${file} imports the native addon ${im.path}`);
      if (im.external && !im.path.startsWith('./') && im.path !== '<runtime>') found.push(`${file} leaves ${im.path} external`);
    }
    if (file.endsWith('.node')) found.push(`native addon ${file} bundled`);
    const pkg = NODE_ONLY_PACKAGES.find((p) => file.startsWith(`node_modules/${p}`));
    if (pkg) found.push(`${file} (package ${pkg}) bundled`);
    if (file.startsWith('src/') && /(?:from\s+|import\s*\(\s*)'node:/.test(readFileSync(file, 'utf8'))) found.push(`${file} imports a Node built-in`);
  }
  return found;
}

const out = tempDir('eggroll-browser-');
test.after(() => rmSync(out, { recursive: true, force: true }));
let metafile: Metafile;

test('the browser bundle builds and no Node-only module reaches it', async () => {
  metafile = await buildBrowser({ outdir: out, minify: false });
  const inputs = Object.keys(metafile.inputs);
  assert.deepEqual(nodeOnlyModules(metafile), []);
  // The swaps happened: the browser platform and native stand-in are in, their Node versions are not.
  for (const f of ['src/backend/platform.browser.ts', 'src/backend/native.browser.ts', 'build/kernels.wasm', 'build/noise.wasm']) assert.ok(inputs.includes(f), `${f} bundled`);
  for (const f of ['src/backend/platform.ts', 'src/backend/native.ts']) assert.ok(!inputs.includes(f), `${f} not bundled`);
  // What it is for: the engine, the wasm backend, the environments, the Gymnasium API and the Boolean lab.
  for (const f of ['src/es/strategy.ts', 'src/backend/wasm.ts', 'src/rl/envs/cartpole.ts', 'src/rl/gym/make.ts', 'src/boolean/mcmc.ts']) assert.ok(inputs.includes(f), `${f} bundled`);
});

test('the playground bundles (page and Web Worker) have no Node-only module either', async () => {
  const meta: Metafile = await buildPlayground({ outdir: join(out, 'playground'), minify: false });
  assert.deepEqual(nodeOnlyModules(meta), []);
  const inputs = Object.keys(meta.inputs);
  for (const f of ['src/playground/worker.ts', 'src/playground/app.ts', 'src/playground/boolean-worker.ts', 'src/boolean/chain.ts', 'src/rl/policy-file.ts', 'src/es/local-trainer.ts', 'src/backend/platform.browser.ts', 'src/backend/wasm-pool.ts']) assert.ok(inputs.includes(f), `${f} bundled`);
});

test('the check catches a Node-only module (negative control)', async () => {
  const meta = (await build({
    stdin: { contents: "export { writeFileAtomic } from './src/io/atomic.js';", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', external: ['node:*'], plugins: [browserVariants],
  })).metafile;
  const found = nodeOnlyModules(meta);
  assert.ok(found.some((f) => f.includes('src/io/atomic.ts imports the Node built-in node:fs')), found.join('\n'));
});

test('the bundle trains CartPole to the same fitness as the Node Trainer, bit for bit', async () => {
  const lib = await import(pathToFileURL(join(out, 'eggroll.js')).href);
  assert.equal(lib.PLATFORM, 'browser');
  const config: RlRunConfig = { ...BASE_PRESET, ...PRESETS['CartPole-v1'], env: 'CartPole-v1', seed: 5, workers: 1, backend: 'wasm', pop: 64, hidden: [16] };
  const gens = 3;

  const bBackend = await lib.loadBackend('wasm');
  assert.equal(bBackend.name, 'wasm');
  const bTask = lib.rl.createTask(lib.rl.taskOptionsFor(config), bBackend);
  const local = new lib.LocalTrainer(bTask, bBackend, lib.rl.strategyFor(config));
  const browserCurve: number[][] = [];
  for (let g = 0; g < gens; g++) {
    local.step();
    browserCurve.push(Array.from(local.fitness as Float64Array));
  }

  const backend = await loadBackend('wasm');
  const trainer = await Trainer.create({ task: createTask(taskOptionsFor(config), backend), backend, strategy: strategyFor(config), workers: 1 });
  const nodeCurve: number[][] = [];
  for (let g = 0; g < gens; g++) {
    await trainer.step();
    nodeCurve.push(Array.from((trainer as unknown as { fitness: Float64Array }).fitness));
  }
  assert.deepEqual(browserCurve, nodeCurve);
  assert.ok(new Set(browserCurve.flat()).size > 1, 'fitness varies across members');
  // And the final parameters agree bit for bit.
  const names = trainer.params.specs.map((s) => s.name);
  for (const n of names) assert.deepEqual(Array.from(local.params.get(n)), Array.from(trainer.params.get(n)), n);
  // The Gymnasium API and the Boolean lab run from the bundle too.
  const env = lib.gym.make('CartPole-v1');
  assert.equal(env.reset({ seed: 0 }).obs.length, 4);
});
