// Entry for Cloudflare Workers (`workerd`, `wrangler`): the runtime forbids compiling
// WebAssembly from bytes, so the .wasm is imported as a module (wrangler and workerd's module
// config do that for `.wasm` imports) and instantiated synchronously on first use.
// `init(source)` takes another WebAssembly.Module, bytes, a Response or a URL all the same.
import wasmModule from './certcentral_wasm_bg.wasm';
import * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';
import { initError, moduleFrom } from './start.js';

/** @typedef {{ __registerErrorClass(ctor: typeof CertCentralError): void }} Glue the glue's one export its typings leave out */

let done = false;

/**
 * Instantiates `module` synchronously, once.
 * @param {WebAssembly.Module} module
 */
function start(module) {
  if (done) return;
  try {
    glue.initSync({ module });
  } catch (e) {
    throw initError(`instantiating the .wasm failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  /** @type {Glue} */ (/** @type {unknown} */ (glue)).__registerErrorClass(CertCentralError);
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
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
