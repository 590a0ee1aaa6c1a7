// Entry for browsers, workers and bundlers: fetches the .wasm beside this file on first use
// (or takes what `init(source)` is given). A failed start-up is a CertCentralError of kind
// `init` and is not kept: the next call tries again. Bundlers that do not copy the .wasm
// (esbuild, Rollup, an iife) take `certcentral-wasm/inline` (inline.js) instead.
import initWasm, * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';
import { asyncStart, besideUrl } from './start.js';

// `new URL('./x.wasm', import.meta.url)` as written: the pattern webpack 5 and Vite copy the
// file for. Evaluated only on first use, so an iife bundle fails with an init error, not on load.
const { ready, readySync } = asyncStart(glue, initWasm, () => besideUrl(
  () => new URL('./certcentral_wasm_bg.wasm', import.meta.url),
));

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
