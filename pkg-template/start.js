// Start-up, shared by the loaders: turns whatever `init(source)` was given (a WebAssembly.Module,
// bytes, a Response, a URL or a string) into a compiled WebAssembly.Module, and every way that
// can fail into a CertCentralError of kind `init` whose message says what to do.
import { CertCentralError } from './error.js';

/** The first four bytes of every .wasm file: "\0asm". */
const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * An `init` error.
 * @param {string} message
 * @param {{ url?: string | null, status?: number | null, contentType?: string | null, cause?: unknown }} [at]
 * @returns {CertCentralError}
 */
export function initError(message, at = {}) {
  const e = new CertCentralError(`certcentral-wasm could not start: ${message}`, {
    kind: 'init', url: at.url ?? null, status: at.status ?? null, contentType: at.contentType ?? null,
  });
  if (at.cause !== undefined) Object.defineProperty(e, 'cause', { value: at.cause, writable: true, configurable: true });
  return e;
}

/** What to do when the .wasm file is missing where the package looked. */
export const COPY_HINT = "import from 'certcentral-wasm/inline' instead (the .wasm carried in JS: nothing to copy; "
  + 'esbuild and Rollup do not copy the file, webpack 5 and Vite do), '
  + 'or copy node_modules/certcentral-wasm/certcentral_wasm_bg.wasm beside your bundle, '
  + "or pass its location or bytes: `await init(new URL('/certcentral_wasm_bg.wasm', location.href))`";

/**
 * Why a compile failed, for the message: a CSP or an embedder that forbids compiling bytes.
 * @param {unknown} e
 * @returns {string}
 */
function compileHint(e) {
  const m = e instanceof Error ? e.message : String(e);
  if (/unsafe-eval|Content.Security.Policy|CSP/i.test(m)) {
    return "the page's Content-Security-Policy forbids compiling WebAssembly: add 'wasm-unsafe-eval' to script-src "
      + "(not 'unsafe-eval', which allows far more)";
  }
  if (/disallowed by embedder|code generation/i.test(m)) {
    return 'this runtime forbids compiling WebAssembly from bytes (Cloudflare Workers and the like): import the package '
      + "through its `workerd` export condition, or import the .wasm as a module and pass it: `init(wasmModule)`";
  }
  return `the .wasm did not compile (${m})`;
}

/**
 * Compiles bytes; a failure is an `init` error.
 * @param {BufferSource} bytes
 * @param {string | null} url where the bytes came from
 * @param {string | null} contentType
 * @returns {Promise<WebAssembly.Module>}
 */
async function compile(bytes, url, contentType) {
  const view = ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
  if (!MAGIC.every((b, i) => view[i] === b)) {
    const head = new TextDecoder().decode(view.subarray(0, 64)).trimStart().toLowerCase();
    const html = head.startsWith('<!doctype') || head.startsWith('<html') || /html/i.test(contentType ?? '');
    throw initError(html
      ? `${url ?? 'the .wasm'} answered with an HTML page (${contentType ?? 'no content type'}), not the .wasm: `
        + "a dev server's fallback page. With Vite, add `optimizeDeps: { exclude: ['certcentral-wasm'] }` to vite.config; "
        + `otherwise ${COPY_HINT}`
      : `${url ?? 'the bytes given'} is not a .wasm file (it does not start with \\0asm)`, { url, contentType });
  }
  try {
    return await WebAssembly.compile(view);
  } catch (e) {
    throw initError(compileHint(e), { url, contentType, cause: e });
  }
}

/**
 * The compiled module from what the caller (or the loader) gave.
 * @param {unknown} source a WebAssembly.Module, bytes, a Response, a URL or a string
 * @returns {Promise<WebAssembly.Module>}
 */
