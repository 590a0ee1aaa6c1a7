// certcentral-wasm/proxy for Cloudflare Workers (`workerd`): the .wasm imported as a module,
// as the package's own workerd entry does (compiling from bytes is forbidden there).
import * as glue from './certcentral_wasm.js';
import { init } from './workerd.js';
import { makeCreateProxy } from './proxy-core.js';

/** @typedef {import('./proxy.d.ts').ProxyOptions} ProxyOptions */
/** @typedef {import('./proxy.d.ts').Proxy} Proxy */

/** @type {(options: ProxyOptions) => Proxy} */
export const createProxy = makeCreateProxy(init, /** @type {import('./proxy-core.js').ProxyGlue} */ (/** @type {unknown} */ (glue)));
