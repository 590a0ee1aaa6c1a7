// Entry for Node (ESM `import` and, on Node >= 20.19, CommonJS `require`): reads the .wasm
// beside this file synchronously on first use. No top-level await.
import { readFileSync } from 'node:fs';
import * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';

/** @typedef {{ __registerErrorClass(ctor: typeof CertCentralError): void }} Glue the glue's one export its typings leave out */

let done = false;
function readySync() {
  if (!done) {
    glue.initSync({ module: readFileSync(new URL('./certcentral_wasm_bg.wasm', import.meta.url)) });
    /** @type {Glue} */ (/** @type {unknown} */ (glue)).__registerErrorClass(CertCentralError);
    done = true;
  }
}
const ready = async () => readySync();

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
