/**
 * Conformance: every backend available on this machine against the js reference.
 *
 * f32 kernels must agree within a rounding-error bound derived from the same computation on absolute
 * values (|error| ≤ c·(k+4)·2⁻²⁴·(|α|·|A||B| + |β||C|)), int8 must be exact, and every backend must
 * honour the contract in src/backend/types.ts: a row's result does not depend on how many rows are in
 * the call (checked bit for bit by splitting calls), and the wasm backend gives bit-identical results
 * for any thread count. Backends that cannot load here (native without its addon) are skipped visibly.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend, loadBackend, type Backend } from '../../src/backend/index.js';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { createNativeBackend } from '../../src/backend/native.js';
import { assertBitEqual, conformanceCases, randF32, randI8, rng } from '../helpers/conformance-cases.js';

// ---------------------------------------------------------------------------------------------------
// The backends under test.

interface Candidate {
  name: string;
  make: () => Backend;
  /** A slow backend (WebGPU on a software adapter): the largest split shapes are left out. */
  small?: boolean;
}
// WebGPU: the GPU, or SwiftShader's software Vulkan driver from Debian's chromium (.ci/run installs it and libvulkan1).
let webgpu: Backend | undefined;
let webgpuSkip: string | false = false;
try {
  webgpu = await loadBackend('webgpu');
} catch (e) {
  webgpuSkip = `webgpu backend not available here: ${(e as Error).message}`;
}
let nativeSkip: string | false = false;
try {
  createNativeBackend({ threads: 1 });
} catch (e) {
  nativeSkip = `native backend not available here: ${(e as Error).message}`;
}
const candidates: (Candidate & { skip: string | false })[] = [
  { name: 'wasm (1 thread)', make: () => createWasmBackend({ threads: 1 }), skip: false },
  // minParallelWork 0 forces every call to be split over both threads, so splitting is exercised.
  { name: 'wasm (2 threads, always split)', make: () => createWasmBackend({ threads: 2, minParallelWork: 0 }), skip: false },
  { name: 'native (1 thread)', make: () => createNativeBackend({ threads: 1 }), skip: nativeSkip },
  { name: 'native (2 threads)', make: () => createNativeBackend({ threads: 2 }), skip: nativeSkip },
  { name: 'webgpu', make: () => webgpu!, skip: webgpuSkip, small: true },
];

// The suite itself is shared with the page test of WebGPU in Chromium (test/helpers/conformance-cases.ts).
for (const cand of candidates) {
  describe(`backend ${cand.name}`, { skip: cand.skip }, () => {
    const be = cand.skip ? jsBackend : cand.make();
    for (const c of conformanceCases(be, jsBackend, cand.small)) test(c.name, () => c.run());
  });
}

// ---------------------------------------------------------------------------------------------------
// Thread-count invariance and the wasm memory itself.

