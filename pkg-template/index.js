// Entry for browsers, workers and bundlers: fetches the .wasm beside this file on first use.
import initWasm, * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';

let started;
function ready() {
  started ??= initWasm({ module_or_path: new URL('./certcentral_wasm_bg.wasm', import.meta.url) })
    .then(() => glue.__registerErrorClass(CertCentralError));
  return started;
}

export const { createClient, init } = makeApi(glue, ready);
export { CertCentralError };
