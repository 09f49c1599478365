/**
 * Backend.packedB (W packed once per generation instead of at every call): a pack must give exactly the
 * bits of sgemm on the B it was packed from — every transpose, edge tiles, alpha/beta, one thread and
 * split over threads — and the ES must never multiply by a pack of an old W once tell() has changed it.
 * The reference for the second part is the same backend with the capability hidden (plain sgemm).
 * Backend.layer (GEMM on the packed W + low-rank term + epilogue in one call) must give the bits of the
 * three separate calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../src/backend/types.js';
import { createNativeBackend, loadNativeAddon } from '../../src/backend/native.js';
import { ParamSet } from '../../src/nn/params.js';
import { Mlp, mlpSpecs, initMlp, type MlpConfig } from '../../src/nn/mlp.js';
import { EvolutionStrategy, type StrategyConfig } from '../../src/es/strategy.js';

let skip: string | false = false;
try {
  if (loadNativeAddon().gemmKernel() === 'none') skip = 'this CPU has no AVX2+FMA';
} catch (e) {
  skip = `native addon not built: ${(e as Error).message}`;
}

function rand(len: number, seed: number, alloc: (n: number) => Float32Array = (n) => new Float32Array(n)): Float32Array {
  let x = seed >>> 0 || 1;
  const out = alloc(len);
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = ((x >>> 0) / 2 ** 32 - 0.5) * 4;
  }
  return out;
}

function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: element ${i} is ${got[i]}, sgemm gave ${want[i]}`);
  }
}

/** packedB.sgemm against sgemm on one backend, over shapes with tails in every dimension. */
function checkPackedEqualsPlain(be: Backend, shapes: number[][]): void {
  const pk = be.packedB!;
  for (const [m, n, k] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const [alpha, beta] of [[1, 0], [0.75, 0.5]]) {
          const a = rand(m * k, m * 7 + k, (len) => be.allocF32(len));
          const b = rand(k * n, n * 13 + k, (len) => be.allocF32(len));
          const c0 = rand(m * n, m + n);
          const want = c0.slice();
          be.sgemm(ta, tb, m, n, k, alpha, a, b, beta, want);
          const p = pk.pack(tb, n, k, b);
          const got = c0.slice();
          pk.sgemm(ta, m, alpha, a, p, beta, got);
          sameBits(got, want, `${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k} α${alpha} β${beta}`);
          // Rows one at a time through the same pack (the row contract holds for packs too).
          if (!ta && m <= 64) {
            const rows = c0.slice();
            for (let i = 0; i < m; i++) pk.sgemm(false, 1, alpha, a.subarray(i * k, (i + 1) * k), p, beta, rows.subarray(i * n, (i + 1) * n));
            sameBits(rows, want, `row by row ${m}×${n}×${k}`);
          }
          pk.free(p);
          pk.free(p); // idempotent
          assert.throws(() => pk.sgemm(ta, m, alpha, a, p, beta, got), /freed/);
        }
      }
    }
  }
}

// Small (the RL policy's 64×64, 2-action head, 4-wide input), edge tiles in m and n, k = 1, and one group
// boundary (k = 700: 512 KiB of panels hold 187 columns, so n = 400 spans three column groups).
const SHAPES = [[1, 64, 64], [13, 64, 64], [256, 2, 64], [37, 64, 4], [5, 33, 1], [25, 47, 129], [30, 400, 700]];

test('a packed B gives sgemm\'s bits on the native backend, one thread', { skip }, () => {
  const be = createNativeBackend({ threads: 1 });
  assert.ok(be.packedB, 'the native backend offers packedB');
  checkPackedEqualsPlain(be, SHAPES);
});

test('a packed B gives sgemm\'s bits when the call is split over threads', { skip }, async () => {
  const be = createNativeBackend({ threads: 2 });
  // m ≥ 96 and m·n·k ≥ 2²⁴: the native backend splits these over both threads (the workers read the pack
  // from the shared memory), with tails in every dimension.
  checkPackedEqualsPlain(be, [[301, 241, 261], [200, 300, 300]]);
  await be.dispose();
});

