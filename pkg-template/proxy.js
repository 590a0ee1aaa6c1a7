// certcentral-wasm/proxy for workers and other web runtimes (Cloudflare Workers, Deno, Bun,
// Next.js edge): fetches the .wasm beside this file on first use. Node loads proxy-node.js.
import * as glue from './certcentral_wasm.js';
import { init } from './index.js';
import { makeCreateProxy } from './proxy-core.js';

/** @typedef {import('./proxy.d.ts').ProxyOptions} ProxyOptions */
/** @typedef {import('./proxy.d.ts').Proxy} Proxy */

/** @type {(options: ProxyOptions) => Proxy} */
export const createProxy = makeCreateProxy(init, /** @type {import('./proxy-core.js').ProxyGlue} */ (/** @type {unknown} */ (glue)));
