/**
 * The project's math (src/math) against a multi-precision reference: every function, on 10^5 arguments
 * each (edge cases first, see arguments.ts), must give exactly the correctly rounded double that the BigInt
 * evaluation in exact.ts gives by Ziv's loop; the float32 forms the correctly rounded float32. The BigInt
 * reference itself is checked against published digits (π, e, ln 2, ln 10) and identities at 300 bits, and
 * ECMAScript's special values are compared with the engine's, which the specification fixes exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/math/index.js';
import * as X from '../../src/math/exact.js';
import { LIBM_CONSTANTS } from '../../src/math/libm.js';
import { getConstants } from '../../src/math/tables.js';
import { UNARY, argumentsFor, pairsFor, type Unary } from './arguments.js';

const N = 100_000;
const d = X.dyadicOf;

/** The correctly rounded value of each function, from exact.ts alone. */
const REFERENCE: Record<Unary, (x: number) => number> = {
  sin: (x) => special(x, Math.sin) ?? X.ziv((p) => X.trigDyadic(d(x), p, 0)),
  cos: (x) => special(x, Math.cos) ?? X.ziv((p) => X.trigDyadic(d(x), p, 1)),
  tan: (x) => special(x, Math.tan) ?? X.ziv((p) => X.trigDyadic(d(x), p, 2)),
  atan: (x) => (x !== x ? NaN : x === 0 ? x : Math.abs(x) === Infinity ? Math.sign(x) * X.ziv((p) => X.atan2Dyadic(d(1), d(0), p)) : X.ziv((p) => X.atan2Dyadic(d(x), d(1), p))),
  exp: (x) => (x !== x ? NaN : x === Infinity ? Infinity : x === -Infinity ? 0 : x > 710 ? Infinity : x < -746 ? 0 : X.ziv((p) => X.expDyadic(d(x), p))),
  expm1: (x) => (x !== x ? NaN : x === Infinity ? Infinity : x === -Infinity ? -1 : x === 0 ? x : x > 710 ? Infinity : x < -60 ? -1 : X.ziv((p) => X.expm1Dyadic(d(x), p))),
  log: (x) => logSpecial(x) ?? X.ziv((p) => X.logDyadic(d(x), p)),
  log1p: (x) => (x !== x || x < -1 ? NaN : x === -1 ? -Infinity : x === Infinity ? Infinity : x === 0 ? x : X.ziv((p) => X.logDyadic(X.onePlus(d(x)), p))),
  log2: (x) => logSpecial(x) ?? X.ziv((p) => X.logBaseDyadic(d(x), p, X.LN2)),
  log10: (x) => logSpecial(x) ?? X.ziv((p) => X.logBaseDyadic(d(x), p, X.LN10)),
  tanh: (x) => (x !== x || x === 0 ? x : Math.abs(x) > 40 ? Math.sign(x) : X.ziv((p) => X.hyperbolicDyadic(d(x), p, 2))),
  sinh: (x) => (x !== x || x === 0 ? x : Math.abs(x) > 711 ? x * Infinity : X.ziv((p) => X.hyperbolicDyadic(d(x), p, 0))),
  cosh: (x) => (x !== x ? NaN : x === 0 ? 1 : Math.abs(x) > 711 ? Infinity : X.ziv((p) => X.hyperbolicDyadic(d(x), p, 1))),
};
function special(x: number, f: (x: number) => number): number | undefined {
  return x !== x || x === Infinity || x === -Infinity || x === 0 ? f(x) : undefined; // NaN, NaN, NaN, ±0 / 1: fixed by the spec
}
function logSpecial(x: number): number | undefined {
  return x !== x || x < 0 ? NaN : x === 0 ? -Infinity : x === Infinity ? Infinity : x === 1 ? 0 : undefined;
}

const hex = (v: number) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); return b.getBigUint64(0).toString(16); };

for (const fn of UNARY) {
  test(`${fn}: correctly rounded on ${N} arguments (edge cases included)`, (t) => {
    const xs = argumentsFor(fn, N);
    const f = M[fn] as (x: number) => number, ref = REFERENCE[fn];
    const wrong: string[] = [];
    let engineDiffers = 0;
    for (const x of xs) {
      const got = f(x), want = ref(x);
      if (!Object.is(got, want)) wrong.push(`${fn}(${x}) = ${got} (0x${hex(got)}), correctly rounded ${want} (0x${hex(want)})`);
      if (!Object.is((Math as unknown as Record<string, (x: number) => number>)[fn](x), want)) engineDiffers++;
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} wrong`);
    // Not an assertion: how often this engine's Math differs from the correctly rounded value.
    t.diagnostic(`${fn}: this engine's Math.${fn} differs on ${engineDiffers} of ${N}`);
  });
}

/** Every pair (a, b) of args where f(a, b) differs from want(a, b), as messages (the first 10). */
function wrongPairs(args: Float64Array, name: string, f: (a: number, b: number) => number, want: (a: number, b: number) => number): string[] {
  const wrong: string[] = [];
  for (let i = 0; i < args.length && wrong.length < 10; i += 2) {
    const a = args[i], b = args[i + 1], got = f(a, b), w = want(a, b);
    if (!Object.is(got, w)) wrong.push(`${name}(${a}, ${b}) = ${got}, expected ${w}`);
  }
  return wrong;
}

