// The browser build imports build/*.wasm through esbuild's binary loader (src/backend/platform.browser.ts).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
