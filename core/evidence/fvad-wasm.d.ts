/** The Emscripten factory @echogarden/fvad-wasm exports (it ships no typings): libfvad's C API on a WebAssembly heap. */
declare module '@echogarden/fvad-wasm' {
  const createFvad: () => Promise<unknown>;
  export default createFvad;
}
