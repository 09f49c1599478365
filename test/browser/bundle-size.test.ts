/**
 * Bundle size budgets (minified, as shipped): the library's browser bundle (dist/browser/eggroll.js, wasm kernels
 * inlined), the playground's page and Web Worker, and the WebGPU code's share of the library (issue 30: a browser
 * user who never asks for the GPU should not pay much for it). The numbers are logged; a budget exceeded fails with
 * what grew. Budgets leave ~20 % room over the sizes of 2026-12-07 (library 473 KiB and 139 KiB gzip after the flat strategies and BBOB joined it; of which WebGPU 45 KiB — the MLP and EGG device-resident
 * runs included; playground worker 363 KiB, WebGPU 28 KiB; the WebGPU device worker 19 KiB).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildBrowser, buildPlayground } from '../../scripts/build-browser.mjs';
import { tempDir } from '../helpers/temp.js';

interface Meta { outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> }
const KiB = 1024;

function output(meta: Meta, name: string): { path: string; bytes: number; webgpu: number; biggest: string } {
  const [path, o] = Object.entries(meta.outputs).find(([k]) => k.endsWith(`/${name}`))!;
  let webgpu = 0;
  for (const [input, v] of Object.entries(o.inputs)) if (/src\/backend\/webgpu\/|src\/es\/device-eggroll\.ts|src\/egg\/device/.test(input)) webgpu += v.bytesInOutput;
  const biggest = Object.entries(o.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 5).map(([k, v]) => `${k} ${(v.bytesInOutput / KiB).toFixed(1)} KiB`).join(', ');
  return { path, bytes: o.bytes, webgpu, biggest };
}

test('bundle sizes stay within their budgets (library, playground page and worker, the WebGPU share)', async () => {
  const out = tempDir('eggroll-bundle-size-');
  const libMeta = await buildBrowser({ outdir: join(out, 'browser'), minify: true }) as Meta;
  const lib = output(libMeta, 'eggroll.js'), deviceWorker = output(libMeta, 'eggroll-webgpu-device.js');
  const pg = await buildPlayground({ outdir: join(out, 'playground'), minify: true }) as Meta;
  const worker = output(pg, 'worker.js'), app = output(pg, 'app.js');
  const gzip = gzipSync(readFileSync(lib.path)).length;
  console.log(`# bundle sizes: library ${(lib.bytes / KiB).toFixed(1)} KiB (${(gzip / KiB).toFixed(1)} KiB gzip; WebGPU ${(lib.webgpu / KiB).toFixed(1)} KiB), playground worker ${(worker.bytes / KiB).toFixed(1)} KiB (WebGPU ${(worker.webgpu / KiB).toFixed(1)} KiB), page ${(app.bytes / KiB).toFixed(1)} KiB, WebGPU device worker ${(deviceWorker.bytes / KiB).toFixed(1)} KiB`);
  const within = (what: string, bytes: number, budget: number, biggest: string) => assert.ok(bytes <= budget, `${what} is ${(bytes / KiB).toFixed(1)} KiB, over its ${(budget / KiB).toFixed(0)} KiB budget; largest inputs: ${biggest}`);
  within('the library bundle', lib.bytes, 540 * KiB, lib.biggest);
  within('the library bundle gzipped', gzip, 160 * KiB, lib.biggest);
  within('the WebGPU code in the library bundle', lib.webgpu, 54 * KiB, lib.biggest);
  within('the playground worker', worker.bytes, 440 * KiB, worker.biggest);
  within('the WebGPU code in the playground worker', worker.webgpu, 32 * KiB, worker.biggest);
  within('the playground page', app.bytes, 20 * KiB, app.biggest);
  within('the WebGPU device worker (loaded only by the webgpu backend in a Web Worker)', deviceWorker.bytes, 24 * KiB, deviceWorker.biggest);
});
