/**
 * The same arguments give the same bits in Node and in Chromium: the browser bundle's math (dist/browser's
 * `math`, the same source) runs in Debian's Chromium — a different V8 from Node's, whose Math.sin/exp/…
 * differ in their last bits — on every argument list of test/math/arguments.ts, and each result must equal
 * Node's bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/math/index.js';
import { UNARY, argumentsFor, pairsFor } from '../math/arguments.js';
import { noChromium, withBundlePage } from '../helpers/bundle-page.js';

const N = 100_000;

const b64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string) => new Float64Array(new Uint8Array(Buffer.from(s, 'base64')).buffer);

test('math: identical bits in Node and Chromium for every function over the test arguments', { skip: noChromium, timeout: 240_000 }, async (t) => {
  await withBundlePage([], async (page) => {
    const engineVersions = { node: process.versions.v8, chromium: await page.evaluate('navigator.userAgent') as string };
    const cases: { name: string; args: Float64Array; arity: 1 | 2 }[] = [
      ...UNARY.map((name) => ({ name, args: argumentsFor(name, N), arity: 1 as const })),
      { name: 'pow', args: pairsFor('pow', N), arity: 2 }, { name: 'atan2', args: pairsFor('atan2', N), arity: 2 },
      ...(['sinf', 'cosf', 'expf', 'logf', 'tanhf'] as const).map((name) => ({ name, args: argumentsFor(name.slice(0, -1) as 'sin', 20_000).map(Math.fround), arity: 1 as const })),
    ];
    for (const c of cases) {
      const f = (M as unknown as Record<string, (a: number, b?: number) => number>)[c.name];
      const node = new Float64Array(c.args.length / c.arity);
      for (let i = 0; i < node.length; i++) node[i] = c.arity === 1 ? f(c.args[i]) : f(c.args[2 * i], c.args[2 * i + 1]);
      const got = fromB64(await page.evaluate(async ([name, arity, data]) => {
        const url: string = '/eggroll.js';
        const lib = await import(url);
        const raw = atob(data as string), bytes = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        const a = new Float64Array(bytes.buffer), fn = lib.math[name as string];
        const out = new Float64Array(a.length / (arity as number));
        for (let i = 0; i < out.length; i++) out[i] = arity === 1 ? fn(a[i]) : fn(a[2 * i], a[2 * i + 1]);
        const ob = new Uint8Array(out.buffer);
        let s = '';
        for (let i = 0; i < ob.length; i += 0x8000) s += String.fromCharCode(...ob.subarray(i, i + 0x8000));
        return btoa(s);
      }, [c.name, c.arity, b64(c.args)] as const));
      const nb = new Uint8Array(node.buffer), gb = new Uint8Array(got.buffer);
      const mismatches: string[] = [];
      for (let i = 0; i < node.length && mismatches.length < 5; i++) {
        for (let k = 0; k < 8; k++) if (nb[8 * i + k] !== gb[8 * i + k]) { mismatches.push(`${c.name}(${c.arity === 1 ? c.args[i] : `${c.args[2 * i]}, ${c.args[2 * i + 1]}`}): Node ${node[i]}, Chromium ${got[i]}`); break; }
      }
      assert.deepEqual(mismatches, [], `${c.name} (${JSON.stringify(engineVersions)})`);
    }
    t.diagnostic(`engines: ${JSON.stringify(engineVersions)}`);
  });
});
