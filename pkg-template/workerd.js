// Entry for Cloudflare Workers (`workerd`, `wrangler`): the runtime forbids compiling
// WebAssembly from bytes, so the .wasm is imported as a module (wrangler and workerd's module
// config do that for `.wasm` imports) and instantiated synchronously on first use.
// `init(source)` takes another WebAssembly.Module, bytes, a Response or a URL all the same.
import wasmModule from './certcentral_wasm_bg.wasm';
import * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';
import { instantiate, moduleFrom } from './start.js';

let done = false;

/**
 * Instantiates `module` synchronously, once.
 * @param {WebAssembly.Module} module
 */
function start(module) {
  if (done) return;
  instantiate(glue, module);
  done = true;
}
const readySync = () => start(/** @type {WebAssembly.Module} */ (wasmModule));

/**
 * @param {unknown} [source] what init() was given; by default the imported module
 * @returns {Promise<void>}
 */
async function ready(source) {
  if (done) return;
  start(source === undefined ? /** @type {WebAssembly.Module} */ (wasmModule) : await moduleFrom(source));
}

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
