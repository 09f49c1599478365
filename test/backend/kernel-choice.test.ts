/**
 * The kernel choice (src/backend/kernel-choice.ts) is the one reading of the EGGROLL_* variables, and
 * the wasm-memory capability is what kernel modules above the backend use instead of its internals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { kernelChoiceFrom } from '../../src/backend/kernel-choice.js';
import { jsBackend, loadBackend } from '../../src/backend/index.js';
import { wasmEggKernels } from '../../src/backend/kernels/egg-wasm.js';
import { EGG_TABLES } from '../../src/egg/kernels.js';

test('kernelChoiceFrom: defaults, each variable, and threads on the main thread vs a worker', () => {
  assert.deepEqual(kernelChoiceFrom({}, true, 8), { threads: 8, eggKernels: 'wasm', noise: 'best', gemmIsa: 'best' });
  assert.equal(kernelChoiceFrom({}, false, 8).threads, 1);
  assert.equal(kernelChoiceFrom({ EGGROLL_THREADS: '3' }, false, 8).threads, 3);
  for (const bad of ['0', '-2', '1.5', 'many', '']) assert.equal(kernelChoiceFrom({ EGGROLL_THREADS: bad }, true, 8).threads, 8, bad);
  assert.equal(kernelChoiceFrom({ EGGROLL_EGG_KERNELS: 'ts' }).eggKernels, 'ts');
  assert.equal(kernelChoiceFrom({ EGGROLL_NOISE: 'js' }).noise, 'js');
  assert.equal(kernelChoiceFrom({ EGGROLL_NOISE: 'wasm' }).noise, 'wasm');
  assert.equal(kernelChoiceFrom({ EGGROLL_GEMM_ISA: 'avx2' }).gemmIsa, 'avx2');
});

test('kernelChoiceFrom: the platform limit caps threads (a browser: 4 when isolated, 1 otherwise); Node has none', () => {
  assert.equal(kernelChoiceFrom({}, true, 16, 4).threads, 4);
  assert.equal(kernelChoiceFrom({}, true, 2, 4).threads, 2);
  assert.equal(kernelChoiceFrom({}, true, 16, 1).threads, 1);
  assert.equal(kernelChoiceFrom({ EGGROLL_THREADS: '3' }, false, 8, 1).threads, 1);
  assert.equal(kernelChoiceFrom({ EGGROLL_THREADS: '64' }, true, 8).threads, 64, 'no limit in Node');
});

test('loadBackend(wasm, threads): its own instance per thread count; ready() resolves; split calls are counted', async () => {
  const two = await loadBackend('wasm', undefined, { threads: 2 }) as import('../../src/backend/wasm.js').WasmBackend;
  assert.equal(two.threads, 2);
  assert.equal(await loadBackend('wasm', undefined, { threads: 2 }), two, 'cached');
  assert.notEqual(await loadBackend('wasm', undefined, { threads: 1 }), two);
  await two.ready();
  const before = two.parallelCalls;
  const m = 256, k = 128, n = 256; // 8 M multiply-adds: over the split threshold
  const a = two.allocF32(m * k).fill(1), b = two.allocF32(k * n).fill(0.5), c = two.allocF32(m * n);
  two.sgemm(false, true, m, n, k, 1, a, b, 0, c);
  assert.equal(c[0], 64);
  assert.equal(two.parallelCalls, before + 1);
  two.sgemm(false, true, 4, 4, 4, 1, a, b, 0, c); // small: the calling thread alone
  assert.equal(two.parallelCalls, before + 1);
});

test('the variables reach the kernels: EGGROLL_EGG_KERNELS=ts, EGGROLL_NOISE=js, EGGROLL_THREADS=2 in a child', () => {
  const script = `
    const { loadBackend } = await import('./src/backend/index.ts');
    const { eggKernelsFor } = await import('./src/egg/kernels.ts');
    const { normalsKernel } = await import('./src/backend/index.ts');
    const b = await loadBackend('wasm');
    console.log(JSON.stringify({ egg: eggKernelsFor(b).name, noise: normalsKernel() !== null, threads: b.threads }));`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };
  assert.deepEqual(run({ EGGROLL_EGG_KERNELS: 'ts', EGGROLL_NOISE: 'js', EGGROLL_THREADS: '2' }), { egg: 'ts', noise: false, threads: 2 });
  const dflt = run({ EGGROLL_THREADS: '1' });
  assert.equal(dflt.egg, 'wasm');
  assert.equal(dflt.threads, 1);
});

test('Backend.wasmMemory: wasm exposes its memory (its own arrays are recognised, others not); js has none', async () => {
  assert.equal(jsBackend.wasmMemory, undefined);
  assert.equal(wasmEggKernels(jsBackend, EGG_TABLES), null);
  const b = await loadBackend('wasm');
  const mem = b.wasmMemory;
  assert.ok(mem);
  const own = b.allocI32(16);
  assert.ok(mem.owns(own));
  assert.ok(mem.owns(own.subarray(3, 9)));
  assert.equal(mem.owns(new Int32Array(16)), false);
  assert.ok(mem.staticBytes >= 0 && own.byteOffset >= mem.staticBytes);
  assert.ok(wasmEggKernels(b, EGG_TABLES));
});
