// Entry `certcentral-wasm/inline`: the .wasm travels inside the package's JS
// (certcentral_wasm_inline.js, written by scripts/build.sh: deflate-raw, then base64), so a
// bundler that does not copy `new URL('x.wasm', import.meta.url)` assets (esbuild, Rollup, an
// iife bundle) needs no copy step and no `init(url)`. Same API and typings as the main entry.
// The bytes are unpacked (DecompressionStream; node:zlib in Node) and compiled asynchronously
// on first use, which a Content-Security-Policy allows with 'wasm-unsafe-eval', as for the main
// entry.
// A failed start-up is a CertCentralError of kind `init` and is not kept.
import initWasm, * as glue from './certcentral_wasm.js';
import { WASM_DEFLATE_RAW_BASE64 } from './certcentral_wasm_inline.js';
import { makeApi, CertCentralError } from './api.js';
import { asyncStart, initError } from './start.js';

/**
 * Base64 to bytes: Uint8Array.fromBase64 where the runtime has it, else atob.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
function fromBase64(text) {
  const native = /** @type {{ fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }} */ (/** @type {unknown} */ (Uint8Array)).fromBase64;
  if (typeof native === 'function') return native.call(Uint8Array, text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @typedef {{ inflateRawSync(b: Uint8Array): Uint8Array }} Zlib node:zlib, the one function used */

/**
 * node:zlib where the runtime is Node (Bun, Deno), through process.getBuiltinModule: no import
 * for a bundler to resolve. There it inflates synchronously, in about 3 ms, where Node's web
 * streams cost 25-70 ms on first use (bench/inline/run.mjs).
 * @returns {Zlib | undefined}
 */
function nodeZlib() {
  const proc = /** @type {{ process?: { getBuiltinModule?: (id: string) => unknown } }} */ (globalThis).process;
  return typeof proc?.getBuiltinModule === 'function' ? /** @type {Zlib | undefined} */ (proc.getBuiltinModule('node:zlib')) : undefined;
}

/**
 * The .wasm carried in this package's JS, unpacked.
 * @returns {Promise<Uint8Array>}
 */
async function inlined() {
  try {
    const packed = fromBase64(WASM_DEFLATE_RAW_BASE64);
    const zlib = nodeZlib();
    if (zlib) return zlib.inflateRawSync(packed);
    const wasm = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(wasm).arrayBuffer());
  } catch (e) {
    throw initError(`unpacking the .wasm carried in certcentral_wasm_inline.js failed (${e instanceof Error ? e.message : String(e)}): `
      + "this runtime needs DecompressionStream('deflate-raw'); import 'certcentral-wasm' (the .wasm as a file) instead", { cause: e });
  }
}

/**
 * Instantiates the compiled module: synchronously in Node (the glue's async path touches the
 * global `Response`, whose first use loads Node's fetch, ~30 ms), else the glue's async init.
 * @param {{ module_or_path: WebAssembly.Module }} o
 * @returns {Promise<unknown>}
 */
const instantiate = async (o) => (nodeZlib() ? glue.initSync({ module: o.module_or_path }) : initWasm(o));

const { ready, readySync } = asyncStart(glue, instantiate, inlined);

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
