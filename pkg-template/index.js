// Entry for browsers, workers and bundlers: fetches the .wasm beside this file on first use
// (or takes what `init(source)` is given). A failed start-up is a CertCentralError of kind
// `init` and is not kept: the next call tries again.
import initWasm, * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';
import { besideUrl, initError, moduleFrom } from './start.js';

/** @typedef {{ __registerErrorClass(ctor: typeof CertCentralError): void }} Glue the glue's one export its typings leave out */

/** @type {Promise<void> | undefined} */
let started;
let done = false;

/**
 * Starts the wasm module once; a failure is forgotten so the next call retries.
 * @param {unknown} [source] what init() was given; by default the .wasm beside this file
 * @returns {Promise<void>}
 */
function ready(source) {
  started ??= (async () => {
    // `new URL('./x.wasm', import.meta.url)` as written: the pattern webpack 5 and Vite copy
    // the file for. Evaluated only here, so an iife bundle fails with an init error, not on load.
    const module = await moduleFrom(source ?? besideUrl(() => new URL('./certcentral_wasm_bg.wasm', import.meta.url)));
    try {
      await initWasm({ module_or_path: module });
    } catch (e) {
      throw initError(`instantiating the .wasm failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    /** @type {Glue} */ (/** @type {unknown} */ (glue)).__registerErrorClass(CertCentralError);
    done = true;
  })().catch((e) => {
    started = undefined;
    throw e;
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
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
