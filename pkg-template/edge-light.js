// Entry for the `edge-light` condition: Next.js's edge runtime (`export const runtime = 'edge'`)
// and Vercel Edge Functions. They forbid compiling WebAssembly from bytes and hand a
// WebAssembly.Module for `import x from './x.wasm?module'`; that module comes from another realm
// (Next's sandbox), so it is instantiated through the glue's asynchronous path, which takes any
// module `WebAssembly.instantiate` accepts. `init(source)` takes another source all the same.
// A failed start-up is a CertCentralError of kind `init` and is not kept.
import wasmModule from './certcentral_wasm_bg.wasm?module';
import initWasm, * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';
import { asyncStart } from './start.js';

const { ready, readySync } = asyncStart(glue, initWasm, () => wasmModule);

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
