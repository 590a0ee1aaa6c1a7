// For the type check of pkg-template/workerd.js and edge-light.js only (tsconfig.checkjs.json; not shipped, not a
// custom section): Workers import a `.wasm` file as a compiled WebAssembly.Module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
// Next.js's edge runtime: `?module` asks its bundlers for the compiled module.
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