export async function moduleFrom(source) {
  source = await source; // a promise of a Response, such as fetch(url)
  // A module from another realm too (Next.js's edge sandbox hands those out): instanceof fails there.
  if (source instanceof WebAssembly.Module || Object.prototype.toString.call(source) === '[object WebAssembly.Module]') {
    return /** @type {WebAssembly.Module} */ (source);
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return compile(/** @type {BufferSource} */ (source), null, null);
  }
  /** @type {Response} */
  let res;
  /** @type {string | null} */
  let url = null;
  if (typeof Response === 'function' && source instanceof Response) {
    res = source;
    url = res.url || null;
  } else if (typeof source === 'string' || (typeof URL === 'function' && source instanceof URL)) {
    url = String(source);
    try {
      res = await fetch(url);
    } catch (e) {
      throw initError(`fetching ${url} failed (${e instanceof Error ? e.message : String(e)}); `
        + `if a Content-Security-Policy blocked it, allow it in connect-src; otherwise ${COPY_HINT}`, { url, cause: e });
    }
  } else {
    throw initError('init() takes a WebAssembly.Module, an ArrayBuffer or Uint8Array, a Response, a URL or a string');
  }
  const contentType = res.headers.get('content-type');
  if (!res.ok) {
    const hint = res.status === 404 ? `the file is missing there: ${COPY_HINT}` : 'the next call tries again';
    throw initError(`${url ?? 'the .wasm'} answered HTTP ${res.status}: ${hint}`, { url, status: res.status, contentType });
  }
  let bytes;
  try {
    bytes = await res.arrayBuffer();
  } catch (e) {
    throw initError(`reading ${url ?? 'the .wasm'} failed (${e instanceof Error ? e.message : String(e)})`, { url, status: res.status, contentType, cause: e });
  }
  return compile(bytes, url, contentType);
}

/**
 * Instantiates the glue from a compiled module or bytes, synchronously; registers the error class.
 * @param {{ initSync(m: { module: BufferSource | WebAssembly.Module }): unknown }} glue
 * @param {BufferSource | WebAssembly.Module} module
 */
export function instantiate(glue, module) {
  try {
    glue.initSync({ module });
  } catch (e) {
    throw initError(`instantiating the .wasm failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  /** @type {{ __registerErrorClass(ctor: typeof CertCentralError): void }} */ (/** @type {unknown} */ (glue)).__registerErrorClass(CertCentralError);
}

/**
 * Where the .wasm sits beside the loader, or an `init` error when this bundle has no
 * `import.meta.url` (an esbuild iife or CommonJS bundle).
 * @param {() => URL} beside evaluates `new URL('./certcentral_wasm_bg.wasm', import.meta.url)`
 * @returns {URL}
 */
export function besideUrl(beside) {
  try {
    return beside();
  } catch (e) {
    throw initError('this bundle has no import.meta.url to find certcentral_wasm_bg.wasm by (an iife or CommonJS bundle): '
      + `bundle as an ES module, or ${COPY_HINT}`, { cause: e });
  }
}

/**
 * The start-up of the loaders that compile asynchronously (index.js: the .wasm beside it;
 * inline.js: the bytes carried in JS): once, on first use or `init(source)`; a failure is
 * forgotten so the next call retries.
 * @param {object} glue wasm-bindgen's generated module
 * @param {(o: { module_or_path: WebAssembly.Module }) => Promise<unknown>} initWasm its default export
 * @param {() => unknown} fallback what to start from when init() was given nothing (evaluated only then)
 * @returns {{ ready: (source?: unknown) => Promise<void>, readySync: () => void }}
 */
export function asyncStart(glue, initWasm, fallback) {
  /** @type {Promise<void> | undefined} */
  let started;
  let done = false;
  return {
    ready(source) {
      started ??= (async () => {
        const module = await moduleFrom(source ?? fallback());
        try {
          await initWasm({ module_or_path: module });
        } catch (e) {
          throw initError(`instantiating the .wasm failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
        }
        /** @type {{ __registerErrorClass(ctor: typeof CertCentralError): void }} */ (/** @type {unknown} */ (glue)).__registerErrorClass(CertCentralError);
        done = true;
      })().catch((e) => {
        started = undefined;
        throw e;
      });
      return started;
    },
    readySync() {
      if (!done) {
        throw new CertCentralError('certcentral-wasm is not initialised yet: `await init()` first', {
          kind: 'invalid_input',
        });
      }
    },
  };
}
