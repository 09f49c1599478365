/**
 * The WebGPU kernels in a page (issue 30): the browser bundle's `openWebGpu()` (gpu.browser.ts: navigator.gpu) in
 * Debian's Chromium with --enable-unsafe-webgpu on a 127.0.0.1 page — SwiftShader's adapter here — runs the f32 GEMM
 * (within the conformance bound of the js reference computed in Node), the exact int8 GEMM and Philox (both equal to
 * Node's bit for bit), the whole backend conformance suite (test/helpers/conformance-cases.ts, the cases Node runs on
 * every backend), and a device-resident EGG run equal to the CPU's bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { philox4x32 } from '../../src/rng/philox.js';
import { noChromium, withBundlePage } from '../helpers/bundle-page.js';
import { conformanceCases } from '../helpers/conformance-cases.js';
import { EggTrainer, type EggConfig } from '../../src/egg/train.js';

test('WebGPU kernels in Chromium: f32 GEMM within the bound, int8 GEMM and Philox equal to Node', { skip: noChromium, timeout: 180_000 }, async (t) => {
  await withBundlePage(['--enable-unsafe-webgpu'], async (page) => {
    const [m, n, k] = [13, 11, 29];
    const a = Array.from({ length: m * k }, (_, i) => Math.sin(i) * 2);
    const b = Array.from({ length: k * n }, (_, i) => Math.cos(3 * i));
    const ia = Array.from({ length: m * k }, (_, i) => ((i * 37) % 256) - 128);
    const ib = Array.from({ length: n * k }, (_, i) => ((i * 91) % 256) - 128);
    const stream = { key0: 0x9e3779b9, key1: 7, c1: 1, c2: 2, c3: 0xffffffff };
    const got = await page.evaluate(async ([m, n, k, a, b, ia, ib, stream]) => {
      const url: string = '/eggroll.js';
      const lib = await import(url);
      const gpu = await lib.openWebGpu();
      const c = new Float32Array(m * n);
      await gpu.sgemm(false, true, m, n, k, 1.5, Float32Array.from(a), Float32Array.from(b), 0, c);
      const ic = new Int32Array(m * n);
      await gpu.igemm(m, n, k, Int8Array.from(ia), Int8Array.from(ib), ic);
      const words = new Uint32Array(4 * 9);
      await gpu.philoxWords(stream, 5, 9, words);
      return { adapter: gpu.gpu.adapterName, software: gpu.gpu.software, c: Array.from(c), ic: Array.from(ic), words: Array.from(words) };
    }, [m, n, k, a, b, ia, ib, stream] as const);
    t.diagnostic(`adapter: ${got.adapter} (software: ${got.software})`);
    const A = Float32Array.from(a), B = Float32Array.from(b);
    const want = new Float32Array(m * n), bound = new Float32Array(m * n);
    jsBackend.sgemm(false, true, m, n, k, 1.5, A, B, 0, want);
    jsBackend.sgemm(false, true, m, n, k, 1.5, A.map(Math.abs), B.map(Math.abs), 0, bound);
    const f = 2 * (k + 4) * 2 ** -24;
    got.c.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= f * bound[i] + 1e-30, `sgemm element ${i}: ${v} vs ${want[i]}`));
    const iw = new Int32Array(m * n);
    jsBackend.igemm(m, n, k, Int8Array.from(ia), Int8Array.from(ib), iw);
    assert.deepEqual(got.ic, Array.from(iw));
    const words = new Uint32Array(4 * 9);
    for (let j = 0; j < 9; j++) philox4x32(5 + j, stream.c1, stream.c2, stream.c3, stream.key0, stream.key1, words, 4 * j);
    assert.deepEqual(got.words, Array.from(words));
  });
});

const SUITE = [{ in: 'test/browser/pages/webgpu-suite.ts', out: 'webgpu-suite' }];

test('the whole backend conformance suite passes on WebGPU in Chromium (the cases Node runs on every backend)', { skip: noChromium, timeout: 300_000 }, async (t) => {
  const got = await withBundlePage(['--enable-unsafe-webgpu'], (page) => page.evaluate(async () => {
    const url: string = '/webgpu-suite.js';
    return (await import(url)).runConformance();
  }), SUITE);
  t.diagnostic(`adapter: ${got.adapter}`);
  assert.deepEqual(got.results.map((r: { name: string }) => r.name), conformanceCases(jsBackend, jsBackend).map((c) => c.name), 'the page ran every case');
  for (const r of got.results) assert.equal(r.error, undefined, `${r.name}: ${r.error}`);
});

test('EGG device-resident in Chromium gives the CPU\'s bits: fitness, counts, weights and states', { skip: noChromium, timeout: 300_000 }, async () => {
  const cfg: EggConfig = { layers: 2, width: 16, pop: 8, groupSize: 4, tokens: 5, sigmaShift: 2, alpha: 1, seed: 11 };
  const text = new TextEncoder().encode(Array.from({ length: 20 }, (_, i) => `\0Verse ${i}. The light shineth in darkness.`).join('\n'));
  const cpu = new EggTrainer(cfg, jsBackend, 'js', text, 1);
  const params = Array.from(cpu.params.subarray(0, cpu.arch.size));
  const steps = 3, windows: number[][] = [], fitness: number[][] = [], stats: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const r = await cpu.trainStep();
    windows.push(Array.from(cpu.windows.subarray(0, (cfg.pop / cfg.groupSize) * (cfg.tokens + 1))));
    fitness.push(Array.from(cpu.fitness.subarray(0, cfg.pop)));
    stats.push([r.moved, r.clipped]);
  }
  const run = { ...cfg, noiseKey: cpu.noiseKey, params, windows };
  const got = await withBundlePage(['--enable-unsafe-webgpu'], (page) => page.evaluate(async (run) => {
    const url: string = '/webgpu-suite.js';
    return (await import(url)).runEggDevice(run);
  }, run), SUITE);
  assert.deepEqual(got.fitness, fitness);
  assert.deepEqual(got.stats, stats);
  assert.deepEqual(got.params, Array.from(cpu.params.subarray(0, cpu.arch.size)));
  assert.deepEqual(got.states, Array.from(cpu.states));
  await cpu.close();
});

test('loadBackend(\'webgpu\') in a Web Worker is the synchronous Backend (its device in a nested worker) and passes the conformance suite; on the page it says why not', { skip: noChromium, timeout: 300_000 }, async (t) => {
  const got = await withBundlePage(['--enable-unsafe-webgpu'], (page) => page.evaluate(async () => {
    const url: string = '/eggroll.js';
    const lib = await import(url);
    const onPage = await lib.loadBackend('webgpu').then(() => 'loaded', (e: Error) => e.message);
    const inWorker = await new Promise((resolve) => {
      type PageWorker = { onmessage: ((e: { data: unknown }) => void) | null; onerror: ((e: { message: string }) => void) | null };
      const W = (globalThis as unknown as { Worker: new (url: string, o: { type: 'module' }) => PageWorker }).Worker;
      const w = new W('/webgpu-worker-suite.js', { type: 'module' });
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => resolve({ error: e.message });
    });
    return { onPage, inWorker };
  }), [...SUITE, { in: 'test/browser/pages/webgpu-worker-suite.ts', out: 'webgpu-worker-suite' }]);
  assert.match(got.onPage, /main thread.*Web Worker/);
  const w = got.inWorker as { error?: string; backend: string; adapter: string; results: { name: string; error?: string }[] };
  assert.equal(w.error, undefined, w.error);
  t.diagnostic(`adapter: ${w.adapter}`);
  assert.equal(w.backend, 'webgpu');
  assert.deepEqual(w.results.map((r) => r.name), conformanceCases(jsBackend, jsBackend).map((c) => c.name));
  for (const r of w.results) assert.equal(r.error, undefined, `${r.name}: ${r.error}`);
});