test('the AVX2 kernel\'s packs give its sgemm bits too (this file again under EGGROLL_GEMM_ISA=avx2)', {
  skip: skip || (process.env.EGGROLL_GEMM_ISA === 'avx2' ? 'already running under avx2' : false),
}, () => {
  const env: NodeJS.ProcessEnv = { ...process.env, EGGROLL_GEMM_ISA: 'avx2' };
  delete env.NODE_TEST_CONTEXT; // or the child would report to this runner instead of printing TAP
  const file = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], { env, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stdout.split('\n').filter((l) => /not ok|error:/.test(l)).slice(0, 8).join('\n'));
  assert.match(r.stdout, /# fail 0/);
});

test('a pack is a snapshot: changing B afterwards does not change it', { skip }, () => {
  const be = createNativeBackend({ threads: 1 });
  const [m, n, k] = [9, 40, 20];
  const a = rand(m * k, 1), b = rand(n * k, 2);
  const p = be.packedB!.pack(true, n, k, b);
  const before = new Float32Array(m * n);
  be.packedB!.sgemm(false, m, 1, a, p, 0, before);
  b.fill(3);
  const after = new Float32Array(m * n);
  be.packedB!.sgemm(false, m, 1, a, p, 0, after);
  sameBits(after, before, 'after B changed');
  be.packedB!.free(p);
});

test('layer() gives the bits of sgemm + lowRankAdd + biasAct, with and without each part', { skip }, async () => {
  for (const threads of [1, 2]) {
    const be = createNativeBackend({ threads });
    // The fused call is AVX-512 only (like the addon's biasAct); the AVX2 kernel's backend goes without it.
    if (be.gemmKernel !== 'avx512') { assert.equal(be.layer, undefined); await be.dispose(); return; }
    // 2 threads: the 300-row 256-wide call is split, so layer() takes its three-call path there.
    for (const [rows, n, m] of [[1, 4, 64], [13, 64, 64], [49, 64, 2], [100, 7, 33], [300, 256, 256]]) {
      const pairs = 5;
      for (const r of [0, 1, 3]) {
        for (const act of ['identity', 'tanh', 'relu', 'pqn'] as const) {
          for (const withNoise of [false, true]) {
            const A = (len: number, seed: number) => rand(len, seed, (k) => be.allocF32(k));
            const x = A(rows * n, rows + n), W = A(m * n, m * 3 + n), bias = A(m, m + 1);
            const bt = A(pairs * Math.max(r, 1) * n, n + r), at = A(pairs * Math.max(r, 1) * m, m + r);
            const noise = A(pairs * m, m + 17);
            const pair = Int32Array.from({ length: rows }, (_, i) => (i * 3) % pairs);
            const lrCoef = Float32Array.from({ length: rows }, (_, i) => (i % 5 === 4 ? 0 : i % 2 ? -0.05 : 0.05));
            const biasCoef = Float32Array.from(lrCoef, (c) => c * 2);
            const want = be.allocF32(rows * m), got = be.allocF32(rows * m).fill(Number.NaN);
            be.sgemm(false, true, rows, m, n, 1, x, W, 0, want);
            if (r > 0) be.lowRankAdd(rows, n, m, r, x, bt, at, pair, lrCoef, want);
            be.biasAct(act, rows, m, want, bias, withNoise ? pair : null, withNoise ? noise : null, withNoise ? biasCoef : null);
            const w = be.packedB!.pack(true, m, n, W);
            be.layer!(rows, n, m, x, w, r, r > 0 ? bt : null, r > 0 ? at : null, pair, r > 0 ? lrCoef : null, act, bias,
              withNoise ? noise : null, withNoise ? biasCoef : null, got);
            sameBits(got, want, `threads ${threads}, ${rows}×${n}→${m}, r ${r}, ${act}, noise ${withNoise}`);
            be.packedB!.free(w);
          }
        }
      }
    }
    await be.dispose();
  }
});

