/**
 * The 'egg' row kernels in WebAssembly: build/egg.wasm (source: src/egg/assembly/kernels.ts) on the memory of a
 * backend that has one (its `wasmMemory` capability: wasm, native), so the EGG kernels read and write the very
 * buffers the backend's int8 GEMM uses, with no copies. One instance per backend (and so per thread); the lookup
 * tables the caller hands over are copied into that memory once. Null when the backend has no wasm memory (js) or
 * the module was not built. Registered in kernels/index.ts; the reference is egg/kernels.ts's tsEggKernels.
 */
import type { Backend } from '../types.js';
import { Wasm } from '../wasm-api.js';
import { loadBuiltModule } from '../wasm-module.js';
import type { EggKernels, EggTables } from './egg.js';

interface EggExports {
  heapBase(): number;
  matmulEpilogue(rows: number, m: number, n: number, x: number, acc: number, noise: number, sign: number, noiseAt: number,
    nOff: number, k: number, shift: number, out: number): void;
  layerNorm(rows: number, D: number, logD: number, x: number, w: number, out: number, recip: number): void;
  add3(len: number, a: number, b: number, c: number, out: number): void;
  addInto(len: number, y: number, a: number): void;
  gruReset(len: number, f: number, s: number, out: number): void;
  gruUpdate(len: number, f: number, hh: number, s: number, y: number): void;
  embed(rows: number, D: number, tokens: number, emb: number, noise: number, sign: number, noiseAt: number, nOff: number, k: number, y: number): void;
  logProbs(rows: number, logits: number, targets: number, exp2: number, mant: number, out: number): void;
}

const EGG_WASM_URL = new URL('../../../build/egg.wasm', import.meta.url);

const cache = new WeakMap<Backend, EggKernels>();

export function wasmEggKernels(backend: Backend, tables: EggTables): EggKernels | null {
  const hit = cache.get(backend);
  if (hit) return hit;
  const mem = backend.wasmMemory;
  if (!mem) return null;
  const mod = loadBuiltModule(EGG_WASM_URL);
  if (!mod) return null;
  const k = new Wasm.Instance(mod, { env: { memory: mem.memory } }).exports as unknown as EggExports;
  // The module has no static data, but it must not claim any of the heap either.
  if (k.heapBase() > mem.staticBytes) throw new Error(`egg.wasm needs ${k.heapBase()} static bytes, the backend keeps ${mem.staticBytes}`);
  const recip = backend.allocI32(tables.recip.length); recip.set(tables.recip);
  const exp2 = backend.allocI32(tables.exp2.length); exp2.set(tables.exp2);
  const MANT = tables.mant();
  const mant = backend.allocI32(MANT.length); mant.set(MANT);

  const at = (view: ArrayBufferView, what: string): number => {
    if (!mem.owns(view)) throw new Error(`egg kernels: ${what} must be allocated by the backend (allocI8/allocI32)`);
    return view.byteOffset;
  };
  const kernels: EggKernels = {
    name: 'wasm',
    matmulEpilogue(rows, m, n, x, acc, noise, sign, noiseAt, nOff, sh, shift, out) {
      k.matmulEpilogue(rows, m, n, at(x, 'x'), at(acc, 'acc'), at(noise, 'noise'), at(sign, 'sign'), at(noiseAt, 'noiseAt'), nOff, sh, shift, at(out, 'out'));
    },
    layerNorm(rows, D, logD, x, w, out) {
      k.layerNorm(rows, D, logD, at(x, 'x'), at(w, 'w'), at(out, 'out'), recip.byteOffset);
    },
    add3(len, a, b, c, out) { k.add3(len, at(a, 'a'), at(b, 'b'), at(c, 'c'), at(out, 'out')); },
    addInto(len, y, a) { k.addInto(len, at(y, 'y'), at(a, 'a')); },
    gruReset(len, f, s, out) { k.gruReset(len, at(f, 'f'), at(s, 's'), at(out, 'out')); },
    gruUpdate(len, f, hh, s, y) { k.gruUpdate(len, at(f, 'f'), at(hh, 'hh'), at(s, 's'), at(y, 'y')); },
    embed(rows, D, tokens, emb, noise, sign, noiseAt, nOff, sh, y) {
      k.embed(rows, D, at(tokens, 'tokens'), at(emb, 'emb'), at(noise, 'noise'), at(sign, 'sign'), at(noiseAt, 'noiseAt'), nOff, sh, at(y, 'y'));
    },
    logProbs(rows, logits, targets, out) {
      k.logProbs(rows, at(logits, 'logits'), at(targets, 'targets'), exp2.byteOffset, mant.byteOffset, at(out, 'out'));
    },
  };
  cache.set(backend, kernels);
  return kernels;
}
