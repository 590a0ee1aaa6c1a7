// For the type check of pkg-template/workerd.js only (tsconfig.checkjs.json; not shipped, not a
// custom section): Workers import a `.wasm` file as a compiled WebAssembly.Module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
