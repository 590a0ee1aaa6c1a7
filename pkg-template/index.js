// Entry for browsers, workers and bundlers: fetches the .wasm beside this file on first use.
import initWasm, * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';

/** @typedef {{ __registerErrorClass(ctor: typeof CertCentralError): void }} Glue the glue's one export its typings leave out */

let started;
let done = false;
function ready() {
  started ??= initWasm({ module_or_path: new URL('./certcentral_wasm_bg.wasm', import.meta.url) }).then(() => {
    /** @type {Glue} */ (/** @type {unknown} */ (glue)).__registerErrorClass(CertCentralError);
    done = true;
  });
  return started;
}
function readySync() {
  if (!done) {
    throw new CertCentralError('certcentral-wasm is not initialised yet: `await init()` first', {
      kind: 'invalid_input',
    });
  }
}

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