test(`pow: ECMAScript's special cases exactly, and correctly rounded on ${N} pairs`, () => {
  // Special operands and results fixed by the specification (NaN, ±0, ±Inf, exact 1): the engine's value.
  const want = (x: number, y: number): number => {
    const engine = Math.pow(x, y);
    if (x !== x || y !== y || y === 0 || !Number.isFinite(x) || !Number.isFinite(y) || x === 0 || (x < 0 && !Number.isInteger(y)) || engine === 0 || !Number.isFinite(engine) || Math.abs(x) === 1) return engine;
    const t = y * Math.log2(Math.abs(x));
    if (t > 1025) return Infinity * Math.sign(engine);
    if (t < -1076) return 0 * Math.sign(engine);
    const sign = x < 0 && Math.abs(y % 2) === 1 ? -1 : 1;
    return sign * X.ziv((p) => X.powDyadic(d(x), d(y), p));
  };
  assert.deepEqual(wrongPairs(pairsFor('pow', N), 'pow', M.pow, want), []);
});

test(`atan2: ECMAScript's special cases exactly, and correctly rounded on ${N} pairs`, () => {
  // Non-finite or zero operands: the specification's exact values (±0, ±π/4, ±π/2, ±3π/4, ±π) — equal to the engine's.
  const want = (y: number, x: number): number => Number.isFinite(x) && Number.isFinite(y) && x !== 0 && y !== 0 ? X.ziv((p) => X.atan2Dyadic(d(y), d(x), p)) : Math.atan2(y, x);
  assert.deepEqual(wrongPairs(pairsFor('atan2', N), 'atan2', M.atan2, want), []);
});

test('sinCos gives sin and cos, bit for bit, from one reduction', () => {
  const out = new Float64Array(3);
  for (const x of argumentsFor('sin', 20_000)) {
    M.sinCos(x, out, 1);
    assert.ok(Object.is(out[1], M.sin(x)) && Object.is(out[2], M.cos(x)), `sinCos(${x}) = [${out[1]}, ${out[2]}]`);
  }
});

test('float32 forms: the correctly rounded float32', () => {
  const forms: [keyof typeof M, Unary, (p: number, x: number) => X.Dyadic][] = [
    ['sinf', 'sin', (p, x) => X.trigDyadic(d(x), p, 0)], ['cosf', 'cos', (p, x) => X.trigDyadic(d(x), p, 1)],
    ['expf', 'exp', (p, x) => X.expDyadic(d(x), p)], ['logf', 'log', (p, x) => X.logDyadic(d(x), p)],
    ['tanhf', 'tanh', (p, x) => X.hyperbolicDyadic(d(x), p, 2)],
  ];
  for (const [name, base, exact] of forms) {
    const xs = argumentsFor(base, 20_000).map(Math.fround);
    for (const x of xs) {
      const got = (M[name] as (x: number) => number)(x);
      const r = REFERENCE[base](x);
      const want = !Number.isFinite(r) || r === 0 || r === 1 || r === -1 || (base === 'exp' && (x > 89 || x < -104)) ? Math.fround(r) : X.ziv((p) => exact(p, x), X.SINGLE);
      assert.ok(Object.is(got, want), `${name}(${x}) = ${got}, correctly rounded float32 ${want}`);
    }
  }
  // float32 subnormal results (a double-to-float32 rounding the fast path hands to BigInt) at the float32 width.
  for (const x of [-100, -103.5, -95.25, -88]) {
    assert.ok(Object.is(M.expf(x), X.ziv((p) => X.expDyadic(d(x), p), X.SINGLE)), `expf(${x})`);
  }
});

test('the reference: π, e, ln 2 and ln 10 to 60 digits, and identities at 300 bits', () => {
  const digits = (v: bigint, G: number) => ((v * 10n ** 60n) >> BigInt(G)).toString();
  const G = 300;
  assert.equal(digits(X.PI(G), G), '3141592653589793238462643383279502884197169399375105820974944');
  assert.equal(digits(X.LN2(G), G), '693147180559945309417232121458176568075500134360255254120680');
  assert.equal(digits(X.LN10(G), G), '2302585092994045684017991454684364207601101488628772976033327');
  const e = X.expDyadic(d(1), G);
  assert.equal(digits(X.toFixed(e, G), G), '2718281828459045235360287471352662497757247093699959574966967');
  // sin² + cos² = 1 and exp(log x) = x, to 2^-280, at arguments of every size.
  for (const x of [1e-300, 0.1, 1, 3, 1e5, 1e22, 1e300]) {
    const s = X.toFixed(X.trigDyadic(d(x), G, 0), G), c = X.toFixed(X.trigDyadic(d(x), G, 1), G);
    const one = 1n << BigInt(G);
    const err = (s * s + c * c) / one - one;
    assert.ok(err < 1n << 20n && err > -(1n << 20n), `sin²+cos² at ${x}`);
    const back = X.expDyadic({ m: X.toFixed(X.logDyadic(d(x), G), G), e: -G }, G);
    assert.equal(X.roundDyadic(back.m, back.e), x, `exp(log ${x})`);
  }
});

test('the fast paths\' literal constants are the BigInt values', () => {
  const c = getConstants();
  assert.deepEqual(LIBM_CONSTANTS, { l256: c.l256, ln2: c.ln2, pio2: c.pio2, pio2dd: c.pio2dd, pidd: c.pidd, invLn2: c.invLn2, invLn10: c.invLn10 });
});
