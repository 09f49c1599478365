/**
 * The WebGPU kernels in a page (issue 30): the browser bundle's `openWebGpu()` (gpu.browser.ts: navigator.gpu) in
 * Debian's Chromium with --enable-unsafe-webgpu on a 127.0.0.1 page — SwiftShader's adapter here — runs the f32 GEMM
 * (within the conformance bound of the js reference computed in Node), the exact int8 GEMM and Philox (both equal to
 * Node's bit for bit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { philox4x32 } from '../../src/rng/philox.js';
import { noChromium, withBundlePage } from '../helpers/bundle-page.js';

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
