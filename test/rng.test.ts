import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { philox4x32, mulhi32 } from '../src/rng/philox.js';
import { fillNormals } from '../src/rng/normal.js';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

test('Philox4x32-10 matches the Random123 known-answer vectors', () => {
  const out = new Uint32Array(4);
  philox4x32(0, 0, 0, 0, 0, 0, out);
  assert.equal(hex(out), '6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
  assert.equal(hex(out), '408f276d 41c83b0e a20bc7c6 6d5451fd');
  philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
  assert.equal(hex(out), 'd16cfe09 94fdcceb 5001e420 24126ea1');
});

test('mulhi32 equals the BigInt product', () => {
  const cases = [[0xffffffff, 0xffffffff], [0xd2511f53, 0x12345678], [1, 1], [0x80000000, 2], [0xcd9e8d57, 0xfedcba98]];
  for (const [a, b] of cases) {
    const want = Number((BigInt(a) * BigInt(b)) >> 32n);
    assert.equal(mulhi32(a, b), want);
  }
});

test('normals: moments within statistical bounds and slice-independent', () => {
  const n = 200_000;
  const z = new Float64Array(n);
  const addr = { key0: 7, key1: 11, c1: 3, c2: 0, c3: 0 };
  fillNormals(addr, 0, z, 0, n);
  let s = 0, s2 = 0, s4 = 0;
  for (const v of z) { s += v; s2 += v * v; s4 += v ** 4; }
  const mean = s / n, v2 = s2 / n, k4 = s4 / n;
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(v2 - 1) < 5 * Math.sqrt(2 / n), `var ${v2}`);
  assert.ok(Math.abs(k4 - 3) < 0.1, `4th moment ${k4}`);
  const part = new Float64Array(10);
  fillNormals(addr, 1000, part, 0, 10);
  assert.deepEqual(Array.from(part), Array.from(z.subarray(1000, 1010)));
});

test('same key gives the same stream in another process', () => {
  const addr = { key0: 123, key1: 456, c1: 1, c2: 2, c3: 3 };
  const here = new Float32Array(8);
  fillNormals(addr, 0, here, 0, 8);
  const code = `import('${new URL('../src/rng/normal.ts', import.meta.url).href}').then(m => { const o = new Float32Array(8); m.fillNormals(${JSON.stringify(addr)}, 0, o, 0, 8); console.log(JSON.stringify(Array.from(o))); })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), Array.from(here));
});

test('the wasm and native noise kernels give the same bits as the TypeScript reference', async () => {
  const { fillNormalsRef, fillNormals } = await import('../src/rng/normal.js');
  const { wasmNoiseAvailable, wasmNormals } = await import('../src/backend/kernels/normals-wasm.js');
  const { nativeNoiseAvailable, nativeNormals } = await import('../src/backend/kernels/normals-native.js');
  // The build step produces build/noise.wasm, npm ci the addon; a kernel that is missing is reported, not failed.
  if (!wasmNoiseAvailable()) console.log('# build/noise.wasm not built: its kernel is not checked');
  if (!nativeNoiseAvailable()) console.log('# native noise kernel unavailable (no addon or no AVX-512): not checked');
  const kernels = [
    ['fillNormals', (addr: Parameters<typeof fillNormalsRef>[0], start: number, out: Float32Array, count: number) => { fillNormals(addr, start, out, 1, count); return true; }],
    ['wasm', (addr: Parameters<typeof fillNormalsRef>[0], start: number, out: Float32Array, count: number) => wasmNormals(addr, start / 4, out, 1, count)],
    ['native', (addr: Parameters<typeof fillNormalsRef>[0], start: number, out: Float32Array, count: number) => nativeNormals(addr, start / 4, out, 1, count)],
  ] as const;
  for (const [start, count] of [[0, 1], [0, 7], [4, 4], [400, 1001], [0, 200003], [4 * 0xfffffff0, 333]] as const) {
    for (const c3 of [0, 0xffffffff]) {
      const addr = { key0: 0x9e3779b9, key1: start >>> 0, c1: count, c2: 5, c3 };
      const a = new Float32Array(count + 3);
      fillNormalsRef(addr, start, a, 1, count);
      for (const [name, k] of kernels) {
        const b = new Float32Array(count + 3);
        if (!k(addr, start, b, count)) continue;
        assert.deepEqual(Buffer.from(b.buffer), Buffer.from(a.buffer), `${name}: start ${start} count ${count} c3 ${c3}`);
      }
    }
  }
});

test('the native Box–Muller gives the reference bits on edge words (0, 2^32 − 1, quadrant boundaries, √2 in the log)', async (t) => {
  const { logWordPlusOne, cosSinTurn } = await import('../src/rng/normal.js');
  let addon: { boxMuller?: (w: Uint32Array, o: Float64Array) => void; gemmKernel(): string } | undefined;
  try {
    addon = (await import('../src/backend/native.js')).loadNativeAddon() as unknown as typeof addon;
  } catch {
    addon = undefined;
  }
  if (!addon?.boxMuller || addon.gemmKernel() !== 'avx512') {
    t.skip('native addon without AVX-512 here');
    return;
  }
  const edges = [0, 1, 2, 0x1fffffff, 0x20000000, 0x20000001, 0x3fffffff, 0x40000000, 0x40000001, 0x7fffffff, 0x80000000,
    0xbfffffff, 0xc0000000, 0xdfffffff, 0xe0000000, 0xfffffffe, 0xffffffff, 0xb504f333, 0xb504f334, 0x6a09e667, 0x6a09e668];
  const words = new Uint32Array(edges.length * edges.length * 2);
  let k = 0;
  for (const r of edges) for (const a of edges) { words[k++] = r; words[k++] = a; }
  const got = new Float64Array(words.length);
  addon.boxMuller(words, got);
  const cs = new Float64Array(2);
  for (let i = 0; i < words.length; i += 2) {
    const rad = Math.sqrt(-2 * (logWordPlusOne(words[i]) - 32 * 0.6931471805599453));
    cosSinTurn(words[i + 1], cs);
    assert.ok(Object.is(got[i], rad * cs[0]) && Object.is(got[i + 1], rad * cs[1]),
      `words ${words[i].toString(16)}, ${words[i + 1].toString(16)}: native ${got[i]}, ${got[i + 1]} vs reference ${rad * cs[0]}, ${rad * cs[1]}`);
  }
});

test('the arithmetic-only log, cos and sin are accurate to ~1e-14', async () => {
  const { logWordPlusOne, cosSinTurn } = await import('../src/rng/normal.js');
  for (const w of [0, 1, 2, 3, 1000, 123456789, 0x7fffffff, 0x80000000, 0xb504f333, 0xfffffffe, 0xffffffff]) {
    assert.ok(Math.abs(logWordPlusOne(w) - Math.log(w + 1)) <= 1e-14 * Math.max(1, Math.log(w + 1)), `log(${w} + 1)`);
  }
  const cs = new Float64Array(2);
  for (let i = 0; i < 20000; i++) {
    const w = Math.imul(i, 0x9e3779b1) >>> 0;
    cosSinTurn(w, cs);
    const th = (2 * Math.PI * w) / 2 ** 32;
    assert.ok(Math.abs(cs[0] - Math.cos(th)) < 1e-14 && Math.abs(cs[1] - Math.sin(th)) < 1e-14, `angle ${w}`);
  }
});
