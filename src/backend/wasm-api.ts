/**
 * The few WebAssembly JS-API types the backend uses. The project compiles with lib ES2022 and no DOM
 * lib, and @types/node 20 does not declare the `WebAssembly` global, so we describe just what we need
 * here rather than widening the whole project's lib (which could clash with other declarations).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}
/** A compiled module: opaque, but structured-cloneable to worker threads. */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
