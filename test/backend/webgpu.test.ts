/**
 * The WebGPU kernels (src/backend/webgpu/) on whatever adapter this machine has — here SwiftShader's software Vulkan
 * driver from Debian's chromium package (.ci/run installs chromium and libvulkan1): the f32 GEMM against the js
 * reference within the conformance bound (all transposes, alpha/beta, odd shapes, NaN in C with beta 0), its rows
 * independent of the rows beside them (bit for bit), the int8 GEMM exactly equal to the CPU's, and the device's
 * Philox words equal to rng/philox.ts's. Small shapes: the software adapter runs at 0.04–0.06 GFLOP/s (docs/BENCHMARKS.md, "WebGPU").
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { GpuKernels } from '../../src/backend/webgpu/compute.js';
import { philox4x32 } from '../../src/rng/philox.js';
import { webGpuForTests } from '../helpers/webgpu.js';

const { gpu, skip } = await webGpuForTests();

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}
const randF32 = (n: number, r: () => number) => Float32Array.from({ length: n }, () => r() * 2 - 1);

describe('WebGPU kernels', { skip }, () => {
  before(() => { assert.ok(gpu); });

  test('the adapter is named; a software one says so', () => {
    assert.ok(gpu!.gpu.adapterName.length > 0);
    if (/swiftshader/i.test(gpu!.gpu.adapterName)) assert.equal(gpu!.gpu.software, true);
  });

  test('sgemm matches the reference: all transposes, odd shapes, alpha/beta; beta 0 ignores NaN', async () => {
    const r = rng(1);
    for (const [m, n, k] of [[1, 1, 1], [3, 1, 7], [5, 7, 3], [17, 16, 33], [33, 9, 65], [2, 3, 0]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          for (const [alpha, beta] of [[1, 0], [0.5, -2]] as const) {
            const a = randF32(m * k, r), b = randF32(k * n, r), c0 = beta === 0 ? new Float32Array(m * n).fill(NaN) : randF32(m * n, r);
            const want = c0.slice();
            jsBackend.sgemm(ta, tb, m, n, k, alpha, a, b, beta, want);
            const bound = beta === 0 ? new Float32Array(m * n) : c0.map(Math.abs);
            jsBackend.sgemm(ta, tb, m, n, k, Math.abs(alpha), a.map(Math.abs), b.map(Math.abs), Math.abs(beta), bound);
            const c = c0.slice();
            await gpu!.sgemm(ta, tb, m, n, k, alpha, a, b, beta, c);
            const f = 2 * (k + 4) * 2 ** -24;
            for (let i = 0; i < c.length; i++) {
              assert.ok(Math.abs(c[i] - want[i]) <= f * bound[i] + 1e-30, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k} α=${alpha} β=${beta}: element ${i} ${c[i]} vs ${want[i]}`);
            }
          }
        }
      }
    }
  });

  test('sgemm rows do not depend on the rows beside them (a split call gives the same bits)', async () => {
    const r = rng(3);
    const [m, n, k] = [23, 19, 37];
    const a = randF32(m * k, r), b = randF32(k * n, r);
    const whole = new Float32Array(m * n);
    await gpu!.sgemm(false, true, m, n, k, 0.75, a, b, 0, whole);
    const s = 7;
    const top = new Float32Array(s * n), bottom = new Float32Array((m - s) * n);
    await gpu!.sgemm(false, true, s, n, k, 0.75, a.subarray(0, s * k), b, 0, top);
    await gpu!.sgemm(false, true, m - s, n, k, 0.75, a.subarray(s * k), b, 0, bottom);
    const joined = new Float32Array(m * n);
    joined.set(top);
    joined.set(bottom, s * n);
    assert.deepEqual(Array.from(joined), Array.from(whole));
    const again = new Float32Array(m * n);
    await gpu!.sgemm(false, true, m, n, k, 0.75, a, b, 0, again);
    assert.deepEqual(Array.from(again), Array.from(whole), 'the same call twice: the same bits');
  });

  test('the int8 GEMM equals the CPU exactly, extreme values and k not a multiple of 4 included', async () => {
    const r = rng(4);
    for (const [m, n, k] of [[1, 1, 1], [7, 5, 13], [16, 9, 64], [3, 4, 1027]] as const) {
      const a = Int8Array.from({ length: m * k }, (_, i) => (i % 11 === 0 ? -128 : Math.floor(r() * 256) - 128));
      const b = Int8Array.from({ length: n * k }, (_, i) => (i % 13 === 0 ? 127 : Math.floor(r() * 256) - 128));
      const want = new Int32Array(m * n), got = new Int32Array(m * n);
      jsBackend.igemm(m, n, k, a, b, want);
      await gpu!.igemm(m, n, k, a, b, got);
      assert.deepEqual(Array.from(got), Array.from(want), `igemm ${m}×${n}×${k}`);
    }
  });

  test('the int8 GEMM without dot4I8Packed (four extractBits products) gives the same exact sums as with it', async () => {
    const plain = await GpuKernels.open({ packedDot: false });
    assert.equal(plain.packedDot, false);
    const r = rng(9);
    for (const [m, n, k] of [[3, 5, 7], [16, 9, 64], [1, 1, 1]] as const) {
      const a = Int8Array.from({ length: m * k }, () => Math.floor(r() * 256) - 128), b = Int8Array.from({ length: n * k }, () => Math.floor(r() * 256) - 128);
      a[0] = -128; b[0] = -128;
      const want = new Int32Array(m * n), got = new Int32Array(m * n), packed = new Int32Array(m * n);
      jsBackend.igemm(m, n, k, a, b, want);
      await plain.igemm(m, n, k, a, b, got);
      await gpu!.igemm(m, n, k, a, b, packed);
      assert.deepEqual(got, want);
      assert.deepEqual(packed, want);
    }
  });

  test('the fused layer kernel (GEMM + low-rank term + bias noise + activation in one) gives the three separate kernels\' bits', async () => {
    const g = gpu!;
    const { rowInfo } = await import('../../src/backend/webgpu/device.js');
    const r = rng(11);
    for (const [rows, n, m, rank, act] of [[7, 19, 13, 2, 'tanh'], [33, 40, 17, 1, 'relu'], [5, 3, 70, 4, 'identity']] as const) {
      const pairs = 4;
      const x = randF32(rows * n, r), w = randF32(m * n, r), bt = randF32(pairs * rank * n, r), at = randF32(pairs * rank * m, r);
      const b = randF32(m, r), e = randF32(pairs * m, r);
      const pair = Int32Array.from({ length: rows }, (_, i) => i % pairs);
      const lr = Float32Array.from({ length: rows }, (_, i) => (i % 3 === 2 ? 0 : (i % 2 ? -0.3 : 0.3)));
      const bc = Float32Array.from({ length: rows }, (_, i) => (i % 3 === 2 ? 0 : (i % 2 ? -0.05 : 0.05)));
      const buf = (a: ArrayBufferView) => g.upload(a);
      const [X, W, BT, AT, P, LR, BC, B, E] = [x, w, bt, at, pair, lr, bc, b, e].map(buf);
      const T = g.storage(rows * rank * 4), Y1 = g.storage(rows * m * 4), Y2 = g.storage(rows * m * 4), ROW = buf(rowInfo(pair, bc, lr));
      let enc = g.device.createCommandEncoder();
      g.encodeSgemm(enc, false, true, rows, m, n, 1, X, W, 0, Y1);
      g.encodeLowRankAdd(enc, rows, n, m, rank, X, BT, AT, P, LR, T, Y1);
      g.encodeBiasAct(enc, rows, m, Y1, B, P, BC, E, act);
      const unfused = new Float32Array(await g.readBack(enc, Y1, rows * m * 4));
      enc = g.device.createCommandEncoder();
      g.encodeLowRankT(enc, rows, n, m, rank, X, BT, P, LR, T);
      g.encodeLayer(enc, rows, m, n, rank, X, W, { t: T, at: AT }, ROW, B, E, act, Y2);
      const fused = new Float32Array(await g.readBack(enc, Y2, rows * m * 4));
      for (let i = 0; i < fused.length; i++) assert.ok(Math.abs(fused[i] - unfused[i]) <= 2 ** -22 * Math.max(1, Math.abs(unfused[i])), `${rows}×${n}→${m} r=${rank} ${act}: element ${i}: ${fused[i]} vs ${unfused[i]}`);
      const same = fused.every((v, i) => Object.is(v, unfused[i]));
      if (!same) console.log(`# fused ${rows}×${n}→${m} ${act}: within 2 ulps of the separate kernels, not bit-equal (the shader compiler's contractions)`);
      for (const bb of [X, W, BT, AT, P, LR, BC, B, E, T, Y1, Y2, ROW]) bb.destroy();
    }
  });

  test('Philox4x32-10 on the device gives rng/philox.ts\'s words (counter wrap and all-ones words included)', async () => {
    for (const [s, b0, blocks] of [
      [{ key0: 0, key1: 0, c1: 0, c2: 0, c3: 0 }, 0, 3],
      [{ key0: 0x9e3779b9, key1: 123, c1: 5, c2: 6, c3: 0xffffffff }, 0xfffffffe, 4],
      [{ key0: 0xffffffff, key1: 0xffffffff, c1: 0xffffffff, c2: 0xffffffff, c3: 0xffffffff }, 1000, 130],
    ] as const) {
      const got = new Uint32Array(4 * blocks), want = new Uint32Array(4 * blocks);
      await gpu!.philoxWords(s, b0, blocks, got);
      for (let t = 0; t < blocks; t++) philox4x32((b0 + t) >>> 0, s.c1, s.c2, s.c3, s.key0, s.key1, want, 4 * t);
      assert.deepEqual(Array.from(got), Array.from(want));
    }
  });
});

describe('WebGPU errors', { skip }, () => {
  test('a validation error rejects the submission with its message (WebGPU itself only marks the work invalid)', async () => {
    const theta = gpu!.upload(new Float32Array(4)), g = gpu!.upload(new Float32Array(4)), shared = gpu!.storage(16);
    const enc = gpu!.device.createCommandEncoder();
    // m and v the same writable buffer: not allowed in one dispatch.
    gpu!.encodeOptimizer(enc, 4, { kind: 'adam', lr: 1, momentum: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, c1: 10, c2: 1000 }, theta, g, shared, shared);
    await assert.rejects(gpu!.run(enc), /^Error: webgpu: .*aliasing/);
    // The next submission is checked on its own: a good one goes through.
    const ok = gpu!.device.createCommandEncoder();
    gpu!.encodeOptimizer(ok, 4, { kind: 'sgd', lr: 1, momentum: 0, beta1: 0, beta2: 0, eps: 0, weightDecay: 0, c1: 1, c2: 1 }, theta, g, gpu!.storage(4), gpu!.storage(4));
    await gpu!.run(ok);
  });
});

describe('bench gemm / bench int8 with --backends webgpu', { skip }, () => {
  test('a webgpu row per size (device-resident timing, the adapter named) and the summary\'s webgpu fields', async () => {
    const { runCli } = await import('../helpers/cli.js');
    let r = await runCli(['bench', 'gemm', '--backends', 'wasm,webgpu', '--shapes', 'squares', '--sizes', '16', '--threads', '1', '--min-seconds', '0.01', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const gpuRow = lines.find((l) => l.backend === 'webgpu')!;
    assert.equal(gpuRow.case, 'sgemm NT 16³');
    assert.ok((gpuRow.g_median as number) > 0 && (gpuRow.runs as number) >= 3 && typeof gpuRow.adapter === 'string', JSON.stringify(gpuRow));
    const summary = lines.at(-1)!;
    assert.equal(typeof summary.webgpu_gflops_16, 'number');
    assert.equal(typeof summary.webgpu_over_wasm_16_t1, 'number');
    r = await runCli(['bench', 'int8', '--backends', 'webgpu', '--sizes', '16', '--threads', '1', '--min-seconds', '0.01', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.trim().split('\n').some((l) => JSON.parse(l).backend === 'webgpu' && JSON.parse(l).case === 'igemm 16³'));
  });
});

describe('--backend webgpu (the synchronous facade: device thread, GEMMs on the device)', { skip: skip }, () => {
  test('lm train --backend webgpu is device-resident and gives the bits of wasm and js, straight and resumed', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { tempDir } = await import('../helpers/temp.js');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = tempDir('eggroll-webgpu-');
    writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 40 }, (_, i) => `Verse ${i}. And the light shineth in darkness; and the darkness comprehended it not.`).join('\n\n'));
    const args = (out: string, be: string, workers: number, steps: number) => ['lm', 'train', '--data', join(dir, 'tiny.txt'), '--width', '16', '--pop', '8', '--tokens', '8', '--steps', String(steps), '--eval-every', '1', '--backend', be, '--workers', String(workers), '--quiet', '--json', '--out', out];
    const bytes: Record<string, Buffer> = {};
    for (const [be, workers] of [['webgpu', 1], ['wasm', 2], ['js', 1]] as const) {
      const out = join(dir, be);
      const r = await runCli(args(out, be, workers, 2));
      assert.equal(r.code, 0, r.stderr);
      if (be === 'webgpu') assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).backend, 'webgpu');
      bytes[be] = readFileSync(join(out, 'checkpoints', 'gen-0000002.safetensors'));
    }
    assert.ok(bytes.webgpu.equals(bytes.wasm) && bytes.webgpu.equals(bytes.js), 'checkpoint bytes differ between backends');
    const half = join(dir, 'resumed');
    assert.equal((await runCli(args(half, 'webgpu', 1, 1))).code, 0);
    const r = await runCli(['lm', 'train', '--resume', half, '--steps', '2', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(join(half, 'checkpoints', 'gen-0000002.safetensors')).equals(bytes.webgpu), 'a resumed device run differs from a straight one');
  });

  test('the synchronous facade on 4 worker threads (a device each) trains EGG to the bits of wasm (platform.ts deviceLock)', async () => {
    const { loadBackend } = await import('../../src/backend/index.js');
    const { EggTrainer } = await import('../../src/egg/train.js');
    const text = new TextEncoder().encode('In the beginning was the Word, and the Word was with God. '.repeat(30));
    const cfg = { layers: 1, width: 16, pop: 16, groupSize: 4, tokens: 6, sigmaShift: 4, alpha: 4, seed: 5 };
    const run = async (be: 'webgpu' | 'wasm', workers: number) => {
      const tr = new EggTrainer(cfg, await loadBackend(be), be, text, workers);
      try { for (let s = 0; s < 2; s++) await tr.trainStep(); } finally { await tr.close(); }
      return tr;
    };
    const a = await run('webgpu', 4), b = await run('wasm', 1);
    assert.ok(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer)) && Buffer.from(a.states.buffer).equals(Buffer.from(b.states.buffer)), 'the facade on 4 threads differs from wasm');
  });

  test('an EGGROLL RL run on webgpu is device-resident; the same seed gives the same bits again, and so does a resumed run; its returns are the CPU\'s', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { tempDir } = await import('../helpers/temp.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = tempDir('eggroll-webgpu-rl-');
    const args = ['train', 'cartpole', '--pop', '16', '--hidden', '8', '--eval-episodes', '2', '--seed', '3', '--quiet', '--json'];
    const run = async (out: string, gens: number, backend = 'webgpu') => {
      const r = await runCli([...args, '--backend', backend, '--gens', String(gens), '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      return { ck: readFileSync(join(out, 'checkpoints', `gen-000000${gens}.safetensors`)), summary: JSON.parse(r.stdout.trim().split('\n').pop()!) };
    };
    const a = await run(join(dir, 'a'), 2), b = await run(join(dir, 'b'), 2);
    assert.equal(a.summary.backend, 'webgpu');
    assert.ok(a.ck.equals(b.ck), 'two runs with one seed on one adapter gave different bits');
    await run(join(dir, 'c'), 1);
    const resumed = await runCli(['train', '--resume', join(dir, 'c'), '--gens', '2', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(readFileSync(join(dir, 'c', 'checkpoints', 'gen-0000002.safetensors')).equals(a.ck), 'a resumed run differs from a straight one');
    // Float32 sums in another order move the parameters by ~1e-7: CartPole's returns over two generations are the same.
    await run(join(dir, 'cpu'), 2, 'js');
    const returns = (d: string) => readFileSync(join(dir, d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).mean_return);
    assert.deepEqual(returns('a'), returns('cpu'));
  });
});