/** The ES on a small MLP: after each tell() the next generation's forward must use the updated W. */
function rollGenerations(be: Backend, generations: number): { outs: Float32Array[]; params: Float32Array[] } {
  const cfg: MlpConfig = { sizes: [4, 64, 64, 2], activation: 'tanh', bias: 'full' };
  const params = new ParamSet(mlpSpecs(cfg), be);
  initMlp(params, 5);
  const sc: StrategyConfig = { algo: 'eggroll', popSize: 16, rank: 1, sigma: 0.1, lr: 0.5, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 3 };
  const es = new EvolutionStrategy(params, be, sc);
  const mlp = new Mlp(cfg, be, 16);
  const x = rand(16 * 4, 11, (len) => be.allocF32(len));
  const outs: Float32Array[] = [];
  const members = Int32Array.from({ length: 16 }, (_, i) => 15 - i);
  for (let g = 0; g < generations; g++) {
    const pop = es.ask();
    // Several calls per generation with different live rows, as a rollout makes them.
    for (const count of [16, 9, 3]) outs.push(mlp.forward(pop.rows(members, count), x).slice());
    const f = new Float64Array(16);
    const last = outs[outs.length - 3];
    for (let i = 0; i < 16; i++) f[15 - i] = last[2 * i] - last[2 * i + 1];
    es.tell(f);
  }
  return { outs, params: params.values.map((v) => v.slice()) };
}

test('the ES never uses a pack of an old W: packed and plain runs agree bit for bit over generations', { skip }, async () => {
  for (const threads of [1, 2]) {
    const be = createNativeBackend({ threads });
    // The reference: no packs, no fused layer (plain sgemm, lowRankAdd, biasAct); and packs without layer().
    const ref = rollGenerations({ ...be, packedB: undefined, layer: undefined }, 4);
    for (const [name, variant] of [['packed + layer', be], ['packed, unfused', { ...be, layer: undefined }]] as const) {
      const got = rollGenerations(variant, 4);
      assert.equal(got.outs.length, ref.outs.length);
      got.outs.forEach((o, i) => sameBits(o, ref.outs[i], `${name}, threads ${threads}, forward ${i}`));
      got.params.forEach((p, i) => sameBits(p, ref.params[i], `${name}, threads ${threads}, parameter ${i} at the end`));
    }
    // W did change between generations, so a stale pack would have shown above.
    assert.notDeepEqual(ref.outs[0], ref.outs[3]);
    await be.dispose();
  }
});

test('a generation\'s packs go back to the allocator when its handles are released', { skip }, () => {
  const be = createNativeBackend({ threads: 1 });
  const freed: unknown[] = [];
  const pk = be.packedB!;
  const spy: Backend = { ...be, packedB: { ...pk, free: (p) => { freed.push(p); pk.free(p); } } };
  const cfg: MlpConfig = { sizes: [4, 64, 2], activation: 'tanh', bias: 'full' };
  const params = new ParamSet(mlpSpecs(cfg), spy);
  initMlp(params, 1);
  const es = new EvolutionStrategy(params, spy, { algo: 'eggroll', popSize: 4, rank: 1, sigma: 0.1, lr: 0.1, optimizer: { kind: 'sgd' }, shaping: { kind: 'raw' }, seed: 1 });
  const mlp = new Mlp(cfg, spy, 4);
  const pop = es.ask();
  mlp.forward(pop.all(), rand(16, 3, (n) => spy.allocF32(n)));
  assert.equal(freed.length, 0);
  es.tell(new Float64Array([1, 2, 3, 4]));
  assert.equal(freed.length, 2, 'both layers\' packs were freed at tell()');
  assert.throws(() => mlp.forward(pop.all(), new Float32Array(16)), /released/);
});
