/**
 * The layer epilogue (Backend.biasAct): the project's float32 tanh against Math.tanh over the whole float32
 * range, and every backend against the TypeScript reference bit for bit — on random and special inputs
 * (±0, subnormals, ±Inf, NaN, the ±1 cut-off), with and without dense bias noise, for every activation,
 * any row count (the row contract) and any thread count.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend, type Backend } from '../../src/backend/index.js';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { createNativeBackend } from '../../src/backend/native.js';
import { ACTIVATIONS, biasActRef, tanhF32 } from '../../src/backend/epilogue.js';

const fb = new Float32Array(1);
const ib = new Int32Array(fb.buffer);
function bitsOf(x: number): number {
  fb[0] = x;
  return ib[0];
}
function f32OfBits(b: number): number {
  ib[0] = b;
  return fb[0];
}
/** Distance in float32 steps (signed-magnitude bit patterns mapped onto a line). */
function ulps(a: number, b: number): number {
  const ord = (x: number) => {
    const i = bitsOf(x);
    return i < 0 ? -(i & 0x7fffffff) : i;
  };
  return Math.abs(ord(a) - ord(b));
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SPECIALS = [0, -0, 1e-45, -1e-45, 1.1754942e-38, -5.9e-39, 1.1754944e-38, 1e-30, -1e-8, 3e-4, 0.17, -0.3466, 0.3467, 0.5,
  -1, 2, -5, 9.0109, 9.02, -9.0999, 9.1, 9.1000004, -9.2, 20, 88.7, -1e10, 3.4028235e38, -3.4028235e38, Infinity, -Infinity, NaN];

describe('tanhF32', () => {
  test('at most 2 ulps from Math.tanh (rounded to float32) over the whole float32 range, both signs', () => {
    let worst = 0;
    let at = 0;
    // Every 61st bit pattern of [0, +Inf) (≈ 35 M values would take too long; this is 35 M / 61 ≈ 35 k per
    // binade on average, every binade covered), each also negated.
    for (let b = 0; b < 0x7f800000; b += 61) {
      const x = f32OfBits(b);
      for (const v of [x, -x]) {
        const e = ulps(tanhF32(v), Math.fround(Math.tanh(v)));
        if (e > worst) { worst = e; at = v; }
      }
    }
    assert.ok(worst <= 2, `worst error ${worst} ulps at ${at}`);
  });

  test('special values: ±0 keep their sign, subnormals stay exact, ±Inf → ±1, NaN → NaN, large → ±1', () => {
    assert.ok(Object.is(tanhF32(0), 0));
    assert.ok(Object.is(tanhF32(-0), -0));
    assert.equal(tanhF32(Infinity), 1);
    assert.equal(tanhF32(-Infinity), -1);
    assert.ok(Number.isNaN(tanhF32(NaN)));
    for (const x of [1e-45, -1e-45, 1.1754942e-38, -5.9e-39]) {
      const v = Math.fround(x);
      assert.equal(tanhF32(v), v, `tanh of subnormal ${v}`);
    }
    for (const x of [9.02, 9.1, 20, 3.4028235e38]) {
      assert.equal(tanhF32(Math.fround(x)), 1);
      assert.equal(tanhF32(Math.fround(-x)), -1);
    }
    for (const x of SPECIALS) {
      const v = tanhF32(Math.fround(x));
      assert.equal(v, Math.fround(v), 'result is a float32');
      if (!Number.isNaN(x)) assert.ok(ulps(v, Math.fround(Math.tanh(Math.fround(x)))) <= 2, `tanh(${x})`);
    }
  });

  test('is odd, and monotone up to 4 ulps (two approximations each within 2 ulps can step back by that much), on a fine grid', () => {
    let prev = -1;
    for (let x = -10; x <= 10; x += 1 / 1024) {
      const v = Math.fround(x);
      const t = tanhF32(v);
      assert.ok(Object.is(tanhF32(-v), -t) || (v === 0), `odd at ${v}`);
      assert.ok(t >= prev || ulps(t, prev) <= 4, `monotone at ${v}`);
      prev = Math.max(prev, t);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

let nativeSkip: string | false = false;
try {
  createNativeBackend({ threads: 1 });
} catch (e) {
  nativeSkip = `native backend not available here: ${(e as Error).message}`;
}
const candidates: { name: string; make: () => Backend; skip: string | false }[] = [
  { name: 'js', make: () => jsBackend, skip: false },
  { name: 'wasm (1 thread)', make: () => createWasmBackend({ threads: 1 }), skip: false },
  { name: 'wasm (2 threads, always split)', make: () => createWasmBackend({ threads: 2, minParallelWork: 0 }), skip: false },
  { name: 'native (1 thread)', make: () => createNativeBackend({ threads: 1 }), skip: nativeSkip },
  { name: 'native (2 threads)', make: () => createNativeBackend({ threads: 2 }), skip: nativeSkip },
];

function assertBitEqual(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

/** Random values of every magnitude, with the specials sprinkled in. */
function inputs(n: number, r: () => number, specials: boolean): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (specials && u < 0.15) a[i] = SPECIALS[Math.floor(r() * SPECIALS.length)];
    else if (u < 0.3) a[i] = f32OfBits(Math.floor(r() * 0xff800000) | 0); // any bit pattern, both signs
    else a[i] = (r() * 2 - 1) * 6;
  }
  return a;
}

const SHAPES: [number, number][] = [[1, 1], [1, 3], [3, 4], [5, 7], [9, 16], [17, 33], [64, 64], [40, 130]];

for (const cand of candidates) {
  describe(`biasAct on ${cand.name}`, { skip: cand.skip }, () => {
    const be = cand.skip ? jsBackend : cand.make();
    for (const act of ACTIVATIONS) {
      test(`${act}: bit-identical to the reference, with and without bias noise, split or whole`, () => {
        const r = rng(7 + act.length);
        for (const [rows, m] of SHAPES) {
          for (const specials of [false, true]) {
            for (const withNoise of [false, true]) {
              const y0 = inputs(rows * m, r, specials && act !== 'pqn');
              const bias = inputs(m, r, false);
              const pairs = 3;
              const noise = inputs(pairs * m, r, false);
              const pair = new Int32Array(rows).map(() => Math.floor(r() * pairs));
              const coef = new Float32Array(rows).map(() => (r() < 0.3 ? 0 : (r() < 0.5 ? -1 : 1) * 0.03125));
              const want = y0.slice();
              biasActRef(act, rows, m, want, bias, withNoise ? pair : null, withNoise ? noise : null, withNoise ? coef : null);
              for (const owned of [true, false]) {
                const y = owned ? be.allocF32(rows * m) : new Float32Array(rows * m);
                y.set(y0);
                const b = owned ? be.allocF32(m) : new Float32Array(m);
                b.set(bias);
                be.biasAct(act, rows, m, y, b, withNoise ? pair : null, withNoise ? noise : null, withNoise ? coef : null);
                assertBitEqual(y, want, `${act} ${rows}×${m} noise=${withNoise} owned=${owned}`);
                if (owned) { be.free?.(y); be.free?.(b); }
              }
              // Row contract: each row alone gives the same bits.
              for (let i = 0; i < rows; i += Math.max(1, rows >> 2)) {
                const yi = y0.slice(i * m, (i + 1) * m);
                be.biasAct(act, 1, m, yi, bias, withNoise ? pair.subarray(i, i + 1) : null, withNoise ? noise : null, withNoise ? coef.subarray(i, i + 1) : null);
                assertBitEqual(yi, want.subarray(i * m, (i + 1) * m), `${act} row ${i} alone`);
              }
            }
          }
        }
      });
    }

    test('a large block (threads split it) equals the reference', () => {
      const r = rng(99);
      const rows = 512, m = 256;
      const y0 = inputs(rows * m, r, false);
      const bias = inputs(m, r, false);
      const want = y0.slice();
      biasActRef('tanh', rows, m, want, bias, null, null, null);
      const y = be.allocF32(rows * m);
      y.set(y0);
      be.biasAct('tanh', rows, m, y, bias, null, null, null);
      assertBitEqual(y, want, 'tanh 512×256');
    });
  });
}
