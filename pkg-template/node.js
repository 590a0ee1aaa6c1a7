// Entry for Node (ESM `import` and, on Node >= 20.19, CommonJS `require`): reads the .wasm
// beside this file synchronously on first use. No top-level await. Bundled (esbuild, Rollup,
// webpack), `import.meta.url` may be gone or rewritten: the loader then looks for
// node_modules/certcentral-wasm/certcentral_wasm_bg.wasm from the working directory up (by
// hand: bundlers rewrite `require.resolve` and `createRequire`). A failed start-up is
// a CertCentralError of kind `init` and is not kept: the next call tries again.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as glue from './certcentral_wasm.js';
import { makeApi, CertCentralError } from './api.js';
import { initError, instantiate, moduleFrom } from './start.js';

const NAME = 'certcentral_wasm_bg.wasm';

/**
 * node_modules/certcentral-wasm/<NAME> in the working directory and each one above it.
 * @returns {(() => string)[]}
 */
function installed() {
  const out = [];
  for (let dir = process.cwd(), up = ''; dir !== up; up = dir, dir = dirname(dir)) {
    const at = dir;
    out.push(() => join(at, 'node_modules', 'certcentral-wasm', NAME));
  }
  return out;
}

/**
 * The .wasm's bytes: beside this file, else in the installed package found from the working
 * directory (a bundle whose import.meta.url is gone or rewritten).
 * @returns {Uint8Array}
 */
function readWasm() {
  /** @type {string[]} */
  const tried = [];
  /** @type {(() => string)[]} */
  // A literal: with `./${NAME}` webpack made a context of every file beside this one (cli.js
  // too, whose `#!` line its minifier refuses); with the literal it copies the .wasm.
  const places = [() => fileURLToPath(new URL('./certcentral_wasm_bg.wasm', import.meta.url).href), ...installed()];
  for (const place of places) {
    let path;
    try {
      path = place();
      return readFileSync(path);
    } catch (e) {
      tried.push(path ?? `(${e instanceof Error ? e.message : String(e)})`);
    }
  }
  throw initError(`${NAME} was not found (tried ${tried.join(', ')}). In a bundle, import from `
    + "'certcentral-wasm/inline' (the .wasm carried in JS), keep the package external "
    + "(esbuild --external:certcentral-wasm, Next.js serverExternalPackages: ['certcentral-wasm']) "
    + 'or pass the bytes: `await init(readFileSync(pathToTheWasm))`');
}

let done = false;

/**
 * Instantiates `module` (or the .wasm beside this file) synchronously, once.
 * @param {WebAssembly.Module | Uint8Array} [module]
 */
function start(module) {
  if (done) return;
  instantiate(glue, module ?? readWasm());
  done = true;
}
const readySync = () => start();

/**
 * @param {unknown} [source] what init() was given; by default the .wasm beside this file
 * @returns {Promise<void>}
 */
async function ready(source) {
  if (done) return;
  start(source === undefined ? undefined : await moduleFrom(source));
}

export const {
  createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv,
} = makeApi(glue, ready, readySync);
export { CertCentralError };