describe('wasm backend threads and memory', () => {
  test('1 thread and 2 threads give bit-identical results', () => {
    const one = createWasmBackend({ threads: 1 });
    const two = createWasmBackend({ threads: 2, minParallelWork: 0 });
    const r = rng(7);
    for (const [m, n, k] of [[203, 77, 150], [64, 257, 33]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randF32(m * k, r), b = randF32(k * n, r);
          const c1 = randF32(m * n, r), c2 = c1.slice();
          one.sgemm(ta, tb, m, n, k, 1.5, a, b, 0.25, c1);
          two.sgemm(ta, tb, m, n, k, 1.5, a, b, 0.25, c2);
          assertBitEqual(c2, c1, `sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k}`);
        }
      }
      const ia = randI8(m * k, r), ib = randI8(n * k, r);
      const i1 = new Int32Array(m * n), i2 = new Int32Array(m * n);
      one.igemm(m, n, k, ia, ib, i1);
      two.igemm(m, n, k, ia, ib, i2);
      assertBitEqual(i2, i1, `igemm ${m}×${n}×${k}`);
      const rank = 3, pairs = (m + 1) >> 1;
      const x = randF32(m * k, r), bt = randF32(pairs * rank * k, r), at = randF32(pairs * rank * n, r);
      const pair = new Int32Array(m).map((_, i) => i >> 1);
      const coef = new Float32Array(m).map((_, i) => (i % 2 ? -0.3 : 0.3));
      const y1 = randF32(m * n, r), y2 = y1.slice();
      one.lowRankAdd(m, k, n, rank, x, bt, at, pair, coef, y1);
      two.lowRankAdd(m, k, n, rank, x, bt, at, pair, coef, y2);
      assertBitEqual(y2, y1, `lowRankAdd ${m}×${k}→${n}`);
    }
  });

  test('native: threads 1 and threads 2 give bit-identical results', { skip: nativeSkip }, () => {
    const one = createNativeBackend({ threads: 1 });
    const two = createNativeBackend({ threads: 2 });
    const r = rng(8);
    // Tiny and large layers, several transposes, row counts that are not multiples of the 12-row tile.
    for (const [m, n, k] of [[300, 24, 50], [517, 400, 400], [1000, 80, 64]] as const) {
      for (const [ta, tb] of [[false, true], [true, false], [false, false]] as const) {
        const a = one.allocF32(m * k), b = one.allocF32(k * n);
        a.set(randF32(m * k, r));
        b.set(randF32(k * n, r));
        const c1 = one.allocF32(m * n), c2 = one.allocF32(m * n);
        one.sgemm(ta, tb, m, n, k, 1, a, b, 0, c1);
        two.sgemm(ta, tb, m, n, k, 1, a, b, 0, c2);
        assertBitEqual(c2, c1, `native sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${k}`);
      }
    }
    // int8, large enough to be split over the threads, checked against the reference too.
    const [m, n, k] = [301, 200, 101];
    const a = randI8(m * k, r), b = randI8(n * k, r);
    const want = new Int32Array(m * n), i1 = new Int32Array(m * n), i2 = new Int32Array(m * n);
    jsBackend.igemm(m, n, k, a, b, want);
    one.igemm(m, n, k, a, b, i1);
    two.igemm(m, n, k, a, b, i2);
    assertBitEqual(i1, want, 'native igemm 1 thread');
    assertBitEqual(i2, want, 'native igemm 2 threads');
  });

  test('views survive memory growth; freed blocks are reused; foreign arrays are left as they were', () => {
    const be = createWasmBackend({ threads: 1 });
    const first = be.allocF32(1000).fill(3.5);
    const before = be.reservedBytes;
    const big = be.allocF32(8 << 20); // 32 MiB: forces the memory to grow
    assert.ok(be.reservedBytes > before + 32e6);
    big[big.length - 1] = 7;
    assert.ok(first.every((v) => v === 3.5), 'an old view changed or was detached by growth');
    first[999] = 1;
    assert.equal(first[999], 1);
    const top = be.reservedBytes;
    be.free(big);
    const again = be.allocF32(8 << 20);
    assert.equal(be.reservedBytes, top, 'a freed block of the same size class was not reused');
    assert.equal(again.byteOffset, big.byteOffset);
    // Kernels on buffers allocated before the growth still work.
    const a = be.allocF32(4).fill(1), b = be.allocF32(4).fill(2), c = be.allocF32(1);
    be.sgemm(false, true, 1, 1, 4, 1, a, b, 0, c);
    assert.equal(c[0], 8);
    assert.throws(() => be.sgemm(false, false, 2, 2, 2, 1, new Float32Array(3), new Float32Array(4), 0, new Float32Array(4)), /A has 3 elements/);
  });

  test('arrays stay recognised as wasm memory (zero copy) when another wasm memory grows', () => {
    // V8 may hand out a new buffer object for a shared memory when some other shared memory grows; the
    // allocator must still recognise views made on it, or every call would silently copy them.
    const one = createWasmBackend({ threads: 1 });
    const two = createWasmBackend({ threads: 1 });
    const before = one.allocF32(16);
    two.allocF32(4 << 20); // grows the other memory
    const after = one.allocF32(16);
    const grown = one.allocF32(4 << 20); // grows this one
    for (const v of [before, after, grown]) one.free(v); // free() throws for an array it does not recognise
    assert.throws(() => one.free(new Float32Array(new SharedArrayBuffer(64))), /not allocated here/);
  });

  test('a program that used worker threads exits by itself', () => {
    const backend = fileURLToPath(new URL('../../src/backend/wasm.ts', import.meta.url));
    const script = `
      import { createWasmBackend } from ${JSON.stringify(backend)};
      const be = createWasmBackend({ threads: 2, minParallelWork: 0 });
      const n = 64, a = be.allocF32(n * n).fill(1), c = be.allocF32(n * n);
      be.sgemm(false, false, n, n, n, 1, a, a, 0, c);
      console.log(c[0]);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.error, undefined, `child did not exit: ${r.error?.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '64');
  });
});
