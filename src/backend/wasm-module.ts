/**
 * Loads the compiled wasm modules (build/*.wasm, made by `npm run build:wasm`; the backend's kernels.wasm from
 * src/backend/assembly/kernels.ts). The same URL resolves from src/backend/*.ts under tsx and from
 * dist/backend/*.js, because both sit two levels below the package root; the browser bundle inlines the
 * files (platform.browser.ts).
 */
import { readBuiltFile } from './platform.js';
import { Wasm, type WasmMemory, type WasmModule } from './wasm-api.js';

/** The exports of kernels.wasm (booleans are passed as 0/1, pointers as byte addresses). */
export interface KernelExports {
  blockRows(k: number): number;
  apackBytes(k: number, n: number): number;
  bpackBytes(k: number, n: number): number;
  packB(transB: number, k: number, n: number, b: number, out: number): void;
  sgemmPacked(transA: number, i0: number, rows: number, n: number, k: number, alpha: number,
    a: number, lda: number, bpack: number, beta: number, c: number, apack: number): void;
  sgemvN(i0: number, rows: number, n: number, alpha: number, a: number, x: number, beta: number, y: number): void;
  sgemvT(j0: number, cols: number, m: number, n: number, alpha: number, a: number, x: number, beta: number, y: number, acc: number): void;
  lowRankAdd(i0: number, rows: number, n: number, m: number, r: number, x: number, bt: number, at: number,
    pair: number, coef: number, y: number): void;
  ipackBBytes(k: number, n: number): number;
  iapackBytes(k: number): number;
  ipackB(n: number, k: number, b: number, out: number): void;
  igemmPacked(i0: number, rows: number, n: number, k: number, a: number, bpack: number, c: number, iapack: number): void;
  sgemmShared(counter: number, chunk: number, m: number, transA: number, n: number, k: number, alpha: number,
    a: number, lda: number, bpack: number, beta: number, c: number, scratch: number): void;
  igemmShared(counter: number, chunk: number, m: number, n: number, k: number, a: number, bpack: number, c: number, iapack: number): void;
  lowRankAddShared(counter: number, chunk: number, rows: number, n: number, m: number, r: number, x: number, bt: number,
    at: number, pair: number, coef: number, y: number): void;
  biasAct(i0: number, rows: number, m: number, act: number, y: number, bias: number, pair: number, noise: number, coef: number): void;
  biasActShared(counter: number, chunk: number, rows: number, m: number, act: number, y: number, bias: number, pair: number,
    noise: number, coef: number): void;
  heapBase(): number;
}

export const KERNELS_URL = new URL('../../build/kernels.wasm', import.meta.url);

const modules = new Map<string, WasmModule | null>();

/**
 * A module built by `npm run build:wasm`, compiled once per process (synchronously: these are small and
 * compile in milliseconds); null when the file is missing or does not compile.
 */
export function loadBuiltModule(url: URL): WasmModule | null {
  let m = modules.get(url.href);
  if (m !== undefined) return m;
  try {
    m = new Wasm.Module(readBuiltFile(url));
  } catch {
    m = null;
  }
  modules.set(url.href, m);
  return m;
}

/** The backend's kernels (required: the wasm backend cannot work without them). */
export function kernelModule(): WasmModule {
  const m = loadBuiltModule(KERNELS_URL);
  if (!m) throw new Error(`wasm kernels not built (${KERNELS_URL.pathname} missing); run \`npm run build:wasm\``);
  return m;
}

export function instantiate(memory: WasmMemory): KernelExports {
  return new Wasm.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;
}
